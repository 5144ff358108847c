/** `dazzle serve`: migrate to heads under the lock (or verify, with --no-migrate), then serve. */
import type { Command } from 'commander';
import { AppContext } from '../app-context';
import { UsageError } from '../cli-error';
import { globalsOf, parsePort, parsePortValue, reporterFor } from '../program-support';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('migrate the database to heads under the migration lock, then serve the app over HTTP')
    .option('--port <port>', 'port to listen on (default: PORT, then the config, then 3000)', parsePort)
    .option('--host <host>', 'address to listen on (default: HOST, then the config, then 127.0.0.1)')
    .option('--no-migrate', 'do not migrate: verify the database is at heads and refuse to start otherwise')
    .addHelpText(
      'after',
      '\nExamples:\n  dazzle serve\n  DATABASE_URL=postgres://… dazzle serve --no-migrate --port 8080',
    )
    .action(async (options: { port?: number; host?: string; migrate: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const reporter = reporterFor(globals);
      const port = options.port ?? portFromEnvironment();
      const app = await AppContext.load(globals, reporter);
      const { startServer } = await import('@app/server');
      let server: Awaited<ReturnType<typeof startServer>> | undefined;
      try {
        const database = await app.database();
        server = await startServer({
          config: await app.loadedConfig(),
          databaseUrl: database.url,
          host: options.host ?? (process.env.HOST || undefined),
          port,
          migrate: options.migrate,
          lockTimeoutMs: app.lockTimeoutMs(),
          log: (line) => reporter.note(line),
        });
      } catch (error) {
        await app.release();
        throw error;
      }
      reporter.document({
        url: server.url,
        port: server.port,
        migration: server.migration
          ? {
              noop: server.migration.noop,
              method: server.migration.method,
              revisions: server.migration.revisions.map((r) => r.id),
            }
          : null,
      });
      reporter.line(`Serving on ${server.url} (Ctrl-C to stop).`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          reporter.note(`${signal}: finishing in-flight requests…`);
          // The embedded server is given up even when closing the HTTP server fails.
          void server!
            .close()
            .finally(() => app.release())
            .then(resolve, resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}

function portFromEnvironment(): number | undefined {
  const value = process.env.PORT;
  if (value === undefined || value === '') return undefined;
  try {
    return parsePortValue(value, 'PORT');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
