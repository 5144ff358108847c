import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from './helpers/server-app';
import { startTestServer, type TestServer } from './helpers/test-server';

const run = promisify(execFile);
const TSC = require.resolve('typescript/bin/tsc');

// The program a client author writes against the generated types: every call must type-check
// with no casts, and what it prints is checked against the live server below.
const PROGRAM = `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const client = createClient<paths>({ baseUrl: process.argv[2] });
const out: Record<string, unknown> = {};

const created = await client.POST('/api/widget', { body: { name: 'typed', stock: 3, price: '9.50' } });
if (!created.data) throw new Error(JSON.stringify(created.error));
const id: string = created.data.id;
const stock: number = created.data.stock;
out.created = { id, stock };

const page = await client.GET('/api/widget', { params: { query: { limit: 10, offset: 0, sort: '-stock', state: 'draft', featured: false } } });
if (!page.data) throw new Error(JSON.stringify(page.error));
const total: number = page.data.total;
const next: number | null = page.data.nextOffset;
out.page = { total, next, names: page.data.items.map((w) => w.name) };

const one = await client.GET('/api/widget/{id}', { params: { path: { id } } });
out.got = one.data?.name;

const patched = await client.PATCH('/api/widget/{id}', { params: { path: { id } }, body: { state: 'live' } });
out.patched = patched.data?.state;

const bad = await client.GET('/api/widget', { params: { query: { limit: 500 } } });
out.badCode = bad.error?.code;

const feedback = await client.POST('/api/feedback_report', {
  params: { header: { 'idempotency-key': 'client-1' } },
  body: { category: 'bug', description: 'typed client' },
});
out.feedback = feedback.response.status;

const history = await client.GET('/admin/deploy-history', { headers: { authorization: 'Bearer ${ADMIN_TOKEN}' } });
out.history = history.data?.items.map((h) => h.status);

const removed = await client.DELETE('/api/widget/{id}', { params: { path: { id } } });
out.deleted = removed.response.status;

console.log(JSON.stringify(out));
`;

async function typeCheck(dir: string): Promise<string> {
  try {
    await run(process.execPath, [
      TSC,
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--lib',
      'es2022,dom',
      '--types',
      'node',
      '--skipLibCheck',
      join(dir, 'program.mts'),
    ]);
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe('the OpenAPI document, through a generated typed client', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer('openapi_client');
    // Inside the package, so the program resolves openapi-fetch and @types/node from its node_modules.
    dir = mkdtempSync(join(__dirname, '.client-'));
    const document = await (await t.call('/openapi.json')).json();
    writeFileSync(
      join(dir, 'api.d.ts'),
      astToString(await openapiTS(document as Parameters<typeof openapiTS>[0])),
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('covers every route, the admin ones with bearer security', async () => {
    const doc = (await (await t.call('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { security?: unknown; parameters?: Array<{ name: string; in: string }> }>
      >;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/readyz',
        '/api/widget/{id}',
        '/api/maker',
        '/admin/sessions/{id}',
        '/admin/params/{key}',
      ]),
    );
    expect(doc.paths['/admin/deploy-history']!.get!.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/api/widget']!.get!.security).toBeUndefined();
    expect(doc.paths['/api/feedback_report']!.post!.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]),
    );
  });

  it('type-checks a program doing list, create, get, patch, delete and an admin call, which then runs against the server', async () => {
    writeFileSync(join(dir, 'program.mts'), PROGRAM);
    expect(await typeCheck(dir)).toBe('');
    const js = ts.transpileModule(readFileSync(join(dir, 'program.mts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, 'program.mjs'), js);
    const { stdout } = await run(process.execPath, [join(dir, 'program.mjs'), t.server.url], { cwd: dir });
    const out = JSON.parse(stdout) as { created: { id: string } };
    expect(out).toEqual({
      created: { id: expect.any(String), stock: 3 },
      page: { total: 1, next: null, names: ['typed'] },
      got: 'typed',
      patched: 'live',
      badCode: 'PAGINATION_LIMIT_EXCEEDED',
      feedback: 201,
      history: ['completed'],
      deleted: 204,
    });
    expect(await t.count('widget')).toBe(0);
  });

  it('makes the compiler refuse calls the API would refuse', async () => {
    const wrong = PROGRAM.replace("sort: '-stock'", "sort: '-colour'").replace(
      'stock: 3, price',
      "stock: 'three', price",
    );
    writeFileSync(join(dir, 'program.mts'), wrong);
    const errors = await typeCheck(dir);
    expect(errors).toMatch(/"-colour"/);
    expect(errors).toMatch(/'string' is not assignable to type 'number'/);
  });
});
