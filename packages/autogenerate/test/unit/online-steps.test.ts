import { loadSqlParser } from '@app/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RenderedStatement } from '../../src/authoring/render-revision';
import {
  notNullCheckName,
  onlineRevision,
  planOnlineSteps,
  statementsOf,
} from '../../src/generate/online-steps';

beforeAll(async () => {
  await loadSqlParser();
});

const s = (...sql: string[]): RenderedStatement[] => sql.map((text) => ({ sql: text }));
const shape = (steps: ReturnType<typeof planOnlineSteps>['up']) =>
  steps.map((step) => ({ transactional: step.transactional, sql: step.statements.map((x) => x.sql) }));
const EXISTING = new Set(['invoice', 'customer', 'billing.ledger']);

describe('planOnlineSteps', () => {
  it('builds an index on an existing table CONCURRENTLY, after dropping what a failed build left', () => {
    const plan = planOnlineSteps(
      s('CREATE INDEX "IDX_inv_total" ON "invoice" ("total") '),
      s('DROP INDEX "public"."IDX_inv_total"'),
      EXISTING,
    );
    expect(plan.rewritten).toBe(true);
    expect(shape(plan.up)).toEqual([
      {
        transactional: false,
        sql: [
          'DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_inv_total"',
          'CREATE INDEX CONCURRENTLY "IDX_inv_total" ON "invoice" ("total")',
        ],
      },
    ]);
    expect(shape(plan.down)).toEqual([{ transactional: true, sql: ['DROP INDEX "public"."IDX_inv_total"'] }]);
    expect(plan.notes).toEqual(['IDX_inv_total on invoice is built CONCURRENTLY']);
  });

  it('keeps UNIQUE and a non-public schema when it builds CONCURRENTLY', () => {
    const plan = planOnlineSteps(
      s('CREATE UNIQUE INDEX "UQ_ledger_ref" ON "billing"."ledger" ("ref") WHERE "ref" IS NOT NULL'),
      [],
      EXISTING,
    );
    expect(shape(plan.up)).toEqual([
      {
        transactional: false,
        sql: [
          'DROP INDEX CONCURRENTLY IF EXISTS "billing"."UQ_ledger_ref"',
          'CREATE UNIQUE INDEX CONCURRENTLY "UQ_ledger_ref" ON "billing"."ledger" ("ref") WHERE "ref" IS NOT NULL',
        ],
      },
    ]);
  });

  it('adds a foreign key NOT VALID and validates it in the next step', () => {
    const plan = planOnlineSteps(
      s(
        'ALTER TABLE "invoice" ADD CONSTRAINT "FK_inv_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
      ),
      s('ALTER TABLE "invoice" DROP CONSTRAINT "FK_inv_customer"'),
      EXISTING,
    );
    expect(shape(plan.up)).toEqual([
      {
        transactional: true,
        sql: [
          'ALTER TABLE "invoice" ADD CONSTRAINT "FK_inv_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION NOT VALID',
        ],
      },
      { transactional: true, sql: ['ALTER TABLE "invoice" VALIDATE CONSTRAINT "FK_inv_customer"'] },
    ]);
    expect(shape(plan.down)).toEqual([
      { transactional: true, sql: ['ALTER TABLE "invoice" DROP CONSTRAINT "FK_inv_customer"'] },
    ]);
  });

  it('adds a CHECK NOT VALID and validates it in the next step', () => {
    const plan = planOnlineSteps(
      s('ALTER TABLE "billing"."ledger" ADD CONSTRAINT "CHK_amount" CHECK ("amount" > 0)'),
      [],
      EXISTING,
    );
    expect(shape(plan.up)).toEqual([
      {
        transactional: true,
        sql: ['ALTER TABLE "billing"."ledger" ADD CONSTRAINT "CHK_amount" CHECK ("amount" > 0) NOT VALID'],
      },
      { transactional: true, sql: ['ALTER TABLE "billing"."ledger" VALIDATE CONSTRAINT "CHK_amount"'] },
    ]);
  });

  it('leaves a constraint already NOT VALID, a UNIQUE constraint and a primary key alone', () => {
    const plan = planOnlineSteps(
      s(
        'ALTER TABLE "invoice" ADD CONSTRAINT "CHK_x" CHECK ("x" > 0) NOT VALID',
        'ALTER TABLE "invoice" ADD CONSTRAINT "UQ_no" UNIQUE ("no")',
      ),
      [],
      EXISTING,
    );
    expect(plan.rewritten).toBe(false);
    expect(shape(plan.up)).toEqual([
      {
        transactional: true,
        sql: [
          'ALTER TABLE "invoice" ADD CONSTRAINT "CHK_x" CHECK ("x" > 0) NOT VALID',
          'ALTER TABLE "invoice" ADD CONSTRAINT "UQ_no" UNIQUE ("no")',
        ],
      },
    ]);
  });

  it('sets NOT NULL through a validated CHECK, then drops the CHECK', () => {
    const plan = planOnlineSteps(
      s('ALTER TABLE "invoice" ALTER COLUMN "due" SET NOT NULL'),
      s('ALTER TABLE "invoice" ALTER COLUMN "due" DROP NOT NULL'),
      EXISTING,
    );
    const check = `"${notNullCheckName('due')}"`;
    expect(shape(plan.up)).toEqual([
      {
        transactional: true,
        sql: [`ALTER TABLE "invoice" ADD CONSTRAINT ${check} CHECK ("due" IS NOT NULL) NOT VALID`],
      },
      { transactional: true, sql: [`ALTER TABLE "invoice" VALIDATE CONSTRAINT ${check}`] },
      {
        transactional: true,
        sql: [
          'ALTER TABLE "invoice" ALTER COLUMN "due" SET NOT NULL',
          `ALTER TABLE "invoice" DROP CONSTRAINT ${check}`,
        ],
      },
    ]);
    expect(shape(plan.down)).toEqual([
      { transactional: true, sql: ['ALTER TABLE "invoice" ALTER COLUMN "due" DROP NOT NULL'] },
    ]);
  });

  it('names the temporary CHECK within PostgreSQL identifier length', () => {
    expect(notNullCheckName('due')).toBe('due_not_null_dz');
    expect(notNullCheckName('c'.repeat(70))).toHaveLength(63);
  });

  it('leaves tables the revision creates alone: they are empty', () => {
    const up = s(
      'CREATE TABLE "payment" ("id" SERIAL NOT NULL, "invoice_id" integer, CONSTRAINT "PK_p" PRIMARY KEY ("id"))',
      'CREATE INDEX "IDX_pay_inv" ON "payment" ("invoice_id") ',
      'ALTER TABLE "payment" ADD CONSTRAINT "FK_pay_inv" FOREIGN KEY ("invoice_id") REFERENCES "invoice"("id")',
    );
    const plan = planOnlineSteps(up, s('DROP TABLE "payment"'), EXISTING);
    expect(plan.rewritten).toBe(false);
    expect(shape(plan.up)).toEqual([{ transactional: true, sql: up.map((x) => x.sql) }]);
  });

  it('leaves tables that do not exist yet alone even without a CREATE TABLE in the list', () => {
    const plan = planOnlineSteps(s('CREATE INDEX "IDX_n" ON "newer" ("a")'), [], EXISTING);
    expect(plan.rewritten).toBe(false);
  });

  it('groups the statements around a rewrite into transactional steps, in order', () => {
    const plan = planOnlineSteps(
      s(
        'ALTER TABLE "invoice" ADD "due" date',
        'CREATE INDEX "IDX_due" ON "invoice" ("due") ',
        'ALTER TABLE "customer" ADD "vip" boolean NOT NULL DEFAULT false',
        'COMMENT ON COLUMN "customer"."vip" IS \'flag\'',
      ),
      [],
      EXISTING,
    );
    expect(plan.up.map((step) => [step.transactional, step.statements.length])).toEqual([
      [true, 1],
      [false, 2],
      [true, 2],
    ]);
    expect(statementsOf(plan.up).map((x) => x.sql)[0]).toBe('ALTER TABLE "invoice" ADD "due" date');
  });

  it('rewrites the down against the tables that exist once the up ran', () => {
    const plan = planOnlineSteps(
      s('CREATE TABLE "fresh" ("id" integer NOT NULL)', 'DROP INDEX "public"."IDX_old"'),
      s(
        'CREATE INDEX "IDX_old" ON "invoice" ("no") ',
        'CREATE INDEX "IDX_f" ON "fresh" ("id") ',
        'DROP TABLE "fresh"',
      ),
      EXISTING,
    );
    expect(shape(plan.down)).toEqual([
      {
        transactional: false,
        sql: [
          'DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_old"',
          'CREATE INDEX CONCURRENTLY "IDX_old" ON "invoice" ("no")',
        ],
      },
      {
        transactional: false,
        sql: [
          'DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_f"',
          'CREATE INDEX CONCURRENTLY "IDX_f" ON "fresh" ("id")',
        ],
      },
      { transactional: true, sql: ['DROP TABLE "fresh"'] },
    ]);
    expect(plan.notes).toEqual([
      'down: IDX_old on invoice is built CONCURRENTLY',
      'down: IDX_f on fresh is built CONCURRENTLY',
    ]);
  });

  it('keeps a hand-fill statement exactly as generated and a note on the first statement of its rewrite', () => {
    const handFill = { sql: 'UPDATE "invoice" SET "due" = NULL WHERE "due" IS NULL', handFill: 'fill due' };
    const plan = planOnlineSteps(
      [handFill, { sql: 'ALTER TABLE "invoice" ALTER COLUMN "due" SET NOT NULL', note: 'then require it' }],
      [],
      EXISTING,
    );
    expect(plan.up[0]!.statements).toEqual([handFill]);
    expect(plan.up[1]!.statements[0]!.note).toMatch(/^then require it; SET NOT NULL on invoice\.due/);
  });

  it('gives a non-transactional statement already written CONCURRENTLY its own step', () => {
    const plan = planOnlineSteps(
      s('ALTER TABLE "invoice" ADD "x" integer', 'CREATE INDEX CONCURRENTLY "IDX_x" ON "invoice" ("x")'),
      [],
      EXISTING,
    );
    expect(plan.rewritten).toBe(true);
    expect(plan.up.map((step) => step.transactional)).toEqual([true, false]);
  });
});

