/**
 * The schema step of startup: under the migration lock, bring the database to the heads (or,
 * with --no-migrate, only verify it is there, refusing as `dazzle db check` would). Nothing else may change the schema at startup.
 * A run that applies revisions is recorded as a DeployHistory row and as a ProcessRun.
 */
import type { ProcessRunStore } from '@app/entities-framework';
import type { BuiltMetadata } from '@app/metadata-builder';
import {
  assertInStep,
  describeConnectRetry,
  type LoadedConfig,
  lockDisciplineOf,
  Migrator,
  type RunResult,
} from '@app/migrator';

export interface MigrateOnStartOptions {
  config: LoadedConfig;
  metadata: BuiltMetadata;
  databaseUrl: string;
  migrate: boolean;
  lockTimeoutMs: number;
  connectRetryMs: number;
  runs: ProcessRunStore;
  log: (line: string) => void;
}

export interface MigrateOnStartResult {
  result: RunResult | undefined;
  migrator: Migrator;
}

export async function migrateOnStart(options: MigrateOnStartOptions): Promise<MigrateOnStartResult> {
  const run = options.runs.start(options.migrate ? 'startup-migration' : 'startup-schema-check');
  let migrator: Migrator | undefined;
  try {
    migrator = await Migrator.connect({
      databaseUrl: options.databaseUrl,
      sources: options.config.sources,
      lockTimeoutMs: options.lockTimeoutMs,
      connectRetryMs: options.connectRetryMs,
      revisionLocks: lockDisciplineOf(options.config.config.migrations),
      onEvent: (event) => {
        if (event.type === 'revision-start') {
          run.step(event.revision.id);
          options.log(`Applying ${event.revision.lineage} revision ${event.revision.id}`);
        }
        if (event.type === 'connect-retry') options.log(describeConnectRetry(event.retry));
        if (event.type === 'lock-retry')
          options.log(
            `Revision ${event.retry.revision} hit its lock_timeout; retry ${event.retry.attempt} of ${event.retry.of} in ${event.retry.delayMs} ms`,
          );
        if (event.type === 'lock-wait')
          options.log(
            `Waiting for the migration lock held by ${event.holder?.applicationName ?? 'another runner'}`,
          );
      },
    });
    if (!options.migrate) {
      // The same status `dazzle db check` and `current` report, refused with the same code and advice.
      assertInStep(await migrator.status());
      run.complete();
      return { result: undefined, migrator };
    }
    const createAllFrom =
      options.config.config.emptyDatabase === 'create-all' ? options.metadata.entities : undefined;
    const result = await migrator.upgrade({ createAllFrom });
    if (!result.noop) await recordDeploy(migrator, options.config.version);
    run.complete();
    return { result, migrator };
  } catch (error) {
    run.fail(error);
    await migrator?.close(); // a refused start must not leave a pool open behind it
    throw error;
  }
}

async function recordDeploy(migrator: Migrator, version: string): Promise<void> {
  const [table] = (await migrator.dataSource.query(
    `SELECT to_regclass('"deploy_history"') IS NOT NULL AS "exists"`,
  )) as Array<{ exists: boolean }>;
  if (!table?.exists) return; // an app built without the framework lineage has no DeployHistory
  const [previous] = (await migrator.dataSource.query(
    `SELECT "version" FROM "deploy_history" WHERE "status" = 'completed' ORDER BY "deployed_at" DESC LIMIT 1`,
  )) as Array<{ version: string }>;
  await migrator.dataSource.query(
    `INSERT INTO "deploy_history" ("version", "previous_version", "deployed_by", "status") VALUES ($1, $2, $3, 'completed')`,
    [version, previous?.version ?? null, `dazzle serve ${process.pid}`],
  );
}
