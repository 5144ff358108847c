// An ES-module config (`dazzle.config.mjs`) loads through require() where Node can, and through
// import() when it has top-level await, which require() cannot load: both give the same config.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempApp, dazzle, removeTempApps } from './helpers/temp-app';

afterAll(removeTempApps, 60_000);

/** `heads` reads the config and the folders only; the framework's heads are listed unless the config turns it off. */
async function headsWith(config: string): Promise<unknown> {
  const app = createTempApp();
  writeFileSync(join(app, 'dazzle.config.mjs'), config);
  const result = await dazzle(app, ['db', 'heads', '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('a dazzle.config.mjs', () => {
  it('loads, with what it sets', async () => {
    expect(await headsWith('export default { framework: { enabled: false } };\n')).toEqual({
      framework: [],
      app: [],
    });
  });

  it('loads with top-level await, evaluated once', async () => {
    const config = `globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;
const settings = await Promise.resolve({ framework: { enabled: false } });
if (globalThis.evaluations !== 1) throw new Error('evaluated twice');
export default settings;
`;
    expect(await headsWith(config)).toEqual({ framework: [], app: [] });
  });

  it('that fails to load is CONFIG_INVALID, naming the file', async () => {
    const app = createTempApp();
    writeFileSync(join(app, 'dazzle.config.mjs'), "import 'no-such-package';\nexport default {};\n");
    const result = await dazzle(app, ['db', 'heads']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Error CONFIG_INVALID: .*dazzle\.config\.mjs could not be loaded: .*no-such-package/,
    );
  });
});
