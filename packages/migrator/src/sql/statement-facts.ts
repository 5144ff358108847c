/**
 * What a SQL statement does, read from PostgreSQL's own parser (libpg-query), never from regular
 * expressions: its kind, the tables, types and indexes it touches, and for ALTER TABLE each
 * sub-command with its column. Generation, lint and create-all all classify through here.
 */
import type * as PgQuery from 'libpg-query';

export interface AlterAction {
  /** PostgreSQL's sub-command name, e.g. AT_AddColumn, AT_DropColumn, AT_SetNotNull. */
  subtype: string;
  column?: string;
  /** For AT_AddColumn. */
  notNull?: boolean;
  hasDefault?: boolean;
  /** Byte offset of the NOT NULL constraint in the statement, for AT_AddColumn. */
  notNullLocation?: number;
  defaultIsVolatile?: boolean;
  /** For AT_AddConstraint. */
  constraintType?: string;
  notValid?: boolean;
  referencedTable?: string;
  /** For AT_AddConstraint: the constraint's name, when the statement gives one. */
  constraintName?: string;
  /** For a CHECK that is exactly `(column IS NOT NULL)`: that column. */
  checksNotNull?: string;
  /** For AT_AlterColumnType: the new type as the parser names it (`pg_catalog.int8`, `text`, …). */
  newType?: string;
}

export interface StatementFacts {
  readonly sql: string;
  /** The parse node's type: CreateStmt, AlterTableStmt, IndexStmt, DropStmt, RenameStmt, … */
  readonly kind: string;
  readonly tables: readonly string[];
  readonly types: readonly string[];
  readonly indexes: readonly string[];
  readonly actions: readonly AlterAction[];
  /** For DropStmt: TABLE, INDEX, TYPE, …; for RenameStmt: COLUMN, TABLE, TYPE, …. */
  readonly objectType?: string;
  readonly concurrent?: boolean;
  readonly schema?: string;
  /** For RenameStmt: the new name. */
  readonly newName?: string;
  /** For CreateExtensionStmt: the extension. */
  readonly extension?: string;
}

type Node = Record<string, unknown>;

let parser: typeof PgQuery | undefined;
let loaded: Promise<void> | undefined;

/** Loads the parser (WebAssembly) once per process, on first use: most commands never parse SQL. */
export function loadSqlParser(): Promise<void> {
  parser ??= require('libpg-query') as typeof PgQuery;
  loaded ??= parser.loadModule();
  return loaded;
}

const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
]);

export function qualifiedName(relation: Node | undefined): string | undefined {
  if (!relation) return undefined;
  const schema = relation.schemaname as string | undefined;
  const name = relation.relname as string;
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}

function names(list: unknown): string[] {
  return ((list as Node[] | undefined) ?? []).map(
    (n) => ((n.String as Node | undefined)?.sval as string) ?? '',
  );
}

function typeName(list: unknown): string {
  const parts = names(list).filter((p) => p !== 'public');
  return parts.join('.');
}

function hasVolatileCall(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  const call = (node as Node).FuncCall as Node | undefined;
  if (call && names(call.funcname).some((n) => VOLATILE_FUNCTIONS.has(n))) return true;
  return Object.values(node as Node).some(hasVolatileCall);
}

function alterActions(stmt: Node): AlterAction[] {
  return ((stmt.cmds as Node[] | undefined) ?? []).map((wrapper) => {
    const cmd = wrapper.AlterTableCmd as Node;
    const action: AlterAction = { subtype: cmd.subtype as string, column: cmd.name as string | undefined };
    const def = cmd.def as Node | undefined;
    const column = def?.ColumnDef as Node | undefined;
    if (column) {
      action.column = (column.colname as string | undefined) ?? action.column;
      const constraints = ((column.constraints as Node[] | undefined) ?? []).map((c) => c.Constraint as Node);
      const notNull = constraints.find((c) => c.contype === 'CONSTR_NOTNULL');
      const dflt = constraints.find((c) => c.contype === 'CONSTR_DEFAULT');
      action.notNull = Boolean(notNull) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY');
      action.notNullLocation = notNull?.location as number | undefined;
      action.hasDefault =
        Boolean(dflt) ||
        constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
      action.defaultIsVolatile = dflt ? hasVolatileCall(dflt.raw_expr) : false;
      if (cmd.subtype === 'AT_AlterColumnType')
        action.newType = names((column.typeName as Node | undefined)?.names).join('.');
    }
    const constraint = def?.Constraint as Node | undefined;
    if (constraint) {
      action.constraintType = constraint.contype as string;
      action.notValid = constraint.skip_validation === true;
      action.referencedTable = qualifiedName(constraint.pktable as Node | undefined);
      action.constraintName = constraint.conname as string | undefined;
      const test = (constraint.raw_expr as Node | undefined)?.NullTest as Node | undefined;
      const fields = names(((test?.arg as Node | undefined)?.ColumnRef as Node | undefined)?.fields);
      if (test?.nulltesttype === 'IS_NOT_NULL' && fields.length === 1) action.checksNotNull = fields[0];
    }
    if (cmd.subtype === 'AT_ColumnDefault' && def) action.defaultIsVolatile = hasVolatileCall(def);
    return action;
  });
}

