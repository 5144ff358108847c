// Deterministic workload material: revision folders for dazzle, migration files for TypeORM, and
// entity classes built with the real decorators (no build step needed).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Column, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Statement i of a chain: every fifth creates a table, the others add a column to the latest one. */
export function chainStatement(i, ifNotExists = false) {
  const table = `bench_t${Math.floor(i / 5)}`;
  const guard = ifNotExists ? 'IF NOT EXISTS ' : '';
  return i % 5 === 0
    ? { up: `CREATE TABLE ${guard}"${table}" ("id" serial PRIMARY KEY)`, down: `DROP TABLE "${table}"` }
    : {
        up: `ALTER TABLE "${table}" ADD COLUMN ${guard}"c${i}" integer`,
        down: `ALTER TABLE "${table}" DROP COLUMN "c${i}"`,
      };
}

export async function dazzleChain(count, ifNotExists = false) {
  const { writeRevision } = await import('@app/autogenerate');
  const dir = tempDir('bench-dazzle-');
  let parent;
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i += 1) {
    const { up, down } = chainStatement(i, ifNotExists);
    const info = writeRevision({
      dir,
      lineage: 'app',
      message: `step ${i}`,
      parents: parent ? [parent] : [],
      up: [{ sql: up }],
      down: [{ sql: down }],
      format: 'js',
      now: new Date(start + i * 1000),
    });
    parent = info.id;
  }
  return dir;
}

export function typeormChain(count, ifNotExists = false) {
  const dir = tempDir('bench-typeorm-');
  for (let i = 0; i < count; i += 1) {
    const { up, down } = chainStatement(i, ifNotExists);
    const name = `Step${String(i).padStart(5, '0')}${1767225600000 + i}`;
    writeFileSync(
      join(dir, `${name}.js`),
      `module.exports = { ${name}: class ${name} { name = ${JSON.stringify(name)}; async up(q) { await q.query(${JSON.stringify(up)}); } async down(q) { await q.query(${JSON.stringify(down)}); } } };\n`,
    );
  }
  return dir;
}

/** `count` entities of ~10 columns each, with a foreign key to the previous one and an index. */
export function entityClasses(count) {
  const classes = [];
  for (let i = 0; i < count; i += 1) {
    const cls = { [`Bench${i}`]: class {} }[`Bench${i}`];
    const proto = cls.prototype;
    PrimaryGeneratedColumn('uuid')(proto, 'id');
    Column({ type: 'varchar', length: 120 })(proto, 'name');
    Column({ type: 'text', nullable: true })(proto, 'notes');
    Column({ type: 'integer', default: 0 })(proto, 'quantity');
    Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })(proto, 'amount');
    Column({ type: 'boolean', default: false })(proto, 'active');
    Column({ type: 'timestamptz', default: () => 'now()' })(proto, 'createdAt');
    Column({ type: 'jsonb', nullable: true })(proto, 'meta');
    Column({ type: 'date', nullable: true })(proto, 'due');
    Index()(proto, 'name');
    if (i > 0) ManyToOne(() => classes[i - 1], { nullable: true, onDelete: 'SET NULL' })(proto, 'parent');
    Entity(`bench_entity_${i}`)(cls);
    classes.push(cls);
  }
  return classes;
}

export async function withFreshDatabase(adminUrl, name, work) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

export function mkdir(path) {
  mkdirSync(path, { recursive: true });
  return path;
}
