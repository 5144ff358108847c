// One command: start (or find) a PostgreSQL server, build each workload, run it with dazzle and with
// raw TypeORM on the same server in the same run, and write bench/results/<date>.json and
// docs/benchmarks.md with the medians and ratios. Timings live here, never in tests.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseServer } from '@app/testing';
import { measureServe, SERVE_SECTION, serveMarkdown } from './serve/serve-workload.mjs';
import { endedChildrenCpuMs, serverCpuClock } from './workloads/cpu-clock.mjs';
import { dazzleChain, typeormChain, withFreshDatabase } from './workloads/fixtures.mjs';

const HERE = import.meta.dirname;
const REPO = join(HERE, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const quick = process.argv.includes('--quick');

function child(task, args, env = {}) {
  const out = execFileSync(process.execPath, [join(HERE, 'child.mjs'), task, JSON.stringify(args)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  const result = JSON.parse(out.trim().split('\n').at(-1));
  if (!result.ok) throw new Error(`${task}: ${result.error}`);
  return result;
}

function wallClock(command, args, options = {}) {
  const started = performance.now();
  execFileSync(command, args, { stdio: 'ignore', ...options });
  return performance.now() - started;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const round = (n) => Math.round(n * 100) / 100;

/** Figures a sample may carry besides `ms`: CPU time (this process + the server) and a floor's parts. */
const MEDIAN_FIELDS = [
  'cpuMs',
  'clientCpuMs',
  'logCpuMs',
  'applyFloorMs',
  'applyFloorCpuMs',
  'upMs',
  'downMs',
  'againMs',
  'readBackMs',
  'upCpuMs',
  'downCpuMs',
  'againCpuMs',
  'readBackCpuMs',
];

function summarize(label, samples) {
  const ms = median(samples.map((s) => s.ms));
  const extra = Object.fromEntries(
    MEDIAN_FIELDS.filter((f) => samples.every((s) => typeof s[f] === 'number')).map((f) => [
      f,
      round(median(samples.map((s) => s[f]))),
    ]),
  );
  const withSetupMs =
    samples[0].setupMs === undefined ? undefined : round(median(samples.map((s) => s.ms + s.setupMs)));
  const rssMb = samples[0].rssMb === undefined ? undefined : median(samples.map((s) => s.rssMb));
  const logMs = samples[0].logMs === undefined ? undefined : round(median(samples.map((s) => s.logMs)));
  const cpu = extra.cpuMs === undefined ? '' : `  CPU ${extra.cpuMs.toFixed(0)} ms`;
  console.log(`  ${label.padEnd(48)} ${ms.toFixed(1).padStart(9)} ms${cpu}${rssMb ? `  ${rssMb} MB` : ''}`);
  return {
    medianMs: round(ms),
    ...extra,
    withSetupMs,
    logMs,
    samplesMs: samples.map((s) => round(s.ms)),
    samplesCpuMs: extra.cpuMs === undefined ? undefined : samples.map((s) => round(s.cpuMs)),
    peakRssMb: rssMb,
  };
}

/**
 * Measures the contenders of one workload side by side: round by round, each contender once per
 * round, each sample in a fresh database. This machine's speed drifts over minutes; taking one
 * contender's samples after the other's would put that drift into the ratio.
 * `contenders` maps a key to [label, runOnce]; the result maps the same keys to summaries.
 */
async function measureSideBySide(server, contenders) {
  const keys = Object.keys(contenders);
  const samples = Object.fromEntries(keys.map((key) => [key, []]));
  for (let i = 0; i < RUNS; i += 1) {
    for (const key of keys) {
      const runOnce = contenders[key][1];
      samples[key].push(await withFreshDatabase(server.adminUrl, `bench_${process.pid}_${i}`, runOnce));
    }
  }
  return Object.fromEntries(keys.map((key) => [key, summarize(contenders[key][0], samples[key])]));
}

async function upgradeFromEmpty(server) {
  const rows = [];
  for (const size of quick ? [50] : [200, 1000]) {
    const dazzleDir = await dazzleChain(size);
    const typeormDir = typeormChain(size);
    const { dazzle, typeorm } = await measureSideBySide(server, {
      dazzle: [
        `upgrade from empty, ${size} revisions, dazzle`,
        (url) => child('dazzle-upgrade', { url, dir: dazzleDir }),
      ],
      typeorm: [
        `upgrade from empty, ${size} revisions, TypeORM`,
        (url) => child('typeorm-upgrade', { url, dir: typeormDir }),
      ],
    });
    rows.push({
      workload: 'upgrade-from-empty',
      size,
      dazzle,
      typeorm,
      perRevisionMs: { dazzle: round(dazzle.medianMs / size), typeorm: round(typeorm.medianMs / size) },
    });
  }
  return rows;
}

async function noopStartup(server) {
  const size = quick ? 50 : 1000;
  const dazzleDir = await dazzleChain(size);
  const typeormDir = typeormChain(size);
  const warm = await measureSideBySide(server, {
    dazzle: [
      `no-op check in-process, ${size} applied, dazzle`,
      (url) => child('dazzle-noop', { url, dir: dazzleDir }),
    ],
    typeorm: [
      `no-op check in-process, ${size} applied, TypeORM`,
      (url) => child('typeorm-noop', { url, dir: typeormDir }),
    ],
  });
  // Cold: the whole process, from spawn to exit, on a database already at its heads.
  const coldNoop = (tool, dir) => async (url) => {
    child(`${tool}-upgrade`, { url, dir });
    return {
      ms: wallClock(process.execPath, [
        join(HERE, 'child.mjs'),
        `${tool}-noop-cold`,
        JSON.stringify({ url, dir }),
      ]),
    };
  };
  const cold = await measureSideBySide(server, {
    dazzle: ['no-op check, cold process, dazzle', coldNoop('dazzle', dazzleDir)],
    typeorm: ['no-op check, cold process, TypeORM', coldNoop('typeorm', typeormDir)],
  });
  return [
    { workload: 'noop-startup-in-process', size, ...warm },
    { workload: 'noop-startup-cold-process', size, ...cold },
  ];
}

/**
 * BENCH_AUTOGENERATE_BASELINE: the entry file of another build of @app/autogenerate (e.g. one
 * compiled from main); on an empty database it then runs as a contender beside this build, warm,
 * in the same rounds.
 */
const BASELINE = process.env.BENCH_AUTOGENERATE_BASELINE;

/**
 * dazzle warm against both floors: (a) the proofs' work (up, down, up again, read back) and (b)
 * that plus TypeORM's own generate (initialize + diff), the work of producing the script, which
 * is not dazzle's code either.
 */
function floorRatios(dazzle, floor, typeorm, key) {
  const withGenerate = floor[key] + typeorm[key];
  return {
    floor: floor[key],
    floorWithGenerate: withGenerate,
    toFloor: dazzle[key] / floor[key],
    toFloorWithGenerate: dazzle[key] / withGenerate,
    toTypeorm: dazzle[key] / typeorm[key],
  };
}

/**
 * dazzle ÷ floor (b), round by round, then the median. The contenders of a round run back to back,
 * so a machine whose speed drifts between rounds (shared cores) moves both sides of each ratio.
 */
function perRoundToFloorWithGenerate(dazzle, floor, typeorm, samplesKey) {
  const [d, f, t] = [dazzle[samplesKey], floor[samplesKey], typeorm[samplesKey]];
  if (!d || !f || !t) return undefined;
  return round(median(d.map((value, i) => value / (f[i] + t[i]))));
}

function logFloorRatios(dazzle, floor, typeorm) {
  for (const [label, key, samplesKey] of [
    ['wall', 'medianMs', 'samplesMs'],
    ['CPU', 'cpuMs', 'samplesCpuMs'],
  ]) {
    if (dazzle[key] === undefined || floor[key] === undefined) continue;
    const r = floorRatios(dazzle, floor, typeorm, key);
    const perRound = perRoundToFloorWithGenerate(dazzle, floor, typeorm, samplesKey);
    console.log(
      `    ${label}: dazzle ÷ floor ${r.toFloor.toFixed(2)}, ÷ (floor + TypeORM generate ${r.floorWithGenerate.toFixed(0)} ms) ${r.toFloorWithGenerate.toFixed(2)} (round by round, median ${perRound?.toFixed(2) ?? '—'}), ÷ TypeORM ${r.toTypeorm.toFixed(2)}`,
    );
  }
}

async function autogenerate(server, states = [false, true]) {
  const rows = [];
  for (const size of quick ? [10] : [50, 200]) {
    for (const unchanged of states) {
      const state = unchanged ? 'unchanged database' : 'empty database';
      const modes = unchanged ? ['warm', 'next', 'pulled', 'fresh'] : ['warm', 'fresh'];
      const contenders = Object.fromEntries(
        modes.map((mode) => [
          mode,
          [
            `autogenerate ${size} entities, ${state}, dazzle ${mode}`,
            (url) => child('dazzle-generate', { url, count: size, unchanged, mode }),
          ],
        ]),
      );
      contenders.typeorm = [
        `autogenerate ${size} entities, ${state}, TypeORM`,
        (url) => child('typeorm-generate', { url, count: size, unchanged }),
      ];
      if (BASELINE && !unchanged)
        contenders.baseline = [
          `autogenerate ${size} entities, ${state}, dazzle warm, baseline build`,
          (url) =>
            child(
              'dazzle-generate',
              { url, count: size, unchanged, mode: 'warm' },
              { BENCH_AUTOGENERATE: BASELINE },
            ),
        ];
      // Only an empty database has a script to prove: what PostgreSQL and TypeORM alone take for
      // the work the proofs do (child.mjs, proof-floor).
      if (!unchanged)
        contenders.floor = [
          `autogenerate ${size} entities, floor: up, down, up + read back`,
          (url) => child('proof-floor', { url, count: size }),
        ];
      const { typeorm, floor, baseline, ...dazzle } = await measureSideBySide(server, contenders);
      if (floor) logFloorRatios(dazzle.warm, floor, typeorm);
      rows.push({
        workload: `autogenerate-${unchanged ? 'unchanged' : 'empty'}`,
        size,
        floor,
        baseline,
        // The headline is the usual run: the kept shadow already at the heads, so no replay.
        dazzle: dazzle.warm,
        dazzleModes: dazzle,
        typeorm,
      });
    }
  }
  return rows;
}

function runReplicas(task, url, dir, count) {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const p = spawn(process.execPath, [join(HERE, 'child.mjs'), task, JSON.stringify({ url, dir })], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.on('close', (code) => resolve({ code, out }));
        }),
    ),
  );
}

async function replicas(server) {
  const size = 50;
  const count = 8;
  const dazzleDir = await dazzleChain(size, true);
  const typeormDir = typeormChain(size, true);
  const result = {};
  for (const [tool, task, dir, ledger] of [
    ['dazzle', 'dazzle-replica', dazzleDir, '_dazzle_migrations'],
    ['typeorm', 'typeorm-replica', typeormDir, 'migrations'],
  ]) {
    result[tool] = await withFreshDatabase(server.adminUrl, `bench_replicas_${tool}`, async (url) => {
      const started = performance.now();
      const outcomes = await runReplicas(task, url, dir, count);
      const wallMs = performance.now() - started;
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client
        .query(`SELECT count(*)::int AS n FROM "${ledger}"`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      await client.end();
      const failed = outcomes.filter((o) => o.code !== 0).length;
      console.log(
        `  8 replicas, 50 revisions, ${tool.padEnd(8)} wall ${wallMs.toFixed(0)} ms, ${failed} of ${count} failed, ledger rows ${rows[0].n}`,
      );
      return {
        wallMs: round(wallMs),
        failed,
        ledgerRows: rows[0].n,
        duplicates: Math.max(0, rows[0].n - size),
      };
    });
  }
  return [{ workload: 'replicas', size, processes: count, ...result }];
}

/**
 * The CLI from spawn to exit against TypeORM's own CLI, on one app: 200 entities and 1,000 revisions
 * already applied. `db current` against `migration:show`, and `db upgrade` with nothing to do against
 * `migration:run` with nothing to do. The dazzle config lists its entities through a loader (the
 * documented form), so these commands load neither TypeORM nor the entities; the same command on a
 * config that imports its entities is measured beside it.
 */
async function cliColdStart(server) {
  const revisions = quick ? 50 : 1000;
  const entities = quick ? 10 : 200;
  // Inside bench/ so the data source file resolves typeorm as an app's would (git-ignored).
  const app = join(HERE, '.work', `cli-${process.pid}`);
  const eagerApp = join(app, 'eager');
  mkdirSync(eagerApp, { recursive: true });
  const dazzleDir = await dazzleChain(revisions);
  const typeormDir = typeormChain(revisions);
  const fixtures = JSON.stringify(join(HERE, 'workloads', 'fixtures.mjs'));
  const settings = `framework: { enabled: false }, migrations: { dir: ${JSON.stringify(dazzleDir)} }`;
  writeFileSync(
    join(app, 'dazzle.config.mjs'),
    `export default { entities: () => import(${fixtures}).then((m) => m.entityClasses(${entities})), ${settings} };\n`,
  );
  writeFileSync(
    join(eagerApp, 'dazzle.config.mjs'),
    `import { entityClasses } from ${fixtures};\nexport default { entities: entityClasses(${entities}), ${settings} };\n`,
  );
  writeFileSync(
    join(app, 'datasource.mjs'),
    `import 'reflect-metadata';\nimport { DataSource } from 'typeorm';\nimport { entityClasses } from ${fixtures};\nexport default new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: entityClasses(${entities}), migrations: [${JSON.stringify(join(typeormDir, '*.js'))}], installExtensions: false });\n`,
  );
  const dazzleBin = join(REPO, 'packages', 'cli', 'dist', 'bin.js');
  const typeormCli = join(REPO, 'bench', 'node_modules', 'typeorm', 'cli.js');
  // Wall time from spawn to exit; CPU time: the command's process (user + system, counted once it
  // has exited) plus the PostgreSQL backends it used (Linux only, else wall time alone).
  const timed = async (url, args, options) => {
    const serverCpu = await serverCpuClock(url);
    const server0 = serverCpu?.();
    const cpu0 = endedChildrenCpuMs();
    const ms = wallClock(process.execPath, args, options);
    const cpuMs = server0 === undefined ? undefined : endedChildrenCpuMs() - cpu0 + serverCpu() - server0;
    return { ms, cpuMs };
  };
  const dazzleCommand = (verb, cwd) => async (url) => {
    child('dazzle-upgrade', { url, dir: dazzleDir });
    return timed(url, [dazzleBin, 'db', verb, '--database-url', url], { cwd });
  };
  const typeormCommand = (verb) => async (url) => {
    child('typeorm-upgrade', { url, dir: typeormDir });
    return timed(url, [typeormCli, verb, '-d', join(app, 'datasource.mjs')], {
      cwd: app,
      env: { ...process.env, DATABASE_URL: url },
    });
  };
  const size = `${entities} entities, ${revisions} revisions`;
  const current = await measureSideBySide(server, {
    dazzle: [`CLI cold start: dazzle db current (${size})`, dazzleCommand('current', app)],
    typeorm: ['CLI cold start: typeorm migration:show', typeormCommand('migration:show')],
    dazzleEager: [
      'CLI cold start: dazzle db current, config importing its entities',
      dazzleCommand('current', eagerApp),
    ],
  });
  const upgrade = await measureSideBySide(server, {
    dazzle: [`CLI no-op upgrade: dazzle db upgrade (${size})`, dazzleCommand('upgrade', app)],
    typeorm: ['CLI no-op upgrade: typeorm migration:run', typeormCommand('migration:run')],
    dazzleEager: [
      'CLI no-op upgrade: dazzle db upgrade, config importing its entities',
      dazzleCommand('upgrade', eagerApp),
    ],
  });
  for (const dir of [app, dazzleDir, typeormDir]) rmSync(dir, { recursive: true, force: true });
  return [
    { workload: 'cli-cold-start', size: revisions, entities, ...current },
    { workload: 'cli-noop-upgrade', size: revisions, entities, ...upgrade },
  ];
}

/** dazzle serve against a hand-written Fastify + TypeORM server (serve/serve-workload.mjs). */
async function serve(server) {
  const result = await withFreshDatabase(server.adminUrl, `bench_serve_${process.pid}`, (url) =>
    measureServe(url),
  );
  return [{ workload: 'serve', ...result }];
}

/** The serve section: this run's, else the one docs/benchmarks.md already has (a run without it keeps it). */
function serveSection(report) {
  const row = report.rows.find((r) => r.workload === 'serve');
  if (row) return serveMarkdown(row, { date: report.date, node: process.version });
  const docs = join(REPO, 'docs', 'benchmarks.md');
  return existsSync(docs) ? (SERVE_SECTION.exec(readFileSync(docs, 'utf8'))?.[0] ?? '') : '';
}

function markdown(report) {
  const lines = [
    '# Benchmarks',
    '',
    `Measured ${report.date} on ${report.machine}, PostgreSQL from the ${report.provider} provider, median of ${report.runs} runs, each in a fresh process and a fresh database, the contenders of a workload taking turns run by run. Regenerate with \`pnpm bench\`; raw samples are in \`bench/results/\`.`,
    '',
    '| Workload | Size | dazzle (ms) | TypeORM (ms) | dazzle ÷ TypeORM | Peak RSS dazzle / TypeORM (MB) |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const row of report.rows) {
    if (row.workload === 'replicas' || row.workload === 'serve') continue;
    const ratio = row.dazzle.medianMs / row.typeorm.medianMs;
    const rss = row.dazzle.peakRssMb ? `${row.dazzle.peakRssMb} / ${row.typeorm.peakRssMb}` : '';
    lines.push(
      `| ${row.workload} | ${row.entities ? `${row.entities} entities, ${row.size} revisions` : row.size} | ${row.dazzle.medianMs} | ${row.typeorm.medianMs} | ${ratio.toFixed(2)} | ${rss} |`,
    );
  }
  const cli = report.rows.filter((r) => r.dazzleEager);
  if (cli.length > 0) {
    lines.push(
      '',
      '## The CLI from spawn to exit',
      '',
      "200 entities and 1,000 revisions, all applied. dazzle's config lists its entities through a loader (`entities: () => import(…)`), so `db current` and a no-op `db upgrade` read the ledger with pg and the revision folders from disk, and load neither TypeORM nor the entities; a config that imports its entity classes loads both, as importing does. TypeORM's CLI loads its DataSource file, which imports the entities.",
      '',
      '| Command | dazzle (ms) | TypeORM CLI (ms) | dazzle ÷ TypeORM | dazzle, config importing its entities (ms) | ÷ TypeORM | CPU dazzle / TypeORM (ms) | CPU ÷ |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of cli) {
      const versus =
        r.workload === 'cli-cold-start'
          ? '`db current` vs `migration:show`'
          : '`db upgrade` vs `migration:run`, nothing to do';
      const cpu =
        r.dazzle.cpuMs === undefined || r.typeorm.cpuMs === undefined
          ? '— | —'
          : `${r.dazzle.cpuMs} / ${r.typeorm.cpuMs} | ${(r.dazzle.cpuMs / r.typeorm.cpuMs).toFixed(2)}`;
      lines.push(
        `| ${versus} | ${r.dazzle.medianMs} | ${r.typeorm.medianMs} | ${(r.dazzle.medianMs / r.typeorm.medianMs).toFixed(2)} | ${r.dazzleEager.medianMs} | ${(r.dazzleEager.medianMs / r.typeorm.medianMs).toFixed(2)} | ${cpu} |`,
      );
    }
    lines.push(
      '',
      "CPU: the command's process (user + system, from spawn to exit) plus the PostgreSQL backends it used, from /proc.",
    );
  }
  const replica = report.rows.find((r) => r.workload === 'replicas');
  if (replica) {
    lines.push(
      '',
      '## 8 replicas on a fresh database, 50 revisions using IF NOT EXISTS',
      '',
      '| Tool | Wall (ms) | Processes failed | Ledger rows | Duplicate applications |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    for (const tool of ['dazzle', 'typeorm'])
      lines.push(
        `| ${tool} | ${replica[tool].wallMs} | ${replica[tool].failed} of 8 | ${replica[tool].ledgerRows} | ${replica[tool].duplicates} |`,
      );
  }
  const generated = report.rows.filter((r) => r.dazzleModes);
  if (generated.length > 0) {
    lines.push(
      '',
      '## Autogenerate in detail',
      '',
      'dazzle (whole `generateRevision`: open the DataSource, diff, safety analysis, apply to the shadow and re-diff what changed, lint, check the file runs what was proved, write it) with the kept shadow at the heads (warm); right after `revision` wrote the previous revision (next: the usual loop; that run kept what it proved, so nothing is replayed); one revision behind because the previous revision arrived another way, such as from git (pulled: it runs that revision first); or absent (fresh: create it and replay everything). TypeORM: initialize + diff + close, as `migration:generate` does in-process; the diff alone in brackets.',
      '',
      '| Workload | Entities | dazzle warm | dazzle next | dazzle pulled | dazzle fresh | TypeORM (diff alone) | warm ÷ TypeORM | next ÷ TypeORM |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of generated)
      lines.push(
        `| ${r.workload} | ${r.size} | ${r.dazzleModes.warm.medianMs} | ${r.dazzleModes.next?.medianMs ?? '—'} | ${r.dazzleModes.pulled?.medianMs ?? '—'} | ${r.dazzleModes.fresh.medianMs} | ${r.typeorm.medianMs} (${r.typeorm.logMs}) | ${(r.dazzleModes.warm.medianMs / r.typeorm.medianMs).toFixed(2)} | ${r.dazzleModes.next ? (r.dazzleModes.next.medianMs / r.typeorm.medianMs).toFixed(2) : '—'} |`,
      );
  }
  const floors = generated.filter((r) => r.floor);
  if (floors.length > 0) {
    const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (a / b).toFixed(2));
    lines.push(
      '',
      '## What the proofs cost at least',
      '',
      "On an empty database, `revision` applies the generated script to the shadow and has TypeORM read the new tables back (the convergence proof), then runs the down, compares the catalogs, and runs the up again (the down proof), all rolled back. The floor is that work done by parts that are not dazzle's code, measured in the same rounds: PostgreSQL running TypeORM's up, its down and the up again, each sent by a raw pg client in one round trip in one rolled-back transaction, plus TypeORM's own diff of the same tables once they exist, on a connection that has read them once (dazzle reads them back on the connection that created them). The older floor (up + read back) leaves the down proof out. Producing the script is TypeORM's work too (initialize on the entities, diff on the empty shadow): floor (b) adds TypeORM's own generate to floor (a). Goal: dazzle within 1.1 × the floor. CPU: this process plus the PostgreSQL backends (user + system, from /proc), steadier than wall time on a shared machine.",
      '',
      '| Entities | Measure | up | down | up again | read back | Floor: up + read back | (a) Floor with the down proof | TypeORM generate | (b) (a) + TypeORM generate | dazzle warm | ÷ floor (up + read back) | ÷ (a) | ÷ (b) | ÷ TypeORM generate |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of floors) {
      const f = r.floor;
      lines.push(
        `| ${r.size} | wall (ms) | ${f.upMs} | ${f.downMs} | ${f.againMs} | ${f.readBackMs} | ${f.applyFloorMs} | ${f.medianMs} | ${r.typeorm.medianMs} | ${round(f.medianMs + r.typeorm.medianMs)} | ${r.dazzle.medianMs} | ${ratio(r.dazzle.medianMs, f.applyFloorMs)} | ${ratio(r.dazzle.medianMs, f.medianMs)} | ${ratio(r.dazzle.medianMs, f.medianMs + r.typeorm.medianMs)} | ${ratio(r.dazzle.medianMs, r.typeorm.medianMs)} |`,
      );
      if (f.cpuMs !== undefined && r.dazzle.cpuMs !== undefined)
        lines.push(
          `| ${r.size} | CPU (ms) | ${f.upCpuMs} | ${f.downCpuMs} | ${f.againCpuMs} | ${f.readBackCpuMs} | ${f.applyFloorCpuMs} | ${f.cpuMs} | ${r.typeorm.cpuMs} | ${round(f.cpuMs + r.typeorm.cpuMs)} | ${r.dazzle.cpuMs} | ${ratio(r.dazzle.cpuMs, f.applyFloorCpuMs)} | ${ratio(r.dazzle.cpuMs, f.cpuMs)} | ${ratio(r.dazzle.cpuMs, f.cpuMs + r.typeorm.cpuMs)} | ${ratio(r.dazzle.cpuMs, r.typeorm.cpuMs)} |`,
        );
    }
  }
  const compared = generated.filter((r) => r.baseline);
  if (compared.length > 0) {
    lines.push(
      '',
      '### This build against a baseline build (BENCH_AUTOGENERATE_BASELINE), same rounds',
      '',
      '| Entities | baseline wall / CPU (ms) | this build wall / CPU (ms) | this ÷ baseline, wall / CPU |',
      '| ---: | ---: | ---: | ---: |',
    );
    for (const r of compared)
      lines.push(
        `| ${r.size} | ${r.baseline.medianMs} / ${r.baseline.cpuMs ?? '—'} | ${r.dazzle.medianMs} / ${r.dazzle.cpuMs ?? '—'} | ${(r.dazzle.medianMs / r.baseline.medianMs).toFixed(2)} / ${r.dazzle.cpuMs && r.baseline.cpuMs ? (r.dazzle.cpuMs / r.baseline.cpuMs).toFixed(2) : '—'} |`,
      );
  }
  const growth = report.rows.filter((r) => r.perRevisionMs);
  if (growth.length > 0) {
    lines.push('', '## Growth', '');
    for (const r of growth)
      lines.push(
        `- upgrade from empty, ${r.size} revisions, including setup (dazzle: connect, read and hash the folder; TypeORM: initialize, load every migration module): ${r.dazzle.withSetupMs} ms with dazzle, ${r.typeorm.withSetupMs} ms with TypeORM.`,
      );
    for (const r of growth)
      lines.push(
        `- upgrade from empty, ${r.size} revisions: ${r.perRevisionMs.dazzle} ms per revision with dazzle (lock, checksums and ledger included), ${r.perRevisionMs.typeorm} with TypeORM.`,
      );
  }
  lines.push(
    '',
    'On this 2-core machine, medians of runs under 500 ms move by about ±15% between whole benchmark runs; compare ratios within one run, not across runs.',
    '',
    "In the main table, autogenerate is dazzle's warm run against TypeORM's initialize + diff. On an empty database dazzle's time is mostly the convergence proof: the 150–600 generated statements are applied to the shadow and the tables they touched are diffed again, work raw TypeORM does not do.",
    '',
  );
  const section = serveSection(report);
  if (section) lines.push(section);
  return lines.join('\n');
}

/** Autogenerate on an empty database only: dazzle warm, TypeORM and the floor (with --only). */
async function autogenerateEmpty(server) {
  return autogenerate(server, [false]);
}

const WORKLOADS = [upgradeFromEmpty, noopStartup, autogenerate, replicas, cliColdStart, serve];
/** Parts of a workload above, for a focused look with --only; a full run does not repeat them. */
const PARTS = [autogenerateEmpty];
// `--only cliColdStart,autogenerate`: a subset, for a quick look; results go to bench/results only.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1]?.split(',');
const selectable = [...WORKLOADS, ...PARTS];
const unknown = (only ?? []).filter((name) => !selectable.some((w) => w.name === name));
if (unknown.length > 0)
  throw new Error(
    `--only: no workload ${unknown.join(', ')}; known: ${selectable.map((w) => w.name).join(', ')}`,
  );

const { server } = await chooseServer();
try {
  console.log(`PostgreSQL: ${server.description}`);
  const rows = [];
  for (const workload of only ? selectable.filter((w) => only.includes(w.name)) : WORKLOADS)
    rows.push(...(await workload(server)));
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${(await import('node:os')).cpus().length} cores, Node ${process.version}`;
  const report = { date, machine, provider: server.provider, runs: RUNS, quick, only, rows };
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(
    join(HERE, 'results', `${date}${quick ? '-quick' : ''}${only ? `-${only.join('-')}` : ''}.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  if (!quick && !only) writeFileSync(join(REPO, 'docs', 'benchmarks.md'), markdown(report));
  console.log(
    quick || only
      ? 'Quick run: results written to bench/results only.'
      : 'Wrote bench/results and docs/benchmarks.md.',
  );
} finally {
  await server.stop();
}
