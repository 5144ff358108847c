/** A migrator on one database for the length of `work`, closed afterwards whatever happens. */
import { Migrator, type MigratorOptions } from '@app/migrator';

export async function withMigrator<T>(
  databaseUrl: string,
  sources: MigratorOptions['sources'],
  work: (migrator: Migrator) => Promise<T>,
): Promise<T> {
  const migrator = await Migrator.connect({ databaseUrl, sources });
  try {
    return await work(migrator);
  } finally {
    await migrator.close();
  }
}
