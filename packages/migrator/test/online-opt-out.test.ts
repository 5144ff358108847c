import type { TableOwner } from '@app/metadata-builder';
import { describe, expect, it } from 'vitest';
import { onlineOptOut } from '../src/config/online-opt-out';
import { validateConfig } from '../src/config/validate-config';

const FILE = '/app/dazzle.config.ts';
const OWNERS: TableOwner[] = [
  { table: 'audit_event', entity: 'AuditEvent', lineage: 'app', kind: 'table' },
  { table: 'invoice', entity: 'Invoice', lineage: 'app', kind: 'table' },
  { table: 'billing.ledger', entity: 'Ledger', lineage: 'app', kind: 'table' },
  { table: 'invoice_totals', entity: 'InvoiceTotals', lineage: 'app', kind: 'view' },
];

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a CONFIG_INVALID refusal');
}

describe('migrations.online in the config', () => {
  it('accepts true, false and { except: [names] }', () => {
    for (const online of [true, false, {}, { except: [] }, { except: ['AuditEvent', 'audit_event'] }])
      expect(() => validateConfig({ migrations: { online } }, FILE)).not.toThrow();
  });

  it('refuses a value of another shape, naming the key', () => {
    expect(refusal(() => validateConfig({ migrations: { online: 'no' } }, FILE))).toBe(
      '/app/dazzle.config.ts: `migrations.online` must be true, false or { except: [...] }, got "no". Fix it in the file and run the command again.',
    );
    expect(refusal(() => validateConfig({ migrations: { online: { exept: [] } } }, FILE))).toContain(
      'unknown key `migrations.online.exept`; known keys of `migrations.online`: except',
    );
    expect(
      refusal(() => validateConfig({ migrations: { online: { except: 'AuditEvent' } } }, FILE)),
    ).toContain('`migrations.online.except` must be a list of entity class or table names, got "AuditEvent"');
    class AuditEvent {}
    expect(
      refusal(() => validateConfig({ migrations: { online: { except: [AuditEvent] } } }, FILE)),
    ).toContain(
      "`migrations.online.except[0]` must be an entity class or table name (a string), got the class AuditEvent: write 'AuditEvent'",
    );
  });
});

describe('onlineOptOut', () => {
  it('resolves entity class names, table names and schema.table to the tables', () => {
    expect([...onlineOptOut({ except: ['AuditEvent', 'invoice', 'billing.ledger'] }, OWNERS, FILE)]).toEqual([
      'audit_event',
      'invoice',
      'billing.ledger',
    ]);
    expect([...onlineOptOut({ except: ['Ledger'] }, OWNERS, FILE)]).toEqual(['billing.ledger']);
  });

  it('opts nothing out for true, false or no setting', () => {
    for (const setting of [true, false, undefined, {}])
      expect(onlineOptOut(setting, OWNERS, FILE).size).toBe(0);
  });

  it('refuses a name that is neither an entity nor a table, naming it, the nearest name and what exists', () => {
    expect(refusal(() => onlineOptOut({ except: ['AuditEvnt'] }, OWNERS, FILE))).toBe(
      '/app/dazzle.config.ts: `migrations.online.except` names "AuditEvnt", which is neither an entity class nor a table of this app (did you mean "AuditEvent"?); entities: AuditEvent (audit_event), Invoice (invoice), Ledger (billing.ledger). Fix it in the file and run the command again.',
    );
  });

  it('refuses a view entity: a view has no DDL to rewrite', () => {
    expect(refusal(() => onlineOptOut({ except: ['InvoiceTotals'] }, OWNERS, FILE))).toContain(
      'names "InvoiceTotals", which is neither an entity class nor a table of this app',
    );
  });
});