describe('onlineRevision', () => {
  it('gives a rewritten revision its steps header and labels the first statement of each step', () => {
    const online = onlineRevision(
      s('ALTER TABLE "invoice" ADD "due" date', 'CREATE INDEX "IDX_due" ON "invoice" ("due") '),
      s('DROP INDEX "public"."IDX_due"', 'ALTER TABLE "invoice" DROP COLUMN "due"'),
      EXISTING,
    );
    expect(online.steps).toEqual({
      up: [
        { statements: 1, transaction: true },
        { statements: 2, transaction: false },
      ],
      down: [{ statements: 2, transaction: true }],
    });
    expect(online.up.map((x) => x.note)).toEqual([
      'Step 1 of 2, in one transaction',
      expect.stringMatching(/^Step 2 of 2, outside a transaction: build IDX_due without blocking writes/),
      undefined,
    ]);
    expect(online.notes[0]).toMatch(/^Online: runs as 2 ordered steps/);
  });

  it('leaves a revision with nothing to rewrite as it is, without steps', () => {
    const up = s('ALTER TABLE "invoice" ADD "due" date');
    expect(onlineRevision(up, [], EXISTING)).toEqual({ up, down: [], steps: undefined, notes: [] });
  });

  it('leaves a revision with a step to write by hand in one transaction, and says why', () => {
    const up = [
      { sql: 'ALTER TABLE "invoice" ADD "due" date' },
      { sql: 'UPDATE "invoice" SET "due" = NULL WHERE "due" IS NULL', handFill: 'fill due' },
      { sql: 'ALTER TABLE "invoice" ALTER COLUMN "due" SET NOT NULL' },
    ];
    const online = onlineRevision(up, [], EXISTING);
    expect(online.steps).toBeUndefined();
    expect(online.up).toEqual(up);
    expect(online.notes).toEqual([
      expect.stringMatching(/^Online: not rewritten, as it has a step to write by hand/),
    ]);
  });
});

