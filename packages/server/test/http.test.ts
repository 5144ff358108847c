import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTestDatabase } from '@app/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ADMIN_TOKEN, createServerApp, serveProcess } from './helpers/server-app';
import { startTestServer, type TestServer } from './helpers/test-server';

describe('what dazzle serve serves', () => {
  let t: TestServer;
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) => t.call(path, init);

  beforeAll(async () => {
    t = await startTestServer('http');
  });
  afterAll(async () => t?.close());

  it('creates, reads, lists, updates and deletes rows of an app entity', async () => {
    const maker = await (await call('/api/maker', { method: 'POST', json: { name: 'Acme' } })).json();
    const created = await call('/api/widget', {
      method: 'POST',
      json: { name: 'sprocket', price: '9.50', stock: 3 },
    });
    expect(created.status).toBe(201);
    const widget = (await created.json()) as { id: string; state: string };
    expect(widget).toMatchObject({ name: 'sprocket', price: '9.50', stock: 3, state: 'draft' });
    await call('/api/widget', { method: 'POST', json: { name: 'gear', stock: 10 } });

    expect(await (await call(`/api/widget/${widget.id}`)).json()).toMatchObject({
      id: widget.id,
      name: 'sprocket',
    });
    const page = (await (await call('/api/widget?sort=-stock&limit=1')).json()) as {
      items: Array<{ name: string }>;
      total: number;
    };
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 0, nextOffset: 1 });
    expect(page.items.map((w) => w.name)).toEqual(['gear']);
    const filtered = (await (await call('/api/widget?name=sprocket')).json()) as { items: unknown[] };
    expect(filtered.items).toHaveLength(1);

    const patched = await call(`/api/widget/${widget.id}`, {
      method: 'PATCH',
      json: { state: 'live', stock: 4 },
    });
    expect(await patched.json()).toMatchObject({ state: 'live', stock: 4 });
    expect((await call(`/api/maker/${(maker as { id: number }).id}`)).status).toBe(200);
    expect((await call(`/api/widget/${widget.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/widget/${widget.id}`)).status).toBe(404);
    expect((await call('/api/maker/not-a-number')).status).toBe(400);
  });

  it('writes and reads foreign keys as the referenced id', async () => {
    const maker = (await (
      await call('/api/maker', { method: 'POST', json: { name: 'Initech' } })
    ).json()) as { id: number };
    const created = await call('/api/widget', { method: 'POST', json: { name: 'stapler', maker: maker.id } });
    expect(created.status).toBe(201);
    const widget = (await created.json()) as { id: string };
    // One shape on every route: POST, GET, list and PATCH all return the referenced id.
    expect(widget).toMatchObject({ maker: maker.id });
    const listed = (await (await call(`/api/widget?name=stapler`)).json()) as { items: unknown[] };
    expect(listed.items).toEqual([expect.objectContaining({ maker: maker.id })]);
    const renamed = await call(`/api/widget/${widget.id}`, { method: 'PATCH', json: { name: 'stapler2' } });
    expect(await renamed.json()).toMatchObject({ maker: maker.id });
    await call(`/api/widget/${widget.id}`, { method: 'PATCH', json: { name: 'stapler' } });
    expect(await (await call(`/api/widget/${widget.id}`)).json()).toMatchObject({
      name: 'stapler',
      maker: maker.id,
    });
    const byMaker = (await (await call(`/api/widget?maker=${maker.id}`)).json()) as {
      items: Array<{ name: string }>;
    };
    expect(byMaker.items.map((w) => w.name)).toEqual(['stapler']);
    expect(
      (await call('/api/widget', { method: 'POST', json: { name: 'orphan', maker: 999999 } })).status,
    ).toBe(409);
    expect((await call(`/api/widget/${widget.id}`, { method: 'PATCH', json: { maker: null } })).status).toBe(
      200,
    );
    expect(await (await call(`/api/widget/${widget.id}`)).json()).toMatchObject({ maker: null });
    await call(`/api/widget/${widget.id}`, { method: 'DELETE' });
  });

  it('answers bad input with 400, the field and the reason, and writes nothing', async () => {
    const before = await t.count('widget');
    const cases: Array<[unknown, RegExp]> = [
      [{ stock: 1 }, /must have required property 'name'/],
      [{ name: 5 }, /name must be string/],
      [{ name: 'x', stock: 'many' }, /stock must be integer/],
      [{ name: 'x', state: 'archived' }, /state must be equal to one of the allowed values/],
      [{ name: 'x', colour: 'red' }, /unknown field colour/],
      [{ name: 'x', price: 'cheap' }, /price must match pattern/],
    ];
    for (const [body, reason] of cases) {
      const response = await call('/api/widget', { method: 'POST', json: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toMatch(reason);
    }
    expect((await call('/api/widget?colour=red')).status).toBe(400);
    expect((await call('/api/widget?sort=colour')).status).toBe(400);
    expect((await call('/api/widget?limit=100000')).status).toBe(400);
    expect(await t.count('widget')).toBe(before);
  });

  it('creates one FeedbackReport for 20 concurrent requests with the same Idempotency-Key', async () => {
    const send = () =>
      call('/api/feedback_report', {
        method: 'POST',
        headers: { 'idempotency-key': 'key-0001' },
        json: { category: 'bug', description: 'button does nothing' },
      });
    const responses = await Promise.all(Array.from({ length: 20 }, send));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ id: string }>;
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(19);
    expect(await t.count('feedback_report')).toBe(1);
    const other = await call('/api/feedback_report', {
      method: 'POST',
      headers: { 'idempotency-key': 'key-0002' },
      json: { category: 'ux', description: 'x' },
    });
    expect(other.status).toBe(201);
    expect(await t.count('feedback_report')).toBe(2);
  });

  it('keeps admin routes behind the bearer token', async () => {
    expect((await call('/admin/migrations')).status).toBe(401);
    expect((await call('/admin/migrations', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const ok = await call('/admin/migrations', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status, t.logLines.filter((l) => l.includes('"level":50')).join('\n')).toBe(200);
    expect(await ok.json()).toMatchObject({ atHeads: true, pending: [] });
    const history = (await (
      await call('/admin/deploy-history', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { items: unknown[] };
    expect(history.items[0]).toMatchObject({ version: '1.0.0', status: 'completed' });
    const put = await call('/admin/params/invoices.limit', {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      json: { value: 500, scope: 'tenant', scopeId: 'acme' },
    });
    expect(put.status).toBe(200);
    const params = await (
      await call('/admin/params', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json();
    expect(params).toEqual([
      expect.objectContaining({ key: 'invoices.limit', scope: 'tenant', scopeId: 'acme', value: 500 }),
    ]);
  });

  it('serves virtual entities from their live stores', async () => {
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    const health = (await (await call('/admin/virtual/system_health', admin)).json()) as Array<{
      component: string;
      status: string;
      latencyMs: number;
    }>;
    expect(health.map((h) => [h.component, h.status])).toEqual([
      ['database', 'healthy'],
      ['migrations', 'healthy'],
    ]);
    expect(health[0]!.latencyMs).toBeGreaterThan(0);
    const metrics = (await (await call('/admin/virtual/system_metric', admin)).json()) as Array<{
      name: string;
      tags: { route?: string };
    }>;
    expect(metrics.some((m) => m.name === 'http.requests' && m.tags.route === '/api/widget')).toBe(true);
    const runs = (await (await call('/admin/virtual/process_run', admin)).json()) as Array<{
      processName: string;
    }>;
    expect(runs[0]).toMatchObject({ processName: 'startup-migration', status: 'completed' });
    const logs = (await (await call('/admin/virtual/log_entry', admin)).json()) as Array<{ message: string }>;
    expect(logs.some((l) => l.message.startsWith('Listening on'))).toBe(true);
    expect(JSON.stringify(logs)).not.toContain(':postgres@'); // passwords never reach logs
    expect((await call('/admin/virtual/nope', admin)).status).toBe(404);
  });

  it('publishes an OpenAPI document and health endpoints', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/widget', '/api/widget/{id}', '/api/feedback_report', '/healthz']),
    );
    expect(Object.keys(doc.paths).some((p) => p.includes('system_health'))).toBe(false);
    expect(doc.components.securitySchemes).toBeDefined();
    expect(await (await call('/healthz')).json()).toEqual({ status: 'ok' });
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const db = await createTestDatabase('shutdown');
    try {
      const config = await createServerApp(db.url);
      onTestFinished(() => rmSync(dirname(config.file), { recursive: true, force: true }));
      const process = serveProcess(config.file, db.url);
      const url = await process.ready;
      // Hold a lock so the request is provably in flight inside the server when SIGTERM arrives.
      const blocker = new pg.Client({ connectionString: db.url });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE widget IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${url}/api/widget`);
      for (let i = 0; i < 200; i += 1) {
        const waiting = await blocker.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%widget%'`,
        );
        if (waiting.rowCount) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      process.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await blocker.query('COMMIT');
      await blocker.end();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ items: [], total: 0 });
      expect((await process.exited).code).toBe(0);
    } finally {
      await db.drop();
    }
  });
});
