import { createTestDatabase, queryDatabase } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { dazzle, newApp, startServe, writeFiles } from './harness/app';
import { itemEntity } from './harness/fixtures';

// An app author's config: a plain Fastify plugin that wants an API key on /api/, an admin token,
// and the Item entity. Nothing here is wrapped in fastify-plugin.
const CONFIG = `import { defineConfig } from '@app/cli';
import { Item } from './src/item';

const requireApiKey = async (app: any) => {
  app.addHook('onRequest', async (request: any, reply: any) => {
    if (request.url.startsWith('/api/') && request.headers['x-api-key'] !== 'let-me-in')
      return reply.code(403).send({ error: 'no api key' });
  });
};

export default defineConfig({
  entities: [Item],
  server: { adminToken: 'acceptance-admin-token', plugins: [requireApiKey] },
});
`;

describe('dazzle serve from the packed install', () => {
  it("runs the app's plugin before the generated routes, keeps framework tables private, logs with request ids", async () => {
    const db = await createTestDatabase('acceptance_serve_api');
    try {
      const env = { DATABASE_URL: db.url };
      const app = newApp('serve-api');
      writeFiles(app, { 'dazzle.config.ts': CONFIG, 'src/item.ts': itemEntity() });
      expect((await dazzle(app, ['db', 'revision', '-m', 'create item'], env)).code).toBe(0);
      const serving = await startServe(app, [], env);
      const call = (path: string, init: RequestInit = {}) => fetch(`${serving.url}${path}`, init);
      const post = (headers: Record<string, string>) =>
        call('/api/item', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name: 'widget' }),
        });

      expect((await call('/api/item')).status).toBe(403);
      expect((await post({})).status).toBe(403);
      expect(await queryDatabase(db.url, 'SELECT name FROM item')).toEqual([]);
      const created = await post({ 'x-api-key': 'let-me-in', 'x-request-id': 'acceptance-req-1' });
      expect(created.status).toBe(201);
      expect(created.headers.get('x-request-id')).toBe('acceptance-req-1');
      expect(await queryDatabase(db.url, 'SELECT name FROM item')).toEqual([{ name: 'widget' }]);

      // Framework entities: off the public API; the deploy history only through the token.
      const key = { 'x-api-key': 'let-me-in' };
      expect((await call('/api/deploy_history', { headers: key })).status).toBe(404);
      expect((await call('/api/session_info', { headers: key })).status).toBe(404);
      const history = await call('/admin/deploy-history', {
        headers: { authorization: 'Bearer acceptance-admin-token' },
      });
      expect(history.status).toBe(200);
      expect(((await history.json()) as { total: number }).total).toBe(1);
      const refused = await call('/admin/deploy-history');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);

      serving.child.kill('SIGTERM');
      const ended = await serving.ended;
      expect(ended.code).toBe(0);
      const requestLines = ended.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { requestId?: string; msg: string });
      expect(requestLines.filter((l) => l.requestId === 'acceptance-req-1').map((l) => l.msg)).toEqual([
        'incoming request',
        'request completed',
      ]);
      expect(ended.stderr).not.toContain('acceptance-admin-token');
    } finally {
      await db.drop();
    }
  });
});
