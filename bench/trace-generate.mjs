// Where one warm `generateRevision` on an empty database spends its time: every connection and
// round trip in order, each with the CPU spent since the one before it (the main thread, the whole
// process with V8's compiler and GC threads, and the PostgreSQL backends of the connections it
// opened), around TypeORM's initialize, metadata build and schema-builder passes. For proportion,
// not for figures: the tracing itself costs time; `pnpm bench -- --only autogenerateEmpty` measures.
//
//   node trace-generate.mjs <server admin URL> [entities=50]
//   TRACE_TYPEORM=1 …   the same trace of TypeORM's own generate (initialize + diff + close)
//   node --cpu-prof trace-generate.mjs …   with a V8 CPU profile of the process
// Linux only (reads /proc). Uses a fresh database and drops the server's kept shadows.
import 'reflect-metadata';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { entityClasses, tempDir, withFreshDatabase } from './workloads/fixtures.mjs';

const [adminUrl, entities = '50'] = process.argv.slice(2);
const count = Number(entities);
const require = createRequire(import.meta.url);

/** utime + stime of a process or thread (`self/task/<tid>`), in ms. */
function cpuOf(path) {
  try {
    const text = readFileSync(`/proc/${path}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
const processCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const mainThreadCpu = () => cpuOf(`self/task/${process.pid}`);
const threadsCpu = () =>
  Object.fromEntries(
    readdirSync('/proc/self/task').map((tid) => [
      tid === String(process.pid)
        ? 'main'
        : `${readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()}#${tid}`,
      cpuOf(`self/task/${tid}`),
    ]),
  );

// The backends of the connections opened while tracing; a closed one keeps its last reading.
const backends = new Map();
const backendsCpu = () => [...backends.entries()].reduce((n, [pid, last]) => n + (last ?? cpuOf(pid)), 0);
let tracing = false;
const events = [];
const mark = (kind, text = '') => {
  if (tracing)
    events.push({ kind, text, t: performance.now(), m: mainThreadCpu(), c: processCpu(), s: backendsCpu() });
};

const { query, connect, end } = pg.Client.prototype;
pg.Client.prototype.query = function (sql, ...rest) {
  if (tracing && this.processID && !backends.has(this.processID)) backends.set(this.processID, undefined);
  mark('query', (typeof sql === 'string' ? sql : (sql?.text ?? '')).replace(/\s+/g, ' ').slice(0, 100));
  return query.call(this, sql, ...rest);
};
pg.Client.prototype.connect = function (...args) {
  mark('connect', this.database);
  return connect.apply(this, args);
};
pg.Client.prototype.end = async function (...args) {
  const pid = this.processID;
  const last = pid ? cpuOf(pid) : 0;
  const result = await end.apply(this, args);
  if (backends.has(pid)) backends.set(pid, last);
  mark('end', this.database);
  return result;
};

const typeorm = (path) => require(require.resolve('typeorm').replace(/index\.js$/, path));
function around(proto, name, label) {
  const original = proto[name];
  proto[name] = async function (...args) {
    mark(`>${label}`);
    try {
      return await original.apply(this, args);
    } finally {
      mark(`<${label}`);
    }
  };
}
const { DataSource } = typeorm('data-source/DataSource.js');
const { RdbmsSchemaBuilder } = typeorm('schema-builder/RdbmsSchemaBuilder.js');
const { PostgresQueryRunner } = typeorm('driver/postgres/PostgresQueryRunner.js');
around(DataSource.prototype, 'initialize', 'initialize');
around(DataSource.prototype, 'buildMetadatas', 'buildMetadatas');
around(DataSource.prototype, 'destroy', 'destroy');
around(RdbmsSchemaBuilder.prototype, 'log', 'schema builder');
around(RdbmsSchemaBuilder.prototype, 'executeSchemaSyncOperationsInProperOrder', 'compare');
around(PostgresQueryRunner.prototype, 'loadTables', 'loadTables');

const { buildMetadata } = await import('@app/migrator');
const { dropKeptShadows, findSchemaDrift, generateRevision } = await import('@app/autogenerate');

await withFreshDatabase(adminUrl, `trace_${process.pid}`, async (url) => {
  const metadata = buildMetadata({ entities: entityClasses(count), framework: { enabled: false } });
  const sources = [{ lineage: 'app', dir: tempDir('bench-trace-') }];
  await dropKeptShadows(url);
  // As the bench's warm run: the kept shadow at the heads, built in this process.
  if (!process.env.TRACE_TYPEORM) await findSchemaDrift({ serverUrl: url, sources, metadata });
  const threads0 = threadsCpu();
  const started = { t: performance.now(), c: processCpu() };
  tracing = true;
  mark('start');
  if (process.env.TRACE_TYPEORM) {
    const source = await new DataSource({
      type: 'postgres',
      url,
      logging: false,
      installExtensions: false,
      uuidExtension: 'pgcrypto',
      entities: entityClasses(count),
    }).initialize();
    await source.driver.createSchemaBuilder().log();
    await source.destroy();
  } else {
    await generateRevision({
      serverUrl: url,
      sources,
      metadata,
      lineage: 'app',
      message: 'traced',
      format: 'js',
    });
  }
  mark('done');
  tracing = false;
  const threads1 = threadsCpu();

  const pad = (n, width) => n.toFixed(0).padStart(width);
  let previous = events[0];
  for (const e of events) {
    console.log(
      `${pad(e.t - events[0].t, 6)} ms  main ${pad(e.m - previous.m, 4)}  process ${pad(e.c - previous.c, 4)}  backends ${pad(e.s - previous.s, 4)}  ${e.kind.padEnd(16)} ${e.text}`,
    );
    previous = e;
  }
  const threads = Object.entries(threads1)
    .map(([name, ms]) => [name, ms - (threads0[name] ?? 0)])
    .filter(([, ms]) => ms > 0);
  console.log(`threads (CPU ms): ${threads.map(([name, ms]) => `${name} ${ms}`).join(', ')}`);
  console.log(
    `wall ${pad(performance.now() - started.t, 0)} ms, process CPU ${pad(processCpu() - started.c, 0)} ms, backends CPU ${backendsCpu()} ms, ${events.filter((e) => e.kind === 'query').length} round trips, ${events.filter((e) => e.kind === 'connect').length} connections opened`,
  );
  await dropKeptShadows(url);
  rmSync(sources[0].dir, { recursive: true, force: true });
});
