/** One row per startup that changed the schema: what version replaced what, and how it went. */
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DEPLOY_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'rolled_back'] as const;
export type DeployStatus = (typeof DEPLOY_STATUSES)[number];

@Entity('deploy_history')
export class DeployHistory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  version: string;

  @Column({ name: 'previous_version', type: 'varchar', length: 200, nullable: true })
  previousVersion: string | null;

  @Column({ name: 'deployed_by', type: 'varchar', length: 200, nullable: true })
  deployedBy: string | null;

  @Column({ name: 'deployed_at', type: 'timestamptz', default: () => 'now()' })
  deployedAt: Date;

  @Column({ type: 'enum', enum: DEPLOY_STATUSES, enumName: 'deploy_status', default: 'pending' })
  status: DeployStatus;

  @Column({ name: 'rollback_of', type: 'uuid', nullable: true })
  rollbackOf: string | null;
}
