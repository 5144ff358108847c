import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/test-server';

// A plain async plugin (no fastify-plugin wrapper), as an app author writes one, plus a plugin
// with options and a configureServer hook with a route of its own that reads the database.
const PREAMBLE = `
const requireApiKey = async (app: any) => {
  app.addHook('onRequest', async (request: any, reply: any) => {
    if (request.url.startsWith('/api/') && request.headers['x-api-key'] !== 'let-me-in')
      return reply.code(403).send({ error: 'no api key' });
  });
};
const build = async (app: any, options: { release: string }) => {
  app.get('/build', async () => ({ release: options.release }));
};
`;

describe('server.plugins and server.configureServer', () => {
  let t: TestServer;
  const key = { 'x-api-key': 'let-me-in' };
  beforeAll(async () => {
    t = await startTestServer('extensions', {
      preamble: PREAMBLE,
      server: `plugins: [requireApiKey, [build, { release: '2026.11' }]],
      configureServer: (app: any, { dataSource }: any) => {
        app.get('/stock-total', { schema: { tags: ['reports'], response: { 200: { type: 'object', properties: { total: { type: 'integer' } } } } } },
          async () => ({ total: (await dataSource.query('SELECT coalesce(sum(stock), 0)::int AS total FROM widget'))[0].total }));
      }`,
    });
  });
  afterAll(async () => t?.close());

  it("guards every generated CRUD route with a plugin's onRequest hook", async () => {
    expect((await t.call('/api/widget')).status).toBe(403);
    expect((await t.call('/api/widget', { method: 'POST', json: { name: 'blocked' } })).status).toBe(403);
    expect(
      (await t.call('/api/feedback_report', { method: 'POST', json: { category: 'bug', description: 'x' } }))
        .status,
    ).toBe(403);
    expect(await t.count('widget')).toBe(0);
    expect(await t.count('feedback_report')).toBe(0);
    const created = await t.call('/api/widget', {
      method: 'POST',
      headers: key,
      json: { name: 'allowed', stock: 7 },
    });
    expect(created.status).toBe(201);
    expect((await t.call('/api/widget', { headers: key })).status).toBe(200);
    expect(await t.count('widget')).toBe(1);
  });

  it('passes a plugin its options and serves the routes the app adds, with the database', async () => {
    expect(await (await t.call('/build')).json()).toEqual({ release: '2026.11' });
    expect(await (await t.call('/stock-total')).json()).toEqual({ total: 7 });
    const doc = (await (await t.call('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/stock-total', '/build', '/api/widget']));
  });
});
