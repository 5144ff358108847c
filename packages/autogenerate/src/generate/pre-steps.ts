/**
 * The changes TypeORM's generator gets wrong, made first, on the shadow database, by us:
 *
 * - renames named by a hint (`@RenamedFrom`, `@TableRenamedFrom`, or `--rename`): TypeORM's own
 *   renameColumn/renameTable produce the statements (constraints and sequences follow), which the
 *   generator would otherwise turn into DROP + ADD whenever the table has any other change;
 * - type changes, which the generator turns into DROP COLUMN + ADD COLUMN: we write
 *   `ALTER COLUMN … TYPE … USING`, classified by whether the cast keeps every value.
 *
 * Once they are applied to the shadow, the generator's remaining diff no longer sees them.
 */
import { columnRenameHints, tableRenameHint } from '@app/entities-framework';
import type { Lineage } from '@app/metadata-builder';
import { entityTablePath, quoteIdent, quoteTable, requiredExtensions } from '@app/migrator';
import { type DataSource, type EntityMetadata, type QueryRunner, type Table, TableColumn } from 'typeorm';
import { TableUtils } from 'typeorm/schema-builder/util/TableUtils.js';
import type { RenderedStatement } from '../authoring/render-revision';
import { type CastSafety, classifyCast } from './cast-safety';
import { castGuard } from './data-guards';
import { aroundTypeChange, generatedDependants } from './dependent-generated-columns';
import { type DependentView, viewDependants, viewsAroundTypeChange } from './dependent-views';
import { renameRelationUniques, renameTableRelationUniques } from './relation-unique-renames';
import type { TableLineage } from './table-lineage';

export interface RenameHint {
  /** `table` or `schema.table`. */
  table: string;
  from: string;
  /** The new column name, or for a table rename (from = old table name) the new table name. */
  to: string;
  kind: 'column' | 'table';
}

export interface StepResult {
  up: RenderedStatement[];
  down: RenderedStatement[];
  /** Human-readable description of each step, for the revision header. */
  notes: string[];
  /** Statements that can lose or reject data; they need --allow-destructive. */
  destructive: string[];
}

/** Rename hints declared on the lineage's entities, plus the ones passed as flags. */
export function collectRenameHints(
  dataSource: DataSource,
  lineage: TableLineage,
  want: Lineage,
  flags: readonly RenameHint[],
): RenameHint[] {
  const hints = [...flags];
  for (const m of dataSource.entityMetadatas) {
    if (m.tableType === 'junction' || lineage.lineageOfTable(entityTablePath(m)) !== want) continue;
    const target = m.target as abstract new () => unknown;
    if (typeof target !== 'function') continue;
    const oldTable = tableRenameHint(target);
    if (oldTable) hints.push({ kind: 'table', table: entityTablePath(m), from: oldTable, to: m.tableName });
    for (const [property, oldName] of columnRenameHints(target)) {
      const column = m.columns.find((c) => c.propertyName === property);
      if (column)
        hints.push({ kind: 'column', table: entityTablePath(m), from: oldName, to: column.databaseName });
    }
  }
  return hints;
}

async function captured(
  runner: QueryRunner,
  action: () => Promise<void>,
): Promise<{ up: string[]; down: string[] }> {
  runner.enableSqlMemory();
  try {
    await action();
    const memory = runner.getMemorySql();
    return {
      up: memory.upQueries.map((q) => q.query),
      down: [...memory.downQueries].reverse().map((q) => q.query),
    };
  } finally {
    runner.disableSqlMemory();
  }
}

async function execute(runner: QueryRunner, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await runner.query(sql);
}

export async function applyRenames(
  runner: QueryRunner,
  hints: readonly RenameHint[],
  result: StepResult,
): Promise<void> {
  for (const hint of hints.filter((h) => h.kind === 'table')) {
    const schema = hint.table.includes('.') ? `${hint.table.split('.')[0]}.` : '';
    if (!(await runner.hasTable(`${schema}${hint.from}`)) || (await runner.hasTable(hint.table))) continue;
    const sql = await captured(runner, () => runner.renameTable(`${schema}${hint.from}`, hint.to));
    await execute(runner, sql.up);
    const uniques = await renameTableRelationUniques(runner, hint);
    sql.up.push(...uniques.up);
    sql.down.unshift(...uniques.down);
    result.up.push(
      ...sql.up.map((s, i) => ({
        sql: s,
        note: i === 0 ? `rename table ${hint.from} to ${hint.to} (data kept)` : undefined,
      })),
    );
    result.down.unshift(...sql.down.map((s) => ({ sql: s })));
    result.notes.push(`Renames table ${hint.from} to ${hint.to}.`);
  }
  for (const hint of hints.filter((h) => h.kind === 'column')) {
    const table = await runner.getTable(hint.table);
    if (!table?.findColumnByName(hint.from) || table.findColumnByName(hint.to)) continue;
    const sql = await captured(runner, () => runner.renameColumn(table, hint.from, hint.to));
    await execute(runner, sql.up);
    const uniques = await renameRelationUniques(runner, hint);
    sql.up.push(...uniques.up);
    sql.down.unshift(...uniques.down);
    result.up.push(
      ...sql.up.map((s, i) => ({
        sql: s,
        note: i === 0 ? `rename ${hint.table}.${hint.from} to ${hint.to} (data kept)` : undefined,
      })),
    );
    result.down.unshift(...sql.down.map((s) => ({ sql: s })));
    result.notes.push(`Renames ${hint.table}.${hint.from} to ${hint.to}.`);
  }
}

