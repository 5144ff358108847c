/**
 * Whether create-all would build the same database as replaying a plan. create-all builds tables
 * from the entities, so it reproduces only what a revision does to tables, keys, indexes and enums
 * in the shape TypeORM writes them, with the views of view entities and the extensions their columns
 * need (and the extensions revisions create, which create-all creates too). A hand-written view (no
 * typeorm_metadata row follows it), a function, a trigger, an extension it does not manage, seed rows, a
 * column added to an existing table (it would land in another position) or a rename (constraint
 * names follow the old table) are things only replay reproduces; a plan with any of them is
 * replayed instead, and the reason is given. The statements are read by rendering each revision
 * offline and parsing it, the way `upgrade --sql` and lint see them.
 */
import { TYPEORM_METADATA_TABLE } from '@app/entities-framework';
import type { RevisionGraph } from '../graph/revision-graph';
import type { RevisionModule } from '../revision/revision';
import { MANAGED_EXTENSIONS } from '../sql/required-extensions';
import { describeSql, loadSqlParser, type StatementFacts } from '../sql/statement-facts';
import { recordStatements } from './offline-sql';

const REPRODUCED_KINDS = new Set([
  'CreateStmt',
  'IndexStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'CommentStmt',
]);
const REPRODUCED_DROPS = new Set([
  'OBJECT_TABLE',
  'OBJECT_INDEX',
  'OBJECT_TYPE',
  'TABLE',
  'INDEX',
  'TYPE',
  'VIEW',
]);
const REPRODUCED_ALTERS = new Set([
  'AT_AddConstraint',
  'AT_DropConstraint',
  'AT_DropColumn',
  'AT_SetNotNull',
  'AT_DropNotNull',
]);

/** Why create-all would differ for this statement, or undefined when it reproduces it. */
function notReproduced(facts: StatementFacts, next: StatementFacts | undefined): string | undefined {
  if (REPRODUCED_KINDS.has(facts.kind)) return undefined;
  // A view entity's view: TypeORM records its expression in typeorm_metadata right after creating
  // it. A view without that row was written by hand, and only replay creates it.
  if (facts.kind === 'ViewStmt' && next?.kind === 'InsertStmt' && next.tables[0] === TYPEORM_METADATA_TABLE)
    return undefined;
  // TypeORM's rows for view and generated-column expressions: create-all writes the same ones.
  if (
    (facts.kind === 'InsertStmt' || facts.kind === 'DeleteStmt') &&
    facts.tables[0] === TYPEORM_METADATA_TABLE
  )
    return undefined;
  if (facts.kind === 'CreateExtensionStmt' && MANAGED_EXTENSIONS.has(facts.extension ?? '')) return undefined;
  if (facts.kind === 'DropStmt' && REPRODUCED_DROPS.has(facts.objectType ?? '')) return undefined;
  if (facts.kind === 'AlterTableStmt') {
    const other = facts.actions.find((a) => !REPRODUCED_ALTERS.has(a.subtype));
    return other ? `ALTER TABLE ${facts.tables[0] ?? ''} (${other.subtype.replace(/^AT_/, '')})` : undefined;
  }
  return facts.kind.replace(/Stmt$/, '');
}

/** What create-all needs to know of a plan before it runs. */
export interface CreateAllPlan {
  /** Why create-all would not build what replay builds; undefined when it would. */
  declined?: string;
  /**
   * The extensions the plan's revisions create, in order. create-all creates them too, so an
   * extension a revision made survives on a create-all database after the entities stop needing it.
   */
  extensions: string[];
}

/**
 * Reads every revision of the plan once: whether create-all reproduces all of them (if not, why
 * not, naming the first revision and statement it cannot reproduce) and which extensions they create.
 *
 * @example
 * await planCreateAll(graph, plan, modules)
 * // { declined: 'revision 20261130_active_items runs View, which the entities do not describe', extensions: [] }
 */
export async function planCreateAll(
  graph: RevisionGraph,
  plan: readonly string[],
  modules: ReadonlyMap<string, RevisionModule>,
): Promise<CreateAllPlan> {
  await loadSqlParser();
  const extensions: string[] = [];
  for (const id of plan) {
    const info = graph.get(id)!;
    let statements: string[];
    try {
      statements = await recordStatements(info, modules.get(id)!, 'up');
    } catch (error) {
      return {
        declined: `revision ${id} does more than send SQL (${(error as Error).message.split(':')[0]})`,
        extensions,
      };
    }
    let facts: StatementFacts[];
    try {
      facts = statements.flatMap((sql) => describeSql(sql));
    } catch {
      return { declined: `revision ${id} has SQL the parser cannot read`, extensions };
    }
    for (const [i, fact] of facts.entries()) {
      const reason = notReproduced(fact, facts[i + 1]);
      if (reason)
        return { declined: `revision ${id} runs ${reason}, which the entities do not describe`, extensions };
      if (fact.kind === 'CreateExtensionStmt' && fact.extension && !extensions.includes(fact.extension))
        extensions.push(fact.extension);
    }
  }
  return { extensions };
}

/**
 * The one line `upgrade` and `serve` print when create-all was declined, so both say it alike.
 *
 * @example
 * createAllDeclinedLine('revision 20261130_active_items runs View, which the entities do not describe')
 * // 'create-all not used: revision 20261130_active_items runs View, …; replaying every revision instead.'
 */
export function createAllDeclinedLine(reason: string): string {
  return `create-all not used: ${reason}; replaying every revision instead.`;
}
