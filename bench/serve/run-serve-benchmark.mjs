// Runs the serve workload (serve-workload.mjs) on its own: starts (or finds) a PostgreSQL server,
// measures on a fresh database, writes bench/results/serve-<date>.json and rewrites the serve
// section of docs/benchmarks.md (between its markers), then prints that section.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseServer } from '@app/testing';
import { withFreshDatabase } from '../workloads/fixtures.mjs';
import { measureServe, SERVE_SECTION, SERVE_SETTINGS, serveMarkdown } from './serve-workload.mjs';

const HERE = import.meta.dirname;
const { server } = await chooseServer();
let result;
try {
  const { rounds, durationS, connections } = SERVE_SETTINGS;
  console.log(
    `PostgreSQL: ${server.description}; ${rounds} rounds of ${durationS} s, ${connections} connections`,
  );
  result = await withFreshDatabase(server.adminUrl, `bench_serve_${process.pid}`, (url) => measureServe(url));
} finally {
  await server.stop();
}
const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(HERE, '..', 'results'), { recursive: true });
writeFileSync(
  join(HERE, '..', 'results', `serve-${date}.json`),
  `${JSON.stringify({ date, node: process.version, ...result }, null, 2)}\n`,
);
const section = serveMarkdown(result, { date, node: process.version });
const docs = join(HERE, '..', '..', 'docs', 'benchmarks.md');
const current = readFileSync(docs, 'utf8');
writeFileSync(
  docs,
  SERVE_SECTION.test(current) ? current.replace(SERVE_SECTION, section) : `${current}\n${section}`,
);
console.log(`\n${section}`);
