/**
 * @app/autogenerate: what writes revisions, kept apart from applying them (@app/migrator) so a
 * production install carries neither SWC nor the shadow machinery. Autogeneration on a shadow
 * database made safe, `check`'s diff, lint, merge and rehash, and TypeScript loading for development.
 */
export { writeMergeRevision } from './authoring/merge';
export { type RehashResult, rehashFolder } from './authoring/rehash';
export {
  type RenderedStatement,
  type RevisionContent,
  renderRevision,
} from './authoring/render-revision';
export { newRevisionId, slugForMessage } from './authoring/revision-id';
export {
  assertWritableMigrationsDir,
  type WriteRevisionOptions,
  writeRevision,
} from './authoring/write-revision';
export { type CastSafety, type ColumnType, classifyCast } from './generate/cast-safety';
export {
  catalogSnapshot,
  compareSnapshots,
  type SnapshotDifference,
} from './generate/catalog-snapshot';
export { findSchemaDrift, type MissingStatement } from './generate/check-schema';
export {
  type GenerateRevisionOptions,
  type GenerateRevisionResult,
  generateRevision,
  type PlannedRevision,
} from './generate/generate-revision';
export type { DriftItem, RenameCandidate } from './generate/post-process';
export type { RenameHint } from './generate/pre-steps';
export { previewRevisions, type RevisionPreview } from './generate/preview-revision';
export {
  ACKNOWLEDGED_MARKER,
  formatFinding,
  type LintFinding,
  lintRevision,
  lintStatements,
} from './lint/lint-revision';
export { LINT_RULES, type LintRule, type Severity } from './lint/lint-rules';
export { dropKeptShadows, keptShadowName } from './shadow/kept-shadow';
export { type PruneResult, pruneKeptShadows } from './shadow/kept-shadow-prune';
export { findLiveDrift } from './shadow/live-drift';
export { replayRevisions, withShadowDatabase } from './shadow/shadow-database';
export { shadowServerOf } from './shadow/shadow-server';
export {
  compileTypeScript,
  registerTypeScriptLoader,
  typeScriptSupport,
} from './typescript/typescript-support';
