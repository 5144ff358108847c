// Online schema changes on a busy table: `account` with N rows (default 2,000,000; built with
// generate_series) while a loopback writer inserts and updates at a steady rate. For each change
// (add an index, a foreign key, a NOT NULL column with a default, SET NOT NULL on an existing column,
// integer → bigint) it runs, on its own copy of the database, dazzle's generated revision through
// `dazzle db upgrade` and, on another copy, the SQL raw TypeORM's generator writes for the same entity
// change, in one transaction as `migration:run` does. Reported per side: the writer's longest wait,
// its failed writes, and the longest ACCESS EXCLUSIVE hold on the changed tables sampled from
// pg_locks. Usage: node bench/online.mjs [--rows 200000] [--rate 100]
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseServer } from '@app/testing';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ONLINE_CHANGES, onlineEntities } from './workloads/online-entities.mjs';
import { startLockSampler, startWriter } from './workloads/online-load.mjs';

const HERE = import.meta.dirname;
const REPO = join(HERE, '..');
const DAZZLE = join(REPO, 'packages', 'cli', 'dist', 'bin.js');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = option('rows', 2_000_000);
const RATE = option('rate', 100);
const SAMPLE_MS = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query(url, sql, params) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the base database; a connection that has not quite closed yet is waited out. */
async function copyOf(adminUrl, base, name) {
  for (let attempt = 1; ; attempt++) {
    try {
      await query(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${base}"`);
      return databaseUrl(adminUrl, name);
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test(error.message)) throw error;
      await sleep(250);
    }
  }
}

/** Runs `work` with the writer and the sampler on, and reports what they saw. */
async function measured(url, work) {
  const sampler = startLockSampler(url, SAMPLE_MS);
  const writer = startWriter(url, { rows: ROWS, rate: RATE });
  await sleep(500);
  const started = performance.now();
  let error;
  try {
    await work();
  } catch (e) {
    error = e.message.split('\n')[0];
  }
  const changeMs = performance.now() - started;
  await sleep(500);
  const writes = await writer.stop();
  const locks = await sampler.stop();
  return {
    changeMs: Math.round(changeMs),
    longestWaitMs: Math.round(writes.longestWaitMs),
    writes: writes.writes,
    failedWrites: writes.failed,
    longestExclusiveMs: Math.round(locks.longestExclusiveMs),
    ...(error ? { error } : {}),
    ...(writes.errors.length > 0 ? { writeErrors: writes.errors } : {}),
  };
}

function dazzle(app, args, env) {
  return execFileSync(process.execPath, [DAZZLE, ...args], {
    cwd: app,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function dazzleAsync(app, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DAZZLE, ...args], {
      cwd: app,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`dazzle ${args.join(' ')}: ${stderr}`)),
    );
  });
}

