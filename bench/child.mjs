// One measurement in a fresh OS process, so peak RSS and cold-start costs are the operation's own.
// Usage: node child.mjs <task> '<json args>'  → prints one JSON line: { ms, rssMb, ... }
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { serverCpuClock, startMeasure } from './workloads/cpu-clock.mjs';
import { entityClasses, tempDir } from './workloads/fixtures.mjs';

const [task, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? '{}');
const now = () => performance.now();

function typeormSource(url, extra = {}) {
  return new DataSource({
    type: 'postgres',
    url,
    logging: false,
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    migrationsTransactionMode: 'each',
    ...extra,
  });
}

const tasks = {
  // setupMs: connect (dazzle: read manifests, hash files) / initialize (TypeORM: load every migration module).
  async 'dazzle-upgrade'({ url, dir }) {
    const { Migrator } = await import('@app/migrator');
    const s0 = now();
    const migrator = await Migrator.connect({ databaseUrl: url, sources: [{ lineage: 'app', dir }] });
    const t0 = now();
    const result = await migrator.upgrade();
    const ms = now() - t0;
    await migrator.close();
    return { ms, setupMs: t0 - s0, applied: result.revisions.length };
  },
  async 'typeorm-upgrade'({ url, dir }) {
    const s0 = now();
    const source = await typeormSource(url, { migrations: [join(dir, '*.js')] }).initialize();
    const t0 = now();
    const applied = await source.runMigrations({ transaction: 'each' });
    const ms = now() - t0;
    await source.destroy();
    return { ms, setupMs: t0 - s0, applied: applied.length };
  },
  async 'dazzle-noop'({ url, dir }) {
    const { Migrator } = await import('@app/migrator');
    const migrator = await Migrator.connect({ databaseUrl: url, sources: [{ lineage: 'app', dir }] });
    await migrator.upgrade();
    const t0 = now();
    const result = await migrator.upgrade();
    const ms = now() - t0;
    await migrator.close();
    return { ms, noop: result.noop };
  },
  async 'typeorm-noop'({ url, dir }) {
    const source = await typeormSource(url, { migrations: [join(dir, '*.js')] }).initialize();
    await source.runMigrations({ transaction: 'each' });
    const t0 = now();
    const applied = await source.runMigrations({ transaction: 'each' });
    const ms = now() - t0;
    await source.destroy();
    return { ms, noop: applied.length === 0 };
  },
  async 'dazzle-noop-cold'({ url, dir }) {
    const t0 = now();
    const { Migrator } = await import('@app/migrator');
    const migrator = await Migrator.connect({ databaseUrl: url, sources: [{ lineage: 'app', dir }] });
    const result = await migrator.upgrade();
    await migrator.close();
    return { ms: now() - t0, noop: result.noop };
  },
  async 'typeorm-noop-cold'({ url, dir }) {
    const t0 = now();
    const source = await typeormSource(url, { migrations: [join(dir, '*.js')] }).initialize();
    const applied = await source.runMigrations({ transaction: 'each' });
    await source.destroy();
    return { ms: now() - t0, noop: applied.length === 0 };
  },
  // mode: warm (kept shadow at the heads), next (right after `revision` wrote the baseline, which
  // it keeps in the kept shadow), pulled (the baseline arrived another way, e.g. from git: the kept
  // shadow is one revision behind and runs it), fresh (no kept shadow on the server).
  async 'dazzle-generate'({ url, count, unchanged, mode }) {
    const { buildMetadata, Migrator } = await import('@app/migrator');
    // BENCH_AUTOGENERATE: another build's entry file (e.g. one made from main), to compare two builds.
    const { dropKeptShadows, findSchemaDrift, generateRevision } = await import(
      process.env.BENCH_AUTOGENERATE ?? '@app/autogenerate'
    );
    const metadata = buildMetadata({ entities: entityClasses(count), framework: { enabled: false } });
    const sources = [{ lineage: 'app', dir: tempDir('bench-gen-') }];
    const generate = (message, extra = {}) =>
      generateRevision({
        serverUrl: url,
        sources,
        metadata,
        lineage: 'app',
        message,
        format: 'js',
        ...extra,
      });
    await dropKeptShadows(url);
    if (unchanged) {
      if (mode === 'pulled') await findSchemaDrift({ serverUrl: url, sources, metadata });
      // A fresh-shadow run keeps nothing, as if the revision had been written elsewhere.
      await generate('baseline', { freshShadow: mode === 'pulled' });
      const migrator = await Migrator.connect({ databaseUrl: url, sources });
      await migrator.upgrade();
      await migrator.close();
    }
    if (mode === 'fresh') await dropKeptShadows(url);
    if (mode === 'warm') await findSchemaDrift({ serverUrl: url, sources, metadata });
    const serverCpu = await serverCpuClock(url);
    const measure = startMeasure(serverCpu);
    const result = await generate('measured');
    const { ms, cpuMs, clientCpuMs } = measure.stop();
    await dropKeptShadows(url);
    rmSync(sources[0].dir, { recursive: true, force: true });
    return { ms, cpuMs, clientCpuMs, statements: result.up.length };
  },
  // What `typeorm migration:generate` does in-process: initialize the DataSource, diff, close.
  // logMs is the diff alone on an open DataSource.
  async 'typeorm-generate'({ url, count, unchanged }) {
    const options = { entities: entityClasses(count) };
    if (unchanged) {
      const setup = await typeormSource(url, options).initialize();
      for (const q of (await setup.driver.createSchemaBuilder().log()).upQueries)
        await setup.query(q.query, q.parameters);
      await setup.destroy();
    }
    const serverCpu = await serverCpuClock(url);
    const whole = startMeasure(serverCpu);
    const source = await typeormSource(url, options).initialize();
    const diff = startMeasure(serverCpu);
    const log = await source.driver.createSchemaBuilder().log();
    const diffOnly = diff.stop();
    await source.destroy();
    const { ms, cpuMs, clientCpuMs } = whole.stop();
    return {
      ms,
      cpuMs,
      clientCpuMs,
      logMs: diffOnly.ms,
      logCpuMs: diffOnly.cpuMs,
      statements: log.upQueries.length,
    };
  },
  // The floor under `revision`'s proofs on an empty database, from parts that are not dazzle's code:
  // PostgreSQL running TypeORM's generated up, its down, and the up again (what the convergence and
  // down proofs apply), each sent by a raw pg client in one round trip, in one transaction that is
  // rolled back; then TypeORM's own diff of the same tables once they exist (what reading the tables
  // back costs, on a connection that has read them once). applyFloor is the older floor: the first
  // up and the read-back only.
  async 'proof-floor'({ url, count }) {
    const source = await typeormSource(url, { entities: entityClasses(count) }).initialize();
    const log = await source.driver.createSchemaBuilder().log();
    const up = log.upQueries.map((q) => q.query).join(';\n');
    const down = [...log.downQueries]
      .reverse()
      .map((q) => q.query)
      .join(';\n');
    const serverCpu = await serverCpuClock(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    const timed = async (sql) => {
      const measure = startMeasure(serverCpu);
      await client.query(sql);
      return measure.stop();
    };
    const first = await timed(up);
    const back = await timed(down);
    const again = await timed(up);
    await client.query('ROLLBACK');
    await client.query(up);
    await client.end();
    // Timed the second time: dazzle reads the tables back on the connection that created them, whose
    // catalog caches are warm; a first read on a fresh connection would also time filling them.
    await source.driver.createSchemaBuilder().log();
    const read = startMeasure(serverCpu);
    const reread = await source.driver.createSchemaBuilder().log();
    const readBack = read.stop();
    await source.destroy();
    if (reread.upQueries.length > 0)
      throw new Error(`TypeORM still finds ${reread.upQueries.length} changes`);
    const sum = (parts, key) =>
      parts.some((p) => p[key] === undefined) ? undefined : parts.reduce((n, p) => n + p[key], 0);
    const withDown = [first, back, again, readBack];
    return {
      ms: sum(withDown, 'ms'),
      cpuMs: sum(withDown, 'cpuMs'),
      clientCpuMs: sum(withDown, 'clientCpuMs'),
      applyFloorMs: sum([first, readBack], 'ms'),
      applyFloorCpuMs: sum([first, readBack], 'cpuMs'),
      upMs: first.ms,
      downMs: back.ms,
      againMs: again.ms,
      readBackMs: readBack.ms,
      upCpuMs: first.cpuMs,
      downCpuMs: back.cpuMs,
      againCpuMs: again.cpuMs,
      readBackCpuMs: readBack.cpuMs,
      statements: log.upQueries.length,
    };
  },
  async 'dazzle-replica'({ url, dir }) {
    const { Migrator } = await import('@app/migrator');
    const migrator = await Migrator.connect({ databaseUrl: url, sources: [{ lineage: 'app', dir }] });
    const result = await migrator.upgrade();
    await migrator.close();
    return { ms: 0, applied: result.revisions.length };
  },
  async 'typeorm-replica'({ url, dir }) {
    const source = await typeormSource(url, { migrations: [join(dir, '*.js')] }).initialize();
    const applied = await source.runMigrations({ transaction: 'each' });
    await source.destroy();
    return { ms: 0, applied: applied.length };
  },
};

try {
  const result = await tasks[task](args);
  const rssMb = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
  process.stdout.write(`${JSON.stringify({ ok: true, rssMb, ...result })}\n`);
  process.exit(0);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, error: String(error?.message ?? error).split('\n')[0] })}\n`,
  );
  process.exit(1);
}
