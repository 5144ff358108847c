import { CREATE_PARAMS_TABLE_SQL, SystemHealth } from '@app/entities-framework';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import {
  Column,
  DataSource,
  Entity,
  ManyToOne,
  PrimaryGeneratedColumn,
  ViewColumn,
  ViewEntity,
} from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMetadata, MetadataError } from '../src';

@Entity('invoice')
class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  number: string;
}

const VIRTUAL_TABLES = ['system_health', 'system_metric', 'process_run', 'log_entry', 'event_trace'];

function expectMetadataError(build: () => unknown, code: string, message: RegExp): void {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataError);
    expect((error as MetadataError).code).toBe(code);
    expect((error as MetadataError).message).toMatch(message);
    expect((error as MetadataError).message).not.toContain('\n');
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('buildMetadata', () => {
  it('splits virtual entities off and records which lineage owns each table', () => {
    const metadata = buildMetadata({ entities: [Invoice] });
    expect(metadata.owners.map((o) => `${o.lineage}:${o.table}`)).toEqual([
      'framework:ai_job',
      'framework:deploy_history',
      'framework:feedback_report',
      'framework:session_info',
      'app:invoice',
    ]);
    expect(metadata.virtualEntities.map((v) => `${v.table}@${v.store}`).sort()).toEqual([
      'event_trace@event-traces',
      'log_entry@logs',
      'process_run@process-runs',
      'system_health@health',
      'system_metric@metrics',
    ]);
    expect(metadata.entities).not.toContain(SystemHealth);
    expect(metadata.lineageOfTable('public.invoice')).toBe('app');
    expect(metadata.lineageOfTable('system_health')).toBeUndefined();
  });

  it('gives the same output for the same input in any order', () => {
    @Entity('alpha')
    class Alpha {
      @PrimaryGeneratedColumn() id: number;
    }
    const a = buildMetadata({ entities: [Invoice, Alpha] });
    const b = buildMetadata({ entities: [Alpha, Invoice] });
    expect(a.entities).toEqual(b.entities);
    expect(a.owners).toEqual(b.owners);
  });

  it('treats being virtual as a property of the entity, not of its name', async () => {
    const { VirtualEntity } = await import('@app/entities-framework');
    @VirtualEntity('metrics')
    @Entity('app_counter')
    class AppCounter {
      @PrimaryGeneratedColumn() id: number;
    }
    const metadata = buildMetadata({ entities: [AppCounter] });
    expect(metadata.virtualEntities.map((v) => v.name)).toContain('AppCounter');
    expect(metadata.entities).not.toContain(AppCounter);
  });

  describe('refuses inconsistent entity sets', () => {
    it('an app table that collides with a framework table', () => {
      @Entity('feedback_report')
      class MyFeedback {
        @PrimaryGeneratedColumn() id: number;
      }
      expectMetadataError(
        () => buildMetadata({ entities: [MyFeedback] }),
        'METADATA_TABLE_COLLISION',
        /MyFeedback and the framework entity FeedbackReport both use table "feedback_report"/,
      );
    });

    it('an app table that collides with an infrastructure table', () => {
      @Entity('_dazzle_params')
      class Params {
        @PrimaryGeneratedColumn() id: number;
      }
      expectMetadataError(
        () => buildMetadata({ entities: [Params] }),
        'METADATA_TABLE_COLLISION',
        /Params uses table "_dazzle_params"/,
      );
    });

    it('two app entities on one table', () => {
      @Entity('shared')
      class One {
        @PrimaryGeneratedColumn() id: number;
      }
      @Entity('shared')
      class Two {
        @PrimaryGeneratedColumn() id: number;
      }
      expectMetadataError(
        () => buildMetadata({ entities: [One, Two] }),
        'METADATA_DUPLICATE_TABLE',
        /Two and One both use table "shared"/,
      );
    });

    it('a persisted entity related to a virtual one', () => {
      @Entity('health_note')
      class HealthNote {
        @PrimaryGeneratedColumn() id: number;
        @ManyToOne(() => SystemHealth) health: SystemHealth;
      }
      expectMetadataError(
        () => buildMetadata({ entities: [HealthNote] }),
        'METADATA_RELATION_TO_VIRTUAL',
        /HealthNote\.health relates to SystemHealth, a virtual entity/,
      );
    });

    it('an entity without a primary column', () => {
      @Entity('keyless')
      class Keyless {
        @Column() name: string;
      }
      expectMetadataError(
        () => buildMetadata({ entities: [Keyless] }),
        'METADATA_NO_PRIMARY_COLUMN',
        /Keyless has no primary column/,
      );
    });

    it('accepts a view entity, which has no primary column, and owns its view', () => {
      @ViewEntity({ name: 'invoice_numbers', expression: 'SELECT "number" FROM "invoice"' })
      class InvoiceNumbers {
        @ViewColumn() number: string;
      }
      const built = buildMetadata({ entities: [Invoice, InvoiceNumbers], framework: { enabled: false } });
      expect(built.owners).toEqual([
        { table: 'invoice', entity: 'Invoice', lineage: 'app', kind: 'table' },
        { table: 'invoice_numbers', entity: 'InvoiceNumbers', lineage: 'app', kind: 'view' },
      ]);
    });

    it('a class that is not an entity', () => {
      class Plain {}
      expectMetadataError(
        () => buildMetadata({ entities: [Plain] }),
        'METADATA_NOT_AN_ENTITY',
        /Plain is not an entity/,
      );
    });
  });
});

describe('TypeORM generator on the built metadata (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('metadata');
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [...buildMetadata({ entities: [Invoice] }).entities],
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('creates every persisted table and none for a virtual entity', async () => {
    const log = await dataSource.driver.createSchemaBuilder().log();
    const sql = log.upQueries.map((q) => q.query).join('\n');
    for (const table of ['feedback_report', 'ai_job', 'deploy_history', 'session_info', 'invoice']) {
      expect(sql).toContain(`CREATE TABLE "${table}"`);
    }
    for (const table of VIRTUAL_TABLES) expect(sql).not.toContain(table);

    for (const q of log.upQueries) await dataSource.query(q.query, q.parameters);
    const rows: Array<{ table_name: string }> = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    const tables = rows.map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining(['feedback_report', 'ai_job', 'invoice']));
    for (const table of VIRTUAL_TABLES) expect(tables).not.toContain(table);
  });

  it('never proposes to change or drop _dazzle_params', async () => {
    await dataSource.query(CREATE_PARAMS_TABLE_SQL);
    const log = await dataSource.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query).join('\n')).not.toContain('_dazzle_params');
  });
});