describe('onlineRevision with tables opted out (migrations.online.except)', () => {
  const up = s(
    'CREATE INDEX "IDX_inv_total" ON "invoice" ("total") ',
    'CREATE INDEX "IDX_cust_name" ON "customer" ("name") ',
  );
  const down = s('DROP INDEX "public"."IDX_cust_name"', 'DROP INDEX "public"."IDX_inv_total"');

  it('leaves the opted-out table as TypeORM writes it, in a transactional step, and still rewrites the others', () => {
    const plan = planOnlineSteps(up, down, EXISTING, new Set(['invoice']));
    expect(shape(plan.up)).toEqual([
      { transactional: true, sql: ['CREATE INDEX "IDX_inv_total" ON "invoice" ("total") '] },
      {
        transactional: false,
        sql: [
          'DROP INDEX CONCURRENTLY IF EXISTS "public"."IDX_cust_name"',
          'CREATE INDEX CONCURRENTLY "IDX_cust_name" ON "customer" ("name")',
        ],
      },
    ]);
    expect(plan.optedOut).toEqual(['invoice']);
    const revision = onlineRevision(up, down, EXISTING, new Set(['invoice']));
    expect(revision.notes).toContain(
      'Online: invoice is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.',
    );
    expect(revision.notes).toContain('Online: IDX_cust_name on customer is built CONCURRENTLY.');
  });

  it('writes the revision exactly as TypeORM does when every table it touches is opted out, and says so', () => {
    const revision = onlineRevision(up, down, EXISTING, new Set(['invoice', 'customer']));
    expect(revision.steps).toBeUndefined();
    expect(revision.up).toEqual(up);
    expect(revision.down).toEqual(down);
    expect(revision.notes).toEqual([
      'Online: customer is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.',
      'Online: invoice is opted out (migrations.online.except): its statements run as TypeORM writes them, inside a transaction.',
    ]);
  });
});