function typeChanged(old: TableColumn, next: TableColumn): boolean {
  if (old.type !== next.type || Boolean(old.isArray) !== Boolean(next.isArray)) return true;
  if ((old.length || '') !== (next.length || '')) return true;
  if (next.type === 'numeric' || next.type === 'decimal') {
    return (
      (old.precision ?? null) !== (next.precision ?? null) || (old.scale ?? null) !== (next.scale ?? null)
    );
  }
  return false;
}

/** Views over the column are dropped first and created last: they may read a generated column too. */
async function dependantsAround(runner: QueryRunner, table: string, column: string) {
  const dependants = await generatedDependants(runner, table, column);
  const generated = aroundTypeChange(table, dependants);
  const found = new Map<string, DependentView>();
  for (const name of [column, ...dependants.map((g) => g.name)])
    for (const view of await viewDependants(runner, table, name)) found.set(view.name, view);
  const views = viewsAroundTypeChange([...found.values()]);
  return {
    before: [...views.before, ...generated.before],
    after: [...generated.after, ...views.after],
  };
}

const ADVICE: Record<CastSafety, string> = {
  safe: 'keeps every value',
  fallible: 'keeps data when every value converts, and fails whole otherwise',
  narrowing: 'can reject or round existing values',
};

export async function applyTypeChanges(
  runner: QueryRunner,
  dataSource: DataSource,
  entities: readonly EntityMetadata[],
  result: StepResult,
): Promise<void> {
  const driver = dataSource.driver;
  // One catalog read for every table: TypeORM's getTable costs several queries per call.
  const tables = new Map((await runner.getTables(entities.map(entityTablePath))).map((t) => [t.name, t]));
  for (const m of entities) {
    const table: Table | undefined =
      tables.get(entityTablePath(m)) ?? tables.get(`public.${entityTablePath(m)}`);
    if (!table) continue;
    for (const column of m.columns) {
      if (column.type === 'enum' || column.type === 'simple-enum' || column.generatedType) continue;
      const old = table.findColumnByName(column.databaseName);
      if (!old || old.generatedType) continue;
      const next = new TableColumn(TableUtils.createTableColumnOptions(column, driver));
      if (!typeChanged(old, next)) continue;
      const fromType = driver.createFullType(old);
      const toType = driver.createFullType(next);
      const safety = classifyCast(old, next);
      const target = `${quoteTable(entityTablePath(m))}`;
      const col = quoteIdent(column.databaseName);
      const up = `ALTER TABLE ${target} ALTER COLUMN ${col} TYPE ${toType} USING ${col}::${toType}`;
      const down = `ALTER TABLE ${target} ALTER COLUMN ${col} TYPE ${fromType} USING ${col}::${fromType}`;
      // A cast that can change values is preceded by a guard counting the rows it would change.
      const upGuard =
        safety === 'narrowing'
          ? castGuard(entityTablePath(m), column.databaseName, old, next, toType, fromType)
          : undefined;
      const downGuard =
        classifyCast(next, old) === 'narrowing'
          ? castGuard(entityTablePath(m), column.databaseName, next, old, fromType, toType)
          : undefined;
      if (upGuard) {
        await runner.query(upGuard.sql);
        result.up.push(upGuard);
      }
      const around = await dependantsAround(runner, entityTablePath(m), column.databaseName);
      for (const s of around.before) await runner.query(s.sql);
      await runner.query(up);
      for (const s of around.after) await runner.query(s.sql);
      result.up.push(...around.before);
      result.up.push({
        sql: up,
        note: `type change ${fromType} → ${toType}: ${ADVICE[safety]}`,
        handFill:
          safety === 'fallible'
            ? `check that every ${entityTablePath(m)}.${column.databaseName} value converts to ${toType}, or write the USING expression that converts it.`
            : undefined,
      });
      result.down.unshift(
        ...(downGuard ? [downGuard] : []),
        ...around.before.map((s) => ({ sql: s.sql })),
        { sql: down },
        ...around.after,
      );
      result.up.push(...around.after);
      result.notes.push(
        `Changes ${entityTablePath(m)}.${column.databaseName} from ${fromType} to ${toType} (${safety}).`,
      );
      if (safety === 'narrowing') result.destructive.push(up);
    }
  }
}

export async function applyRequiredExtensions(
  runner: QueryRunner,
  entities: readonly EntityMetadata[],
  result: StepResult,
): Promise<void> {
  const needed = await requiredExtensions(entities);
  if (needed.length === 0) return;
  const installed: Array<{ extname: string }> = await runner.query('SELECT extname FROM pg_extension');
  for (const extension of needed) {
    if (installed.some((row) => row.extname === extension)) continue;
    const up = `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)}`;
    await runner.query(up);
    result.up.push({ sql: up, note: `the ${extension} extension provides what a column or constraint uses` });
    result.down.push({ sql: `DROP EXTENSION IF EXISTS ${quoteIdent(extension)}` });
    result.notes.push(`Creates the ${extension} extension.`);
  }
}