function describeNode(sql: string, kind: string, stmt: Node): StatementFacts {
  const base = {
    sql,
    kind,
    tables: [] as string[],
    types: [] as string[],
    indexes: [] as string[],
    actions: [] as AlterAction[],
  };
  switch (kind) {
    case 'CreateStmt': {
      const referenced = ((stmt.tableElts as Node[] | undefined) ?? [])
        .map((e) => e.Constraint as Node | undefined)
        .filter((c) => c?.contype === 'CONSTR_FOREIGN')
        .map((c) => ({
          subtype: 'AT_AddConstraint',
          constraintType: 'CONSTR_FOREIGN',
          referencedTable: qualifiedName(c!.pktable as Node),
        }));
      const relation = stmt.relation as Node;
      return {
        ...base,
        tables: [qualifiedName(relation)!],
        actions: referenced,
        schema: relation.schemaname as string | undefined,
      };
    }
    case 'AlterTableStmt':
      return {
        ...base,
        tables: [qualifiedName(stmt.relation as Node)!],
        actions: alterActions(stmt),
        objectType: stmt.objtype as string,
      };
    case 'IndexStmt':
      return {
        ...base,
        tables: [qualifiedName(stmt.relation as Node)!],
        indexes: [stmt.idxname as string],
        concurrent: stmt.concurrent === true,
      };
    case 'CreateEnumStmt':
    case 'AlterEnumStmt':
      return { ...base, types: [typeName(stmt.typeName)] };
    case 'CommentStmt':
      return { ...base, objectType: stmt.objtype as string };
    case 'DropStmt': {
      const objectType = (stmt.removeType as string).replace('OBJECT_', '');
      const objects = ((stmt.objects as Node[] | undefined) ?? []).map((o) =>
        typeName((o.List as Node | undefined)?.items ?? (o.TypeName as Node | undefined)?.names),
      );
      return {
        ...base,
        objectType,
        concurrent: stmt.concurrent === true,
        tables: objectType === 'TABLE' ? objects : [],
        indexes: objectType === 'INDEX' ? objects : [],
        types: objectType === 'TYPE' ? objects : [],
      };
    }
    case 'RenameStmt': {
      const objectType = (stmt.renameType as string).replace('OBJECT_', '');
      const relation = qualifiedName(stmt.relation as Node | undefined);
      const object = stmt.object as Node | undefined;
      const objectName = object ? typeName((object.List as Node | undefined)?.items ?? [object]) : undefined;
      return {
        ...base,
        objectType,
        tables: relation ? [relation] : [],
        types: objectType === 'TYPE' && objectName ? [objectName] : [],
        actions: [{ subtype: `RENAME_${objectType}`, column: stmt.subname as string | undefined }],
        newName: stmt.newname as string | undefined,
      };
    }
    case 'CreateSchemaStmt':
      return { ...base, schema: stmt.schemaname as string };
    case 'ViewStmt':
      return { ...base, tables: [qualifiedName(stmt.view as Node)!] };
    case 'InsertStmt':
    case 'DeleteStmt':
      return { ...base, tables: [qualifiedName(stmt.relation as Node)!] };
    case 'CreateExtensionStmt':
      return { ...base, extension: stmt.extname as string };
    default:
      return base;
  }
}

/** Splits a script into statements and describes each. Call {@link loadSqlParser} first. */
export function describeSql(sql: string): StatementFacts[] {
  if (!parser) throw new Error('call loadSqlParser() before describing SQL');
  // The parser throws on blank input; a revision direction that sends nothing has no statements.
  if (sql.trim() === '') return [];
  const parsed = parser.parseSync(sql) as {
    stmts?: Array<{ stmt: Node; stmt_location?: number; stmt_len?: number }>;
  };
  return (parsed.stmts ?? []).map((entry) => {
    const [kind, stmt] = Object.entries(entry.stmt)[0] as [string, Node];
    const start = entry.stmt_location ?? 0;
    const text = (entry.stmt_len ? sql.slice(start, start + entry.stmt_len) : sql.slice(start)).trim();
    return describeNode(text, kind, stmt);
  });
}

/**
 * Generation asks about the same statements several times (lineage, scope, lint); parsing is the
 * cost, and facts are read-only, so one process keeps the last few thousand.
 */
const described = new Map<string, StatementFacts>();
const DESCRIBED_LIMIT = 5_000;

/** Describes one statement (a script of exactly one). */
export function describeStatement(sql: string): StatementFacts {
  const known = described.get(sql);
  if (known) return known;
  const [facts] = describeSql(sql);
  if (!facts) throw new Error(`not a SQL statement: ${sql.slice(0, 80)}`);
  if (described.size >= DESCRIBED_LIMIT) described.clear();
  const result = { ...facts, sql };
  described.set(sql, result);
  return result;
}
