/**
 * @app/entities-framework: the framework's own entities (persisted and virtual), their stores,
 * the `_dazzle_params` infrastructure table and the framework lineage's migrations folder.
 */
import { AIJob } from './entities/ai-job';
import { DeployHistory } from './entities/deploy-history';
import { FeedbackReport } from './entities/feedback-report';
import { SessionInfo } from './entities/session-info';
import { EventTrace, LogEntry, ProcessRun, SystemHealth, SystemMetric } from './virtual/virtual-entities';

export { AI_JOB_STATUSES, AIJob, type AIJobStatus } from './entities/ai-job';
export { DEPLOY_STATUSES, DeployHistory, type DeployStatus } from './entities/deploy-history';
export {
  FEEDBACK_CATEGORIES,
  FEEDBACK_SEVERITIES,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  FeedbackReport,
  type FeedbackSeverity,
  type FeedbackStatus,
} from './entities/feedback-report';
export { SessionInfo } from './entities/session-info';
export { DazzleError, isDazzleError } from './errors';
export { FRAMEWORK_LINEAGE, frameworkMigrationsDir } from './framework-migrations';
export {
  type ParamContext,
  ParameterStore,
  type ParamRow,
  type ParamScope,
  type ResolvedParam,
  type SqlExecutor,
} from './params/parameter-store';
export {
  CREATE_PARAMS_TABLE_SQL,
  CREATE_TYPEORM_METADATA_TABLE_SQL,
  INFRASTRUCTURE_TABLES,
  LEDGER_TABLE,
  MIGRATION_LEASE_TABLE,
  PARAMS_TABLE,
  REVISION_PROGRESS_TABLE,
  TYPEORM_METADATA_TABLE,
} from './params/params-table';
export {
  columnRenameHints,
  RenamedFrom,
  TableRenamedFrom,
  tableRenameHint,
  VirtualEntity,
  type VirtualStoreName,
  virtualStoreOf,
} from './schema-hints';
export { BoundedBuffer } from './stores/bounded-buffer';
export { EventTraceStore } from './stores/event-trace-store';
export { type HealthProbe, HealthStore, type ProbeResult } from './stores/health-store';
export { LogStore } from './stores/log-store';
export { MetricsStore } from './stores/metrics-store';
export { type ProcessRunHandle, ProcessRunStore } from './stores/process-run-store';
export type { ListOptions, VirtualStore } from './stores/virtual-store';
export { createVirtualStores, type VirtualStores } from './stores/virtual-stores';
export {
  EventTrace,
  type HealthStatus,
  LogEntry,
  type LogLevel,
  ProcessRun,
  type ProcessRunStatus,
  SystemHealth,
  SystemMetric,
} from './virtual/virtual-entities';

/** Every framework entity class, persisted and virtual, in a stable order. */
export const frameworkEntities = [
  FeedbackReport,
  AIJob,
  DeployHistory,
  SessionInfo,
  SystemHealth,
  SystemMetric,
  ProcessRun,
  LogEntry,
  EventTrace,
] as const;
