import { connect } from 'node:net';
import { queryDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from './helpers/server-app';
import { startTestServer, type TestServer } from './helpers/test-server';

type LogLine = { level: number; msg: string; requestId?: string };
const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as LogLine);

describe('request log', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('request_log');
  });
  afterAll(async () => t?.close());

  it('puts a request id on every request line and in the X-Request-Id header, keeping a well-formed one', async () => {
    const fresh = await t.call('/api/widget');
    const id = fresh.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.call('/healthz', { headers: { 'x-request-id': 'edge-42.a:b' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-42.a:b');
    const replaced = await t.call('/healthz', { headers: { 'x-request-id': 'has spaces {and} "quotes"' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const lines = parse(t.logLines).filter(
      (l) => l.msg === 'incoming request' || l.msg === 'request completed',
    );
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.every((l) => typeof l.requestId === 'string')).toBe(true);
    expect(lines.filter((l) => l.requestId === id).map((l) => l.msg)).toEqual([
      'incoming request',
      'request completed',
    ]);
  });

  it('never writes the admin token or the database password', async () => {
    await t.call('/admin/migrations', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    await t.call(`/admin/migrations?token=x`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, cookie: 'sid=secret-cookie' },
    });
    const all = t.logLines.join('\n');
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toContain('secret-cookie');
    const password = new URL(t.db.url).password;
    if (password) expect(all).not.toContain(password);
  });
});

describe('log level', () => {
  it('takes DAZZLE_LOG_LEVEL, and refuses a level pino does not know', async () => {
    process.env.DAZZLE_LOG_LEVEL = 'warn';
    try {
      const t = await startTestServer('log_level');
      try {
        await t.call('/api/widget');
        await t.call('/api/widget?limit=0');
        expect(parse(t.logLines).filter((l) => l.level < 40)).toEqual([]);
      } finally {
        await t.close();
      }
      process.env.DAZZLE_LOG_LEVEL = 'loud';
      await expect(startTestServer('log_level_bad')).rejects.toMatchObject({
        code: 'SERVER_START_FAILED',
        message: expect.stringContaining('"loud"'),
      });
    } finally {
      delete process.env.DAZZLE_LOG_LEVEL;
    }
  });
});

describe('readiness and shutdown', () => {
  it('answers /readyz 503 while the database refuses connections, and 200 once it is back', async () => {
    const t = await startTestServer('readyz_db');
    const dbName = new URL(t.db.url).pathname.slice(1);
    const maintenance = Object.assign(new URL(t.db.url), { pathname: '/postgres' }).toString();
    const allowConnections = (allow: boolean) =>
      queryDatabase(maintenance, `ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS ${allow}`);
    const cut = async () => {
      await allowConnections(false);
      await queryDatabase(
        maintenance,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'dazzle-server'`,
        [dbName],
      );
    };
    try {
      expect((await t.call('/readyz')).status).toBe(200);
      await cut();
      const down = await t.call('/readyz');
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'database-unreachable' });
      expect((await t.call('/healthz')).status).toBe(200);
      await allowConnections(true);
      expect((await t.call('/readyz')).status).toBe(200);
    } finally {
      await allowConnections(true);
      await t.close();
    }
  });

  it('while draining, answers /readyz 503 and tells every client Connection: close, then closes idle connections', async () => {
    const t = await startTestServer('draining', {}, { drainDelayMs: 3_000 });
    try {
      // A kept-alive connection that sits idle through the shutdown.
      const { port } = new URL(t.server.url);
      const idle = connect(Number(port), '127.0.0.1');
      const idleClosed = new Promise<string>((resolve) => {
        let text = '';
        idle.on('data', (chunk) => (text += chunk));
        idle.on('close', () => resolve(text));
      });
      idle.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
      await new Promise((resolve) => idle.once('data', resolve));

      const closing = t.server.close();
      const ready = await t.call('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'draining' });
      expect(ready.headers.get('connection')).toBe('close');
      const served = await t.call('/api/widget');
      expect(served.status).toBe(200);
      expect(served.headers.get('connection')).toBe('close');
      await closing;
      // The idle connection got its one answer, then the server closed it (no second response, no hang).
      expect((await idleClosed).match(/HTTP\/1.1 200/g)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
