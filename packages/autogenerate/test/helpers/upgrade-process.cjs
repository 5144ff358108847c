// Runs one `upgrade` in its own OS process, as a replica or a deploy step would.
// argv: databaseUrl appDir  → prints a JSON line with what it applied, exits 0 on success.
const { installTypeScriptSupport, Migrator } = require('@app/migrator');
const { typeScriptSupport } = require('../../dist/typescript/typescript-support');

// The revisions are TypeScript, as `dazzle db revision` writes them: install the support the CLI
// installs before it loads them.
installTypeScriptSupport(typeScriptSupport);

async function main() {
  const [databaseUrl, dir] = process.argv.slice(2);
  const migrator = await Migrator.connect({
    databaseUrl,
    sources: [{ lineage: 'app', dir }],
    lockTimeoutMs: 60_000,
  });
  try {
    const result = await migrator.upgrade();
    process.stdout.write(`${JSON.stringify({ applied: result.revisions.map((r) => r.id) })}\n`);
  } finally {
    await migrator.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.code ?? 'ERROR'}: ${error.message}\n`);
  process.exit(1);
});
