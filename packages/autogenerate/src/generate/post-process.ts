/**
 * Makes TypeORM's remaining diff safe for one lineage: keeps only that lineage's statements (the
 * other lineage's are drift, reported by entity and field), splits a NOT NULL column added to an
 * existing table into add → hand-filled backfill → SET NOT NULL, creates missing schemas, and
 * flags what drops data or looks like an undeclared rename.
 */
import type { Lineage } from '@app/metadata-builder';
import { describeStatement, quoteIdent, quoteTable, type StatementFacts } from '@app/migrator';
import type { RenderedStatement } from '../authoring/render-revision';
import type { SchemaDiff } from './schema-diff';
import type { TableLineage } from './table-lineage';

export interface DriftItem {
  lineage: Lineage;
  table: string;
  entity: string | undefined;
  column: string | undefined;
  sql: string;
}

export interface RenameCandidate {
  table: string;
  from: string;
  to: string;
}

export interface ProcessedDiff {
  up: RenderedStatement[];
  down: RenderedStatement[];
  drift: DriftItem[];
  destructive: string[];
  renameCandidates: RenameCandidate[];
  /** Tables of another lineage that this lineage's statements reference (foreign keys). */
  referencedLineages: Set<Lineage>;
}

export interface PostProcessContext {
  lineage: Lineage;
  tables: TableLineage;
  /** Tables that existed in the shadow database before this revision. */
  existingTables: ReadonlySet<string>;
  existingSchemas: ReadonlySet<string>;
}

function belongs(facts: StatementFacts, context: PostProcessContext): Lineage | 'mine' {
  const lineages = context.tables.lineagesOf(facts);
  if (lineages.size === 0 || lineages.has(context.lineage)) return 'mine';
  return [...lineages][0]!;
}

function splitNotNull(
  facts: StatementFacts,
  table: string,
  column: string,
  location: number,
): RenderedStatement[] {
  const nullable = `${facts.sql.slice(0, location)}${facts.sql.slice(location + 'NOT NULL'.length)}`
    .replace(/\s{2,}/g, ' ')
    .trim();
  const target = quoteTable(table);
  const col = quoteIdent(column);
  return [
    { sql: nullable, note: `add ${table}.${column} as nullable first: the table already has rows` },
    {
      sql: `UPDATE ${target} SET ${col} = NULL WHERE ${col} IS NULL`,
      handFill: `replace NULL with the value ${table}.${column} should have on existing rows.`,
    },
    { sql: `ALTER TABLE ${target} ALTER COLUMN ${col} SET NOT NULL` },
  ];
}

export function postProcess(diff: SchemaDiff, context: PostProcessContext): ProcessedDiff {
  const result: ProcessedDiff = {
    up: [],
    down: [],
    drift: [],
    destructive: [],
    renameCandidates: [],
    referencedLineages: new Set(),
  };
  const dropped = new Map<string, string[]>();
  const added = new Map<string, string[]>();
  const schemasCreated = new Set<string>();

  for (const sql of diff.up) {
    const facts = describeStatement(sql);
    const owner = belongs(facts, context);
    const table = context.tables.tablesOf(facts)[0] ?? '';
    if (owner !== 'mine') {
      const action = facts.actions[0];
      result.drift.push({
        lineage: owner,
        table,
        entity: context.tables.entityOf(table),
        column: action?.column,
        sql,
      });
      continue;
    }
    for (const action of facts.actions) {
      const referenced = action.referencedTable
        ? context.tables.lineageOfTable(action.referencedTable)
        : undefined;
      if (referenced && referenced !== context.lineage) result.referencedLineages.add(referenced);
    }
    if (
      facts.kind === 'CreateStmt' &&
      facts.schema &&
      facts.schema !== 'public' &&
      !context.existingSchemas.has(facts.schema) &&
      !schemasCreated.has(facts.schema)
    ) {
      schemasCreated.add(facts.schema);
      result.up.push({
        sql: `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(facts.schema)}`,
        note: `TypeORM does not create schemas; "${facts.schema}" is new`,
      });
    }
    const action = facts.actions[0];
    if (facts.kind === 'AlterTableStmt' && action?.subtype === 'AT_AddColumn' && action.column) {
      push(added, table, action.column);
      if (
        action.notNull &&
        !action.hasDefault &&
        action.notNullLocation !== undefined &&
        context.existingTables.has(table)
      ) {
        result.up.push(...splitNotNull(facts, table, action.column, action.notNullLocation));
        continue;
      }
    }
    if (facts.kind === 'AlterTableStmt' && action?.subtype === 'AT_DropColumn' && action.column) {
      push(dropped, table, action.column);
      result.destructive.push(sql);
    }
    if (facts.kind === 'DropStmt' && facts.objectType === 'TABLE') result.destructive.push(sql);
    result.up.push({ sql });
  }

  for (const sql of diff.down) {
    if (belongs(describeStatement(sql), context) === 'mine') result.down.push({ sql });
  }
  for (const schema of schemasCreated)
    result.down.push({ sql: `DROP SCHEMA IF EXISTS ${quoteIdent(schema)}` });

  for (const [table, columns] of dropped) {
    const gained = added.get(table) ?? [];
    for (const from of columns) for (const to of gained) result.renameCandidates.push({ table, from, to });
  }
  return result;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}
