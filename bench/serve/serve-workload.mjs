// The serve workload: invoice-ops' GET /api/tenant (a page of 20 from 200 rows) and POST /api/tenant
// under a fixed load (autocannon: fixed connections and duration), `dazzle serve` against the
// hand-written Fastify + TypeORM server (handwritten-server.mjs) written two ways: idiomatic (the
// issue's baseline) and tuned (the same statements dazzle sends). All three run at once on one
// PostgreSQL and take turns sample by sample, in an order that rotates each round, so the drift of a
// shared machine lands on every contender alike; each ratio is taken within a round, then the
// median over rounds is reported.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const HERE = import.meta.dirname;
const REPO = join(HERE, '..', '..');
export const SERVE_SETTINGS = {
  rounds: Number(process.env.BENCH_SERVE_ROUNDS ?? 5),
  durationS: Number(process.env.BENCH_SERVE_SECONDS ?? 5),
  connections: 20,
  rows: 200,
};
const ROUTES = {
  list: {
    label: 'GET /api/tenant?limit=20&offset=40',
    request: (base) => ({ url: `${base}/api/tenant?limit=20&offset=40` }),
  },
  create: {
    label: 'POST /api/tenant',
    request: (base) => ({
      url: `${base}/api/tenant`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'created under load' }),
    }),
  },
};
const BASELINES = ['idiomatic', 'tuned'];

function startProcess(command, args, options, pattern) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) resolve({ url: match[1], pid: child.pid, stop: () => stop(child) });
    });
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

const startDazzle = (url) =>
  startProcess(
    process.execPath,
    [join(REPO, 'packages', 'cli', 'bin', 'dazzle.js'), 'serve', '--port', '0'],
    {
      cwd: join(REPO, 'apps', 'invoice-ops'),
      env: { ...process.env, DATABASE_URL: url, DAZZLE_LOG_LEVEL: 'warn' },
    },
    /Serving on (\S+)/,
  );
const startHandwritten = (url, style) =>
  startProcess(process.execPath, [join(HERE, 'handwritten-server.mjs'), url, style], {}, /LISTENING (\S+)/);

async function seed(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('TRUNCATE tenant CASCADE');
  await client.query(`INSERT INTO tenant (name) SELECT 'tenant ' || i FROM generate_series(1, $1) AS i`, [
    SERVE_SETTINGS.rows,
  ]);
  await client.end();
}

/**
 * CPU time (user + system, ms) the process has used so far, from /proc; undefined off Linux.
 * Unlike requests/s, CPU time per request barely moves when other work shares the cores.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined;
  }
}

async function load(server, route, durationS = SERVE_SETTINGS.durationS) {
  const cpuBefore = cpuMs(server.pid);
  const result = await autocannon({
    ...ROUTES[route].request(server.url),
    connections: SERVE_SETTINGS.connections,
    duration: durationS,
  });
  const cpu = cpuBefore === undefined ? undefined : cpuMs(server.pid) - cpuBefore;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUsPerRequest: cpu === undefined ? undefined : Math.round((cpu * 1000) / result.requests.total),
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a, b) => Math.round((a / b) * 100) / 100;

/**
 * Runs the workload on a fresh database of `databaseUrl`'s server (dazzle serve migrates it) and
 * returns the samples and the summary per route. `log` gets one line per sample.
 */
