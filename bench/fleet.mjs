// `dazzle db upgrade --all` over a fleet: 100 databases × 20 revisions, at concurrency 1, 4 and 16,
// through the built binary (one process for the whole fleet, as an operator runs it). Each
// concurrency gets 100 fresh databases; a second run at concurrency 16 measures the rerun where
// every database is already at heads (the no-op check alone). Usage: node bench/fleet.mjs [--quick]
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseServer } from '@app/testing';
import pg from 'pg';
import { dazzleChain } from './workloads/fixtures.mjs';

const HERE = import.meta.dirname;
const REPO = join(HERE, '..');
const quick = process.argv.includes('--quick');
const DATABASES = quick ? 10 : 100;
const REVISIONS = 20;
const LEVELS = [1, 4, 16];

async function admin(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function upgradeAll(app, list, concurrency) {
  const started = performance.now();
  const out = execFileSync(
    process.execPath,
    [
      join(REPO, 'packages', 'cli', 'dist', 'bin.js'),
      'db',
      'upgrade',
      '--all',
      list,
      '--concurrency',
      String(concurrency),
      '--json',
    ],
    { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const ms = performance.now() - started;
  const doc = JSON.parse(out);
  if (!doc.ok)
    throw new Error(
      `fleet upgrade failed: ${JSON.stringify(doc.databases.filter((d) => d.outcome === 'failed'))}`,
    );
  return { ms, doc };
}

const { server } = await chooseServer();
const app = join(HERE, '.work', `fleet-${process.pid}`);
mkdirSync(app, { recursive: true });
const dir = await dazzleChain(REVISIONS);
writeFileSync(
  join(app, 'dazzle.config.mjs'),
  `export default { entities: [], framework: { enabled: false }, migrations: { dir: ${JSON.stringify(dir)} } };\n`,
);
const rows = [];
try {
  console.log(`PostgreSQL: ${server.description}`);
  for (const concurrency of LEVELS) {
    const names = Array.from(
      { length: DATABASES },
      (_, i) => `bench_fleet_${process.pid}_${concurrency}_${i}`,
    );
    for (const name of names) await admin(server.adminUrl, `CREATE DATABASE "${name}" TEMPLATE template0`);
    const list = join(app, `fleet-${concurrency}.txt`);
    writeFileSync(list, `${names.map((n) => databaseUrl(server.adminUrl, n)).join('\n')}\n`);
    try {
      const first = upgradeAll(app, list, concurrency);
      const applied = first.doc.databases.reduce((n, d) => n + d.revisions, 0);
      const rerun = upgradeAll(app, list, concurrency);
      rows.push({
        concurrency,
        databases: DATABASES,
        revisions: REVISIONS,
        applied,
        ms: Math.round(first.ms),
        msPerDatabase: Math.round((first.ms / DATABASES) * 10) / 10,
        rerunMs: Math.round(rerun.ms),
      });
      console.log(JSON.stringify(rows.at(-1)));
    } finally {
      for (const name of names)
        await admin(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  }
} finally {
  rmSync(app, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}
const machine = `${(await import('node:os')).cpus().length} cores, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(
  join(HERE, 'results', `${date}-fleet${quick ? '-quick' : ''}.json`),
  `${JSON.stringify({ date, machine, rows }, null, 2)}\n`,
);
console.log(
  '\n| Concurrency | Databases × revisions | Upgrade --all (ms) | Per database (ms) | Rerun at heads (ms) |',
);
console.log(
  '| ----------: | --------------------- | -----------------: | ----------------: | ------------------: |',
);
for (const r of rows)
  console.log(
    `| ${r.concurrency} | ${r.databases} × ${r.revisions} | ${r.ms} | ${r.msPerDatabase} | ${r.rerunMs} |`,
  );
