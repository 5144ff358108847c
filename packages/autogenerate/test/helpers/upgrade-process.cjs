// Runs one `upgrade` in its own OS process, as a replica or a deploy step would.
// argv: databaseUrl appDir  → prints a JSON line with what it applied, exits 0 on success.
const { Migrator } = require('@app/migrator');

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
