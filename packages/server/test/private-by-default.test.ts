import { queryDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAdminAuthorised } from '../src/http/admin-auth';
import { ADMIN_TOKEN } from './helpers/server-app';
import { startTestServer, type TestServer } from './helpers/test-server';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('private by default', () => {
  let t: TestServer;
  let deployId: string;
  beforeAll(async () => {
    t = await startTestServer('private', { server: 'privateEntities: [Maker]' });
    deployId = (await queryDatabase<{ id: string }>(t.db.url, 'SELECT id FROM deploy_history'))[0]!.id;
    await queryDatabase(
      t.db.url,
      `INSERT INTO session_info (user_id, email, expires_at, ip_address) VALUES ('u1', 'ann@example.com', now() + interval '1 day', '10.0.0.1')`,
    );
    await queryDatabase(
      t.db.url,
      `INSERT INTO ai_job (intent, model, provider) VALUES ('summarise', 'm', 'p')`,
    );
  });
  afterAll(async () => t?.close());

  it('serves no framework entity on the public API, whatever the method', async () => {
    for (const table of ['session_info', 'deploy_history', 'ai_job', 'feedback_report']) {
      expect((await t.call(`/api/${table}`)).status, table).toBe(404);
    }
    expect(
      (await t.call(`/api/deploy_history/${deployId}`, { method: 'PATCH', json: { deployedBy: 'x' } }))
        .status,
    ).toBe(404);
    expect((await t.call(`/api/deploy_history/${deployId}`, { method: 'DELETE' })).status).toBe(404);
    expect(await queryDatabase(t.db.url, 'SELECT deployed_by FROM deploy_history')).toHaveLength(1);
  });

  it('keeps feedback submission public, and its reading behind the token', async () => {
    const sent = await t.call('/api/feedback_report', {
      method: 'POST',
      headers: { 'idempotency-key': 'k-1' },
      json: { category: 'bug', description: 'it broke' },
    });
    expect(sent.status).toBe(201);
    expect((await t.call('/admin/feedback-reports')).status).toBe(401);
    const reports = (await (await t.call('/admin/feedback-reports', { headers: admin })).json()) as {
      items: Array<{ description: string; idempotencyKey: string }>;
    };
    expect(reports.items).toEqual([
      expect.objectContaining({ description: 'it broke', idempotencyKey: 'k-1' }),
    ]);
  });

  it('offers operators the deploy history read-only, AI jobs and sessions, behind the token', async () => {
    for (const path of ['/admin/deploy-history', '/admin/ai-jobs', '/admin/sessions'])
      expect((await t.call(path)).status, path).toBe(401);
    const history = (await (await t.call('/admin/deploy-history', { headers: admin })).json()) as {
      items: Array<{ id: string; version: string; status: string }>;
      total: number;
    };
    expect(history).toMatchObject({
      total: 1,
      items: [{ id: deployId, version: '1.0.0', status: 'completed' }],
    });
    const before = await queryDatabase(t.db.url, 'SELECT * FROM deploy_history');
    const patch = await t.call(`/admin/deploy-history/${deployId}`, {
      method: 'PATCH',
      headers: admin,
      json: { deployedBy: 'x' },
    });
    expect(patch.status).toBe(404);
    expect(
      (await t.call(`/admin/deploy-history/${deployId}`, { method: 'DELETE', headers: admin })).status,
    ).toBe(404);
    expect(await queryDatabase(t.db.url, 'SELECT * FROM deploy_history')).toEqual(before);

    const jobs = (await (await t.call('/admin/ai-jobs', { headers: admin })).json()) as { items: unknown[] };
    expect(jobs.items).toEqual([expect.objectContaining({ intent: 'summarise', cost: '0.000000' })]);
    const sessions = (await (await t.call('/admin/sessions?isActive=true', { headers: admin })).json()) as {
      items: Array<{ id: string; email: string }>;
    };
    expect(sessions.items.map((s) => s.email)).toEqual(['ann@example.com']);
    const revoked = await t.call(`/admin/sessions/${sessions.items[0]!.id}`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(revoked.status).toBe(204);
    expect(await t.count('session_info')).toBe(0);
  });

  it('takes an app entity listed in server.privateEntities off the public API and keeps the others', async () => {
    expect((await t.call('/api/maker')).status).toBe(404);
    expect((await t.call('/api/maker', { method: 'POST', json: { name: 'Acme' } })).status).toBe(404);
    expect(await t.count('maker')).toBe(0);
    expect((await t.call('/api/widget')).status).toBe(200);
  });

  it('answers 401 with a problem document and WWW-Authenticate to a wrong or missing token', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${ADMIN_TOKEN}x`,
      ADMIN_TOKEN,
      `bearer ${ADMIN_TOKEN}`,
    ]) {
      const response = await t.call('/admin/sessions', { headers: authorization ? { authorization } : {} });
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    }
  });
});

describe('server.publicEntities', () => {
  it('serves only the app entities it lists', async () => {
    const t = await startTestServer('allowlist', { server: 'publicEntities: [Widget]' });
    try {
      expect((await t.call('/api/widget')).status).toBe(200);
      expect((await t.call('/api/maker')).status).toBe(404);
      const doc = (await (await t.call('/openapi.json')).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/'))).toEqual([
        '/api/feedback_report',
        '/api/widget',
        '/api/widget/{id}',
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('isAdminAuthorised', () => {
  it('accepts only the exact token, whatever the length of the guess', () => {
    expect(isAdminAuthorised('Bearer s3cret', 's3cret')).toBe(true);
    for (const header of ['Bearer s3cre', 'Bearer s3cret ', 'Bearer ', 's3cret', 'Basic s3cret', undefined])
      expect(isAdminAuthorised(header, 's3cret'), String(header)).toBe(false);
    expect(isAdminAuthorised('Bearer ', '')).toBe(false);
    expect(isAdminAuthorised('Bearer anything', undefined)).toBe(false);
  });
});
