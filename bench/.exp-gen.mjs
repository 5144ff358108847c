import { buildMetadata, dropShadowCaches, findSchemaDrift, generateRevision, Migrator } from '@app/migrator';
import { DataSource } from 'typeorm';
import { entityClasses, tempDir } from './workloads/fixtures.mjs';

const [url, count] = [process.argv[2], Number(process.argv[3] ?? 50)];
const metadata = buildMetadata({ entities: entityClasses(count), framework: { enabled: false } });
const sources = [{ lineage: 'app', dir: tempDir('bench-gen-') }];
await dropShadowCaches(url);
const t = async (label, fn) => {
  const t0 = performance.now();
  const r = await fn();
  console.log(label, (performance.now() - t0).toFixed(1));
  return r;
};
const gen = (m) => () =>
  generateRevision({ serverUrl: url, sources, metadata, lineage: 'app', message: m, format: 'js' });
await t('check fresh (empty set)', () => findSchemaDrift({ serverUrl: url, sources, metadata }));
await t('gen empty warm', gen('baseline'));
const migrator = await Migrator.connect({ databaseUrl: url, sources });
await migrator.upgrade();
await migrator.close();
await t('gen unchanged next (+1 incremental)', gen('m1'));
await t('gen unchanged warm', gen('m2'));
await t('gen unchanged warm', gen('m3'));
const ds = await new DataSource({
  type: 'postgres',
  url,
  entities: entityClasses(count),
  installExtensions: false,
}).initialize();
await t('typeorm log unchanged', () => ds.driver.createSchemaBuilder().log());
await t('typeorm log unchanged', () => ds.driver.createSchemaBuilder().log());
await ds.destroy();
await t('typeorm init+log+destroy', async () => {
  const d = await new DataSource({
    type: 'postgres',
    url,
    entities: entityClasses(count),
    installExtensions: false,
  }).initialize();
  await d.driver.createSchemaBuilder().log();
  await d.destroy();
});