export async function measureServe(databaseUrl, log = console.log) {
  // dazzle serve migrates the fresh database before it listens; the others then share its tables.
  const running = { dazzle: await startDazzle(databaseUrl) };
  try {
    for (const style of BASELINES) running[style] = await startHandwritten(databaseUrl, style);
    const names = Object.keys(running);
    const samples = Object.fromEntries(Object.keys(ROUTES).map((r) => [r, []]));
    for (const route of Object.keys(ROUTES))
      for (const name of names) {
        await seed(databaseUrl);
        await load(running[name], route, 2); // warm-up: JIT, pool, plans
      }
    for (let round = 0; round < SERVE_SETTINGS.rounds; round += 1)
      for (const route of Object.keys(ROUTES)) {
        const order = names.map((_, i) => names[(i + round) % names.length]);
        const sample = {};
        for (const name of order) {
          await seed(databaseUrl);
          sample[name] = await load(running[name], route);
          log(
            `  round ${round + 1} ${route.padEnd(6)} ${name.padEnd(9)} ${String(sample[name].requestsPerSecond).padStart(5)} req/s  p99 ${sample[name].p99Ms} ms  cpu ${sample[name].cpuUsPerRequest} µs/req  errors ${sample[name].errors}  load ${sample[name].loadAverage}`,
          );
        }
        samples[route].push(sample);
      }
    const rows = Object.entries(samples).map(([route, rounds]) => {
      const of = (name, key) => median(rounds.map((s) => s[name][key]));
      const summary = (name) => ({
        requestsPerSecond: of(name, 'requestsPerSecond'),
        p99Ms: of(name, 'p99Ms'),
        cpuUsPerRequest: of(name, 'cpuUsPerRequest'),
        errors: rounds.reduce((sum, s) => sum + s[name].errors, 0),
      });
      const ratios = (style) =>
        rounds.map((s) => ratio(s.dazzle.requestsPerSecond, s[style].requestsPerSecond));
      return {
        route: ROUTES[route].label,
        dazzle: summary('dazzle'),
        idiomatic: summary('idiomatic'),
        tuned: summary('tuned'),
        ratioIdiomatic: median(ratios('idiomatic')),
        ratioTuned: median(ratios('tuned')),
        ratiosIdiomatic: ratios('idiomatic'),
        ratiosTuned: ratios('tuned'),
      };
    });
    return { settings: SERVE_SETTINGS, cores: cpus().length, rows, samples };
  } finally {
    for (const server of Object.values(running)) await server.stop();
  }
}

export const SERVE_SECTION = /<!-- serve-benchmark:start -->[\s\S]*<!-- serve-benchmark:end -->\n?/;

/** The docs/benchmarks.md section for one result, between the markers the runners replace. */
export function serveMarkdown(result, { date, node }) {
  const { rounds, durationS, connections, rows: seeded } = result.settings;
  const lines = [
    '<!-- serve-benchmark:start -->',
    '## Serve: dazzle serve against a hand-written Fastify + TypeORM server',
    '',
    `Measured ${date}, Node ${node}, ${connections} connections for ${durationS} s per sample after a 2 s warm-up, ${rounds} rounds; the three servers run at once on one PostgreSQL and take turns sample by sample in an order that rotates each round, ${seeded} rows before each sample. The hand-written server serves invoice-ops' own Tenant class with the same routes, response envelope, \`X-Request-Id\` header, pool of 10, log level \`warn\` and JSON-schema validation. *Idiomatic* uses TypeORM as its docs teach (\`findAndCount\`: the page, then a count; \`save()\`: BEGIN, INSERT, COMMIT); *tuned* sends what dazzle serve sends (the page and its total in one statement, one \`INSERT … RETURNING\`), so dazzle ÷ tuned is the cost of the framework alone. Ratios are taken within a round; the table shows medians. Regenerate with \`pnpm --filter @app/bench bench:serve\` (or \`pnpm bench -- --only serve\`); raw samples in \`bench/results/\`. Goal: dazzle ≥ 0.9 × hand-written.`,
    '',
    '| Route | dazzle serve (req/s) | hand-written, idiomatic | hand-written, tuned | dazzle ÷ idiomatic | dazzle ÷ tuned | p99 dazzle / idiomatic / tuned (ms) | CPU per request dazzle / idiomatic / tuned (µs) | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  for (const r of result.rows)
    lines.push(
      `| ${r.route} | ${r.dazzle.requestsPerSecond} | ${r.idiomatic.requestsPerSecond} | ${r.tuned.requestsPerSecond} | ${r.ratioIdiomatic} | ${r.ratioTuned} | ${r.dazzle.p99Ms} / ${r.idiomatic.p99Ms} / ${r.tuned.p99Ms} | ${r.dazzle.cpuUsPerRequest} / ${r.idiomatic.cpuUsPerRequest} / ${r.tuned.cpuUsPerRequest} | ${r.dazzle.errors} / ${r.idiomatic.errors} / ${r.tuned.errors} |`,
    );
  const loads = Object.values(result.samples)
    .flat()
    .flatMap((s) => Object.values(s).map((x) => x.loadAverage));
  lines.push(
    '',
    `Load average during the samples: ${Math.min(...loads)}–${Math.max(...loads)} on ${result.cores} cores. Per-round ratios (dazzle ÷ idiomatic, dazzle ÷ tuned): ${result.rows.map((r) => `${r.route.split(' ')[0]} ${r.ratiosIdiomatic.join(' / ')}, ${r.ratiosTuned.join(' / ')}`).join('; ')}.`,
    '<!-- serve-benchmark:end -->',
    '',
  );
  return lines.join('\n');
}
