/**
 * Entities whose rows live in in-process stores, not in PostgreSQL. They carry TypeORM decorators
 * so the server can describe and validate them like any entity, and `@VirtualEntity` so the
 * metadata builder removes them before a schema tool can see them.
 */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { VirtualEntity } from '../schema-hints';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

@VirtualEntity('health')
@Entity('system_health')
export class SystemHealth {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  component: string;

  @Column({ type: 'varchar', length: 20 })
  status: HealthStatus;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ name: 'latency_ms', type: 'double precision' })
  latencyMs: number;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt: Date;
}

@VirtualEntity('metrics')
@Entity('system_metric')
export class SystemMetric {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'varchar', length: 20 })
  unit: string;

  @Column({ type: 'jsonb' })
  tags: Record<string, string>;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart: Date;

  @Column({ type: 'varchar', length: 10 })
  resolution: string;
}

export type ProcessRunStatus = 'running' | 'completed' | 'failed';

@VirtualEntity('process-runs')
@Entity('process_run')
export class ProcessRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'process_name', type: 'varchar', length: 200 })
  processName: string;

  @Column({ type: 'varchar', length: 20 })
  status: ProcessRunStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'current_step', type: 'varchar', length: 200, nullable: true })
  currentStep: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

@VirtualEntity('logs')
@Entity('log_entry')
export class LogEntry {
  @PrimaryColumn({ type: 'bigint' })
  sequence: number;

  @Column({ type: 'varchar', length: 10 })
  level: LogLevel;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @Column({ name: 'logged_at', type: 'timestamptz' })
  loggedAt: Date;
}

@VirtualEntity('event-traces')
@Entity('event_trace')
export class EventTrace {
  @PrimaryColumn({ name: 'span_id', type: 'varchar', length: 36 })
  spanId: string;

  @Column({ name: 'trace_id', type: 'varchar', length: 36 })
  traceId: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'duration_ms', type: 'double precision' })
  durationMs: number;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, unknown> | null;
}
