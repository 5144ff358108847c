import pg from 'pg';
import { DataSource } from 'typeorm';
import { entityClasses } from './workloads/fixtures.mjs';

const url = process.argv[2];
const admin = new pg.Client({ connectionString: url });
await admin.connect();
for (const mode of ['auto', 'txn', 'auto', 'txn']) {
  await admin.query('drop database if exists appl');
  await admin.query('create database appl');
  const u = url.replace(/\/[^/]*$/, '/appl');
  const ds = await new DataSource({
    type: 'postgres',
    url: u,
    entities: entityClasses(50),
    installExtensions: false,
    uuidExtension: 'pgcrypto',
  }).initialize();
  const log = await ds.driver.createSchemaBuilder().log();
  const script = log.upQueries.map((q) => q.query).join(';\n');
  await ds.destroy();
  const c = new pg.Client({ connectionString: u });
  await c.connect();
  const t0 = performance.now();
  if (mode === 'txn') await c.query('BEGIN');
  await c.query(script);
  const t1 = performance.now();
  if (mode === 'txn') await c.query('ROLLBACK');
  console.log(mode, log.upQueries.length, (t1 - t0).toFixed(1), 'end', (performance.now() - t1).toFixed(1));
  await c.end();
}
await admin.end();
