// Starts the server in its own OS process, as a deploy does. argv: configFile databaseUrl [--no-migrate]
const { installTypeScriptSupport, loadConfig } = require('@app/migrator');
const { typeScriptSupport } = require('@app/autogenerate/typescript');
const { startServer } = require('../../dist');

async function main() {
  // The fixture app is TypeScript; the CLI installs the same support before loading such a config.
  installTypeScriptSupport(typeScriptSupport);
  const [configPath, databaseUrl, ...flags] = process.argv.slice(2);
  const config = await loadConfig({ configPath });
  const server = await startServer({
    config,
    databaseUrl,
    port: 0,
    migrate: !flags.includes('--no-migrate'),
    connectRetryMs: 5_000,
    lockTimeoutMs: 60_000,
  });
  process.stdout.write(`LISTENING ${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`${error.code ?? 'ERROR'}: ${error.message}\n`);
  process.exit(1);
});
