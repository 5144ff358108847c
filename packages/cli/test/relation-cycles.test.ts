import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { CUSTOMER_ORDER_LINE_ITEM, createRelationApp, PROJECT_TASK } from './helpers/relation-apps';
import { dazzle } from './helpers/temp-app';

/** `table.column type`, for every column of the app's tables (the framework's are left out). */
async function columnTypes(url: string, tables: string[]): Promise<string[]> {
  const rows = await queryDatabase<{ c: string }>(
    url,
    `SELECT table_name || '.' || column_name || ' ' || data_type AS c FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.c);
}

/** `table.column → table.column`, for every foreign key of the app's tables. */
async function foreignKeys(url: string, tables: string[]): Promise<string[]> {
  const rows = await queryDatabase<{ fk: string }>(
    url,
    `SELECT k.table_name || '.' || k.column_name || ' → ' || u.table_name || '.' || u.column_name AS fk
     FROM information_schema.table_constraints c
     JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
     JOIN information_schema.constraint_column_usage u ON u.constraint_name = c.constraint_name AND u.table_schema = c.table_schema
     WHERE c.constraint_type = 'FOREIGN KEY' AND c.table_schema = 'public' AND c.table_name = ANY($1) ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.fk);
}

const regexpOf = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const apps: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const app of apps) rmSync(app, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

/** Writes the app, then `db revision` and `db upgrade` through the binary, each expected to exit 0. */
async function reviseAndUpgrade(
  files: Record<string, string>,
  importOrder: readonly { file: string; name: string }[],
): Promise<string> {
  const db = await createTestDatabase('relation_cycles');
  databases.push(db);
  const app = createRelationApp(files, importOrder);
  apps.push(app);
  const env = { DATABASE_URL: db.url };
  const revision = await dazzle(app, ['db', 'revision', '-m', 'init'], env);
  expect(revision.code, revision.stderr).toBe(0);
  const upgrade = await dazzle(app, ['db', 'upgrade'], env);
  expect(upgrade.code, upgrade.stderr).toBe(0);
  return db.url;
}

const CUSTOMER_TABLES = ['customer', 'order', 'line_item'];

const PROJECT_TASK_COLUMNS = [
  'project.archived boolean',
  'project.id uuid',
  'project.name character varying',
  'task.estimate integer',
  'task.id uuid',
  'task.projectId uuid',
  'task.title character varying',
];

describe('entities whose relations import each other across files', () => {
  it('load, revise and upgrade when the config imports the OneToMany side first', async () => {
    const url = await reviseAndUpgrade(PROJECT_TASK, [
      { file: 'project', name: 'Project' },
      { file: 'task', name: 'Task' },
    ]);
    expect(await columnTypes(url, ['project', 'task'])).toEqual(PROJECT_TASK_COLUMNS);
    expect(await foreignKeys(url, ['project', 'task'])).toEqual(['task.projectId → project.id']);
  }, 120_000);

  it('load, revise and upgrade when the config imports the ManyToOne side first', async () => {
    const url = await reviseAndUpgrade(PROJECT_TASK, [
      { file: 'task', name: 'Task' },
      { file: 'project', name: 'Project' },
    ]);
    expect(await columnTypes(url, ['project', 'task'])).toEqual(PROJECT_TASK_COLUMNS);
    expect(await foreignKeys(url, ['project', 'task'])).toEqual(['task.projectId → project.id']);
  }, 120_000);

  it('load, revise and upgrade through a three-file cycle (customer → order → line item → customer)', async () => {
    const url = await reviseAndUpgrade(CUSTOMER_ORDER_LINE_ITEM, [
      { file: 'customer', name: 'Customer' },
      { file: 'order', name: 'Order' },
      { file: 'line-item', name: 'LineItem' },
    ]);
    expect(await columnTypes(url, CUSTOMER_TABLES)).toEqual([
      'customer.email character varying',
      'customer.id integer',
      'line_item.customerId integer',
      'line_item.id integer',
      'line_item.orderId integer',
      'line_item.quantity integer',
      'order.customerId integer',
      'order.id integer',
      'order.placedAt timestamp without time zone',
    ]);
    expect(await foreignKeys(url, CUSTOMER_TABLES)).toEqual([
      'line_item.customerId → customer.id',
      'line_item.orderId → order.id',
      'order.customerId → customer.id',
    ]);
  }, 120_000);
});

describe('user code that throws while the config loads', () => {
  it('names the entity file and line in the error line, and --verbose shows the user stack', async () => {
    const db = await createTestDatabase('relation_cycles_throw');
    databases.push(db);
    const app = createRelationApp(PROJECT_TASK, [
      { file: 'project', name: 'Project' },
      { file: 'task', name: 'Task' },
    ]);
    apps.push(app);
    const task = join(app, 'src', 'entities', 'task.ts');
    // Line 20 of the file as written; compiled, the throw sits on another line.
    writeFileSync(
      task,
      `${PROJECT_TASK['task.ts']}\nconst limit = Number('x');\nif (Number.isNaN(limit)) throw new Error('task limit is not a number');\n`,
    );
    const result = await dazzle(app, ['db', 'revision', '-m', 'x', '--verbose'], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    const [line, ...rest] = result.stderr.split('\n');
    expect(line).toContain('Error CONFIG_INVALID:');
    expect(line).toContain('task limit is not a number');
    expect(line).toContain(`${task}:20`);
    expect(rest.join('\n')).toMatch(new RegExp(`at .*${regexpOf(task)}:20:\\d+`));
  }, 60_000);

  it('names the config file and line when the config itself throws', async () => {
    const app = createRelationApp(PROJECT_TASK, [{ file: 'task', name: 'Task' }]);
    apps.push(app);
    const config = join(app, 'dazzle.config.ts');
    writeFileSync(
      config,
      `import { defineConfig } from '@app/cli';\n\nfunction port(): number {\n  throw new Error('no port configured');\n}\n\nexport default defineConfig({ entities: [], server: { port: port() } });\n`,
    );
    const result = await dazzle(app, ['db', 'heads']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toContain(`${config}:4`);
  }, 60_000);

  it('names the file and line of a syntax error in an entity file, in one line', async () => {
    const app = createRelationApp(PROJECT_TASK, [{ file: 'task', name: 'Task' }]);
    apps.push(app);
    const task = join(app, 'src', 'entities', 'task.ts');
    writeFileSync(task, PROJECT_TASK['task.ts']!.replace('  title: string;', '  title: string string;'));
    const result = await dazzle(app, ['db', 'heads']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Error CONFIG_INVALID: ${regexpOf(task)}:10:\\d+: .* \\(imported by .*dazzle\\.config\\.ts\\)\\. Fix`,
        ),
      ),
    ]);
  }, 60_000);
});
