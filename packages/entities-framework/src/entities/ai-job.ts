/** One model call an app made: what for, with which model, what it cost; framework lineage. */
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const AI_JOB_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type AIJobStatus = (typeof AI_JOB_STATUSES)[number];

@Entity('ai_job')
@Index('IDX_ai_job_subject', ['subjectType', 'subjectId'])
export class AIJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  intent: string;

  @Column({ type: 'varchar', length: 200 })
  model: string;

  @Column({ type: 'varchar', length: 100 })
  provider: string;

  @Column({ name: 'tokens_in', type: 'integer', default: 0 })
  tokensIn: number;

  @Column({ name: 'tokens_out', type: 'integer', default: 0 })
  tokensOut: number;

  /** Money is exact: numeric, read back as a string so no float rounding sneaks in. */
  @Column({ type: 'numeric', precision: 12, scale: 6, default: 0 })
  cost: string;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ type: 'enum', enum: AI_JOB_STATUSES, enumName: 'ai_job_status', default: 'pending' })
  status: AIJobStatus;

  @Column({ name: 'user_id', type: 'varchar', length: 200, nullable: true })
  userId: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'subject_type', type: 'varchar', length: 100, nullable: true })
  subjectType: string | null;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