/** The statements of a revision file's up(), as it sends them. */
function upStatements(file) {
  const text = readFileSync(file, 'utf8');
  const up = text.slice(text.indexOf('async function up'), text.indexOf('async function down'));
  return [...up.matchAll(/db\.query\(`([^`]*)`\)/g)].map((m) => m[1]);
}

async function typeormSql(url, change) {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: onlineEntities(change),
    installExtensions: false,
  });
  await dataSource.initialize();
  try {
    return (await dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
  } finally {
    await dataSource.destroy();
  }
}

const { server } = await chooseServer();
const tag = `bench_online_${process.pid}`;
const base = `${tag}_base`;
const app = join(HERE, '.work', `online-${process.pid}`);
mkdirSync(app, { recursive: true });
writeFileSync(
  join(app, 'dazzle.config.mjs'),
  `import { onlineEntities } from ${JSON.stringify(join(HERE, 'workloads', 'online-entities.mjs'))};
export default { entities: onlineEntities(process.env.BENCH_ONLINE_CHANGE), framework: { enabled: false }, migrations: { dir: process.env.BENCH_ONLINE_DIR } };\n`,
);
const created = [base];
const results = [];
try {
  console.log(`PostgreSQL: ${server.description}; ${ROWS} rows; writer ${RATE} writes/s`);
  await query(server.adminUrl, `CREATE DATABASE "${base}"`);
  const baseUrl = databaseUrl(server.adminUrl, base);
  const baseEnv = {
    DATABASE_URL: baseUrl,
    BENCH_ONLINE_CHANGE: 'base',
    BENCH_ONLINE_DIR: join(app, 'migrations'),
  };
  dazzle(app, ['db', 'revision', '-m', 'base', '--fresh-shadow'], baseEnv);
  dazzle(app, ['db', 'upgrade'], baseEnv);
  const filled = performance.now();
  await query(
    baseUrl,
    `INSERT INTO owner (name) SELECT 'owner ' || g FROM generate_series(1, 1000) g;
     INSERT INTO account (owner_id, balance, code) SELECT 1 + g % 1000, g % 100000, 'C' || g FROM generate_series(1, ${ROWS}) g`,
  );
  await query(baseUrl, 'VACUUM ANALYZE account');
  console.log(`built ${ROWS} rows in ${Math.round(performance.now() - filled)} ms`);

  for (const change of ONLINE_CHANGES) {
    const dir = join(app, `migrations-${change}`);
    cpSync(join(app, 'migrations'), dir, { recursive: true });
    const env = { BENCH_ONLINE_CHANGE: change, BENCH_ONLINE_DIR: dir };
    const written = JSON.parse(
      dazzle(app, ['db', 'revision', '-m', change, '--fresh-shadow', '--json'], {
        ...env,
        DATABASE_URL: baseUrl,
      }),
    );
    const dazzleStatements = upStatements(written.file);

    const typeormDb = `${tag}_t_${change.replace(/-/g, '_')}`;
    created.push(typeormDb);
    const typeormUrl = await copyOf(server.adminUrl, base, typeormDb);
    const typeormStatements = await typeormSql(typeormUrl, change);
    const typeorm = await measured(typeormUrl, async () => {
      const client = new pg.Client({ connectionString: typeormUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        for (const sql of typeormStatements) await client.query(sql);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await client.end();
      }
    });
    await query(server.adminUrl, `DROP DATABASE "${typeormDb}" WITH (FORCE)`);

    const dazzleDb = `${tag}_d_${change.replace(/-/g, '_')}`;
    created.push(dazzleDb);
    const dazzleUrl = await copyOf(server.adminUrl, base, dazzleDb);
    const dazzleRun = await measured(dazzleUrl, () =>
      dazzleAsync(app, ['db', 'upgrade'], { ...env, DATABASE_URL: dazzleUrl }),
    );
    await query(server.adminUrl, `DROP DATABASE "${dazzleDb}" WITH (FORCE)`);

    const row = {
      change,
      rows: ROWS,
      dazzle: { ...dazzleRun, sql: dazzleStatements },
      typeorm: { ...typeorm, sql: typeormStatements },
    };
    results.push(row);
    console.log(
      `${change.padEnd(20)} dazzle: wait ${dazzleRun.longestWaitMs} ms, failed ${dazzleRun.failedWrites}, ACCESS EXCLUSIVE ${dazzleRun.longestExclusiveMs} ms, change ${dazzleRun.changeMs} ms${dazzleRun.error ? ` ERROR ${dazzleRun.error}` : ''} | TypeORM: wait ${typeorm.longestWaitMs} ms, failed ${typeorm.failedWrites}, ACCESS EXCLUSIVE ${typeorm.longestExclusiveMs} ms, change ${typeorm.changeMs} ms${typeorm.error ? ` ERROR ${typeorm.error}` : ''}`,
    );
  }
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(HERE, 'results'), { recursive: true });
  const out = join(HERE, 'results', `online-${date}${ROWS < 2_000_000 ? '-quick' : ''}.json`);
  writeFileSync(
    out,
    `${JSON.stringify({ date, provider: server.description, rows: ROWS, writesPerSecond: RATE, sampleMs: SAMPLE_MS, results }, null, 2)}\n`,
  );
  console.log(`results: ${out}`);
} finally {
  for (const name of created)
    await query(server.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  rmSync(app, { recursive: true, force: true });
  await server.stop?.();
}
