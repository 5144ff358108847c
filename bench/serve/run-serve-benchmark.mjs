// The serve workload: invoice-ops' GET /api/tenant (a page of 20 from 200 rows) and POST /api/tenant
// under a fixed load (autocannon, fixed connections and duration), `dazzle serve` against a
// hand-written Fastify + TypeORM server with the same routes, taking turns round by round on the
// same PostgreSQL. Writes bench/results/serve-<date>.json and prints a table for docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseServer } from '@app/testing';
import autocannon from 'autocannon';
import pg from 'pg';
import { withFreshDatabase } from '../workloads/fixtures.mjs';

const HERE = import.meta.dirname;
const REPO = join(HERE, '..', '..');
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_S = Number(process.env.BENCH_SERVE_SECONDS ?? 10);
const CONNECTIONS = 20;

function startProcess(command, args, options, pattern) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve({ url: match[1], stop: () => stop(child) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => reject(new Error(`exited ${code} before listening:\n${output}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('close', resolve);
    child.kill('SIGTERM');
  });
}

const contenders = {
  dazzle: (url) =>
    startProcess(
      process.execPath,
      [join(REPO, 'packages', 'cli', 'bin', 'dazzle.js'), 'serve', '--port', '0'],
      {
        cwd: join(REPO, 'apps', 'invoice-ops'),
        env: { ...process.env, DATABASE_URL: url, DAZZLE_LOG_LEVEL: 'warn' },
      },
      /Serving on (\S+)/,
    ),
  handwritten: (url) =>
    startProcess(process.execPath, [join(HERE, 'handwritten-server.mjs'), url], {}, /LISTENING (\S+)/),
};

async function seed(url, rows) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('TRUNCATE tenant CASCADE');
  await client.query(`INSERT INTO tenant (name) SELECT 'tenant ' || i FROM generate_series(1, $1) AS i`, [
    rows,
  ]);
  await client.end();
}

async function load(base, route) {
  const options =
    route === 'list'
      ? { url: `${base}/api/tenant?limit=20&offset=40` }
      : {
          url: `${base}/api/tenant`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'created under load' }),
        };
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION_S });
  const ok = route === 'list' ? result['2xx'] : result['2xx'];
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    ok,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { server } = await chooseServer();
const samples = { dazzle: { list: [], create: [] }, handwritten: { list: [], create: [] } };
try {
  console.log(
    `PostgreSQL: ${server.description}; ${ROUNDS} rounds of ${DURATION_S} s, ${CONNECTIONS} connections`,
  );
  await withFreshDatabase(server.adminUrl, `bench_serve_${process.pid}`, async (url) => {
    // dazzle serve migrates the fresh database once; both contenders then share its tables.
    await (await contenders.dazzle(url)).stop();
    for (let round = 0; round < ROUNDS; round += 1)
      for (const name of Object.keys(contenders)) {
        const running = await contenders[name](url);
        try {
          for (const route of ['list', 'create']) {
            await seed(url, 200);
            await load(running.url, route); // warm-up: JIT, pool, plans
            await seed(url, 200);
            const sample = await load(running.url, route);
            samples[name][route].push(sample);
            console.log(
              `  round ${round + 1} ${name.padEnd(11)} ${route.padEnd(6)} ${sample.requestsPerSecond.toFixed(0)} req/s  p99 ${sample.p99Ms} ms  errors ${sample.errors}`,
            );
          }
        } finally {
          await running.stop();
        }
      }
  });
} finally {
  await server.stop();
}

const rows = ['list', 'create'].map((route) => {
  const of = (name, key) => median(samples[name][route].map((s) => s[key]));
  const dazzle = of('dazzle', 'requestsPerSecond');
  const handwritten = of('handwritten', 'requestsPerSecond');
  return {
    route: route === 'list' ? 'GET /api/tenant?limit=20' : 'POST /api/tenant',
    dazzle: {
      requestsPerSecond: Math.round(dazzle),
      p99Ms: of('dazzle', 'p99Ms'),
      errors: of('dazzle', 'errors'),
    },
    handwritten: {
      requestsPerSecond: Math.round(handwritten),
      p99Ms: of('handwritten', 'p99Ms'),
      errors: of('handwritten', 'errors'),
    },
    ratio: Math.round((dazzle / handwritten) * 100) / 100,
  };
});
mkdirSync(join(HERE, '..', 'results'), { recursive: true });
const date = new Date().toISOString().slice(0, 10);
writeFileSync(
  join(HERE, '..', 'results', `serve-${date}.json`),
  `${JSON.stringify({ date, node: process.version, rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS, rows, samples }, null, 2)}\n`,
);
console.log(
  '\n| Route | dazzle req/s | hand-written req/s | dazzle ÷ hand-written | p99 dazzle / hand-written (ms) |',
);
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows)
  console.log(
    `| ${r.route} | ${r.dazzle.requestsPerSecond} | ${r.handwritten.requestsPerSecond} | ${r.ratio} | ${r.dazzle.p99Ms} / ${r.handwritten.p99Ms} |`,
  );
