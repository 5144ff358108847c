/**
 * What the hot routes send to PostgreSQL, read by a proxy in front of it: a create is one
 * INSERT … RETURNING (no BEGIN/COMMIT around a single statement) and a list page comes with its
 * total in one SELECT, because under load round trips are what a request pays for most. The totals
 * stay right where the one-statement form cannot be used (a page past the end, a foreign-key filter).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src';
import { createServerApp } from './helpers/server-app';
import { recordStatements, type StatementRecorder } from './helpers/statement-recorder';

describe('statements per request', () => {
  let db: TestDatabase;
  let recorder: StatementRecorder;
  let server: RunningServer;
  let root: string;
  let makerId: number;

  const call = async (path: string, json?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await createTestDatabase('round_trips');
    recorder = await recordStatements(db.url);
    const config = await createServerApp(db.url);
    root = dirname(config.file);
    server = await startServer({ config, databaseUrl: recorder.url, port: 0, logLevel: 'silent' });
    makerId = Number((await call('/api/maker', { name: 'Acme' })).body.id);
  });
  afterAll(async () => {
    await server?.close();
    await recorder?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await queryDatabase(db.url, 'DELETE FROM widget');
    recorder.statements.length = 0;
  });

  it('creates a row with one INSERT … RETURNING and nothing around it', async () => {
    const created = await call('/api/widget', { name: 'sprocket', maker: makerId });
    expect(created.status).toBe(201);
    // What the database filled in comes back from the same statement.
    expect(created.body).toMatchObject({ name: 'sprocket', state: 'draft', stock: 0, maker: makerId });
    expect(created.body.createdAt).toEqual(expect.any(String));
    expect(recorder.statements).toHaveLength(1);
    expect(recorder.statements[0]).toMatch(/^INSERT INTO "widget"[\s\S]*RETURNING/);
    expect(await queryDatabase(db.url, 'SELECT name FROM widget')).toEqual([{ name: 'sprocket' }]);
  });

  it('reads a page and the total it is paged from with one SELECT', async () => {
    for (const name of ['a', 'b', 'c']) await call('/api/widget', { name });
    recorder.statements.length = 0;
    const page = await call('/api/widget?limit=2&sort=name');
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 0, nextOffset: 2 });
    expect((page.body.items as Array<{ name: string }>).map((w) => w.name)).toEqual(['a', 'b']);
    expect(recorder.statements).toHaveLength(1);
    expect(recorder.statements[0]).toMatch(/^SELECT [\s\S]*COUNT\(\*\) OVER \(\)[\s\S]*FROM "widget"/);
  });

  it('still counts the rows for a page past the end', async () => {
    for (const name of ['a', 'b', 'c']) await call('/api/widget', { name });
    const page = await call('/api/widget?offset=10');
    expect(page.body).toMatchObject({ items: [], total: 3, offset: 10, nextOffset: null });
  });

  it('counts a foreign-key filter over the table, not over the page', async () => {
    for (const name of ['a', 'b', 'c']) await call('/api/widget', { name, maker: makerId });
    await call('/api/widget', { name: 'loose' });
    const page = await call(`/api/widget?maker=${makerId}&limit=1&sort=-name`);
    expect(page.body).toMatchObject({ total: 3, nextOffset: 1 });
    expect(page.body.items).toEqual([expect.objectContaining({ name: 'c', maker: makerId })]);
  });
});
