import { queryDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from './helpers/server-app';
import { startTestServer, type TestServer } from './helpers/test-server';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const UUID = '0b9d6a38-4a5e-4c1f-9f43-1e2f3a4b5c6d';

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  field?: string;
  requestId: string;
}

async function problemOf(response: Response): Promise<Problem> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Problem;
  expect(body.status).toBe(response.status);
  expect(body.type).toMatch(/^https:\/\/.+#[a-z-]+$/);
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  return body;
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing fuzz case can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('errors are problem documents', () => {
  let t: TestServer;
  let makerId: number;
  beforeAll(async () => {
    t = await startTestServer('problems', {
      server: `configureServer: (app: any) => {
        app.get('/boom', async () => { throw new Error('the disk is on fire'); });
      }`,
    });
    makerId = (
      (await (await t.call('/api/maker', { method: 'POST', json: { name: 'Acme' } })).json()) as {
        id: number;
      }
    ).id;
    await t.call('/api/widget', { method: 'POST', json: { name: 'kept', maker: makerId } });
  });
  afterAll(async () => t?.close());

  it('answers a wrong-typed filter with 400 naming the field, never a database error', async () => {
    const cases: Array<[string, string]> = [
      ['/api/maker?id=abc', 'id'],
      ['/api/maker?id=1.5', 'id'],
      ['/api/widget?id=not-a-uuid', 'id'],
      ['/api/widget?state=bogus', 'state'],
      ['/api/widget?stock=abc', 'stock'],
      ['/api/widget?stock=99999999999', 'stock'],
      ['/api/widget?price=abc', 'price'],
      ['/api/widget?featured=maybe', 'featured'],
      ['/api/widget?createdAt=abc', 'createdAt'],
      ['/api/widget?launchDate=0000-01-01', 'launchDate'],
      ['/api/widget?launchDate=2024-02-30', 'launchDate'],
      ['/api/widget?maker=abc', 'maker'],
      ['/api/widget?name=a%00b', 'name'],
      ['/api/widget?limit=0', 'limit'],
      ['/api/widget?offset=-1', 'offset'],
      ['/api/widget?sort=colour', 'sort'],
      ['/api/widget?colour=red', 'colour'],
      ['/api/widget/not-a-uuid', 'id'],
      ['/api/maker/abc', 'id'],
    ];
    for (const [path, field] of cases) {
      const response = await t.call(path);
      expect(response.status, path).toBe(400);
      expect(await problemOf(response), path).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    const typed = await t.call('/api/widget?featured=false&stock=0&createdAt=2020-01-01T00:00:00Z');
    expect(typed.status).toBe(200);
  });

  it('refuses a page past the documented maximum with its own code', async () => {
    expect((await t.call('/api/widget?limit=200')).status).toBe(200);
    const response = await t.call('/api/widget?limit=201');
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ code: 'PAGINATION_LIMIT_EXCEEDED', field: 'limit' });
  });

  it('answers NUL bytes, impossible dates and absurd nesting in a body with 400 naming the field', async () => {
    const before = await t.count('widget');
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/widget', { name: 'a\u0000b' }, 'name'],
      ['POST', '/api/widget', { name: 'x', launchDate: '0000-01-01' }, 'launchDate'],
      ['POST', '/api/widget', { name: 'x', launchDate: '2023-13-01' }, 'launchDate'],
      ['POST', '/api/widget', { name: 'x', specs: { note: 'a\u0000' } }, 'specs.note'],
      [
        'POST',
        '/api/widget',
        { name: 'x', specs: nested(40) },
        'specs.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a',
      ],
      ['POST', '/api/feedback_report', { category: 'bug', description: 'd\u0000' }, 'description'],
    ];
    for (const [method, path, json, field] of cases) {
      const response = await t.call(path, { method, json });
      expect(response.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect(await problemOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    const deep = await t.call('/admin/params/deep', {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: `{"value":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    });
    expect(deep.status).toBe(400);
    expect((await problemOf(deep)).detail).toMatch(/^value\.a\.a.* is nested more than 32 levels deep$/);
    expect(await t.count('widget')).toBe(before);
    expect(await queryDatabase(t.db.url, 'SELECT key FROM _dazzle_params')).toEqual([]);
  });

  it("describes conflicts in the API's words, never PostgreSQL's", async () => {
    const duplicate = await t.call('/api/maker', { method: 'POST', json: { name: 'Acme' } });
    expect(duplicate.status).toBe(409);
    const unique = await problemOf(duplicate);
    expect(unique).toMatchObject({
      code: 'UNIQUE_CONFLICT',
      detail: 'a Maker with this name already exists',
      field: 'name',
    });
    const orphan = await t.call('/api/widget', { method: 'POST', json: { name: 'orphan', maker: 999999 } });
    expect(orphan.status).toBe(409);
    expect(await problemOf(orphan)).toMatchObject({
      code: 'REFERENCE_CONFLICT',
      detail: 'maker refers to a Maker that does not exist',
      field: 'maker',
    });
    const referenced = await t.call(`/api/maker/${makerId}`, { method: 'DELETE' });
    expect(referenced.status).toBe(409);
    const still = await problemOf(referenced);
    expect(still.detail).toBe(
      'this Maker is still referred to by a Widget (its maker); change or delete that Widget first',
    );
    for (const body of [unique, still])
      expect(JSON.stringify(body)).not.toMatch(/UQ_|FK_|Key \(|maker_id|violates|constraint|"maker"/);
  });

  it('gives every Fastify error a code: unknown route, bad JSON, wrong content type, body too large', async () => {
    expect(await problemOf(await t.call('/nope'))).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    expect(await problemOf(await t.call(`/api/widget/${UUID}`))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    const badJson = await t.call('/api/widget', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(await problemOf(badJson)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const text = await t.call('/api/widget', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<name/>',
    });
    expect(await problemOf(text)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const large = await t.call('/api/widget', {
      method: 'POST',
      json: { name: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(await problemOf(large)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('logs a 500 with its request id and tells the client only the id', async () => {
    const response = await t.call('/boom', { headers: { 'x-request-id': 'trace-500-abc' } });
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'trace-500-abc' });
    expect(problem.detail).not.toContain('disk');
    const logged = t.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.level === 50);
    expect(logged).toMatchObject({
      requestId: 'trace-500-abc',
      msg: 'request failed',
      err: { message: 'the disk is on fire' },
    });
  });

  it('answers a few hundred malformed requests without a 500 and writes nothing', async () => {
    const random = seeded(18);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const junk = [
      'abc',
      '',
      '-1',
      '1e309',
      '0000-01-01',
      '2024-02-30T25:61:00Z',
      'a\u0000b',
      'true',
      'null',
      '[]',
      '{}',
      '%',
      'ü',
      '9'.repeat(40),
      ' ',
      '-',
      "'; DROP TABLE widget; --",
      '\u202e',
      UUID,
      '1.5',
    ];
    const values = [...junk, 1.5, -1, 2 ** 53, true, null, [], {}, [1, 'a'], nested(50), { $ne: 1 }];
    const fields = [
      'id',
      'name',
      'stock',
      'price',
      'state',
      'featured',
      'launchDate',
      'specs',
      'createdAt',
      'maker',
      'colour',
      '__proto__',
    ];
    const counts = async () =>
      Promise.all(
        ['widget', 'maker', 'feedback_report', '_dazzle_params', 'session_info'].map((table) =>
          t.count(table),
        ),
      );
    const before = await counts();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i += 1) {
      const kind = pick(['query', 'create', 'update', 'raw', 'admin'] as const);
      const resource = pick(['/api/widget', '/api/maker', '/api/feedback_report']);
      let response: Response;
      if (kind === 'query') {
        const query = `${pick(fields)}=${encodeURIComponent(String(pick(junk)))}&${pick(['limit', 'offset', 'sort'])}=${encodeURIComponent(pick(junk))}`;
        response = await t.call(`${resource}?${query}`);
      } else if (kind === 'create') {
        // A body valid but for one field, which is always wrong: required name of the wrong type.
        const json = { [pick(fields)]: pick(values), name: pick([5, null, true, [], 'a\u0000', nested(40)]) };
        response = await t.call(resource, { method: 'POST', json });
      } else if (kind === 'update') {
        const method = pick(['PATCH', 'DELETE', 'GET']);
        response = await t.call(`${resource}/${encodeURIComponent(String(pick(junk)))}`, {
          method,
          json: method === 'GET' ? undefined : { [pick(fields)]: pick(values) },
        });
      } else if (kind === 'raw') {
        const text = JSON.stringify({ name: 'fuzz', [pick(fields)]: pick(values) });
        response = await t.call(resource, {
          method: 'POST',
          headers: {
            'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
          },
          body: text.slice(0, Math.max(1, Math.floor(random() * (text.length - 1)))),
        });
      } else {
        const method = pick(['PUT', 'PATCH', 'GET', 'DELETE']);
        const json = {
          value: pick(values),
          scope: pick(['tenant', 'user', 'x']),
          [pick(fields)]: pick(values),
        };
        response = await t.call(
          `/admin/${pick(['params/k', 'params/', 'sessions', 'deploy-history', 'virtual/x', 'feedback-reports'])}`,
          {
            method,
            headers: admin,
            json: method === 'GET' ? undefined : json,
          },
        );
      }
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, `request ${i} (${kind})`).toBeLessThan(500);
    }
    expect(await counts()).toEqual(before);
  });
});
