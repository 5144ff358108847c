/** User feedback sent from an app's UI; persisted in the framework lineage. */
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const FEEDBACK_CATEGORIES = ['bug', 'ux', 'visual', 'behaviour', 'enhancement', 'other'] as const;
export const FEEDBACK_SEVERITIES = ['blocker', 'annoying', 'minor'] as const;
export const FEEDBACK_STATUSES = [
  'new',
  'triaged',
  'in_progress',
  'resolved',
  'verified',
  'wont_fix',
  'duplicate',
] as const;

export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export type FeedbackSeverity = (typeof FEEDBACK_SEVERITIES)[number];
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

@Entity('feedback_report')
export class FeedbackReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: FEEDBACK_CATEGORIES, enumName: 'feedback_category' })
  category: FeedbackCategory;

  @Column({ type: 'enum', enum: FEEDBACK_SEVERITIES, enumName: 'feedback_severity', default: 'minor' })
  severity: FeedbackSeverity;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'page_url', type: 'varchar', length: 500, nullable: true })
  pageUrl: string | null;

  @Column({ name: 'page_title', type: 'varchar', length: 200, nullable: true })
  pageTitle: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  persona: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  viewport: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent: string | null;

  @Column({ name: 'console_errors', type: 'text', nullable: true })
  consoleErrors: string | null;

  @Column({ name: 'nav_history', type: 'text', nullable: true })
  navHistory: string | null;

  @Column({ name: 'reported_by', type: 'varchar', length: 200, nullable: true })
  reportedBy: string | null;

  @Column({ name: 'assigned_to', type: 'varchar', length: 200, nullable: true })
  assignedTo: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 200, nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'enum', enum: FEEDBACK_STATUSES, enumName: 'feedback_status', default: 'new' })
  status: FeedbackStatus;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 36, nullable: true, unique: true })
  idempotencyKey: string | null;

  @Column({ name: 'notification_sent', type: 'boolean', default: false })
  notificationSent: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;
}
