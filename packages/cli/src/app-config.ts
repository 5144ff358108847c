/**
 * The one way a command loads the app's config: TypeScript support first when the config is
 * TypeScript (from @app/autogenerate, loaded only then), then the migrator's settings loader. The
 * config's entity loader is not called here: AppContext.loadedConfig() calls it for the verbs
 * that need entity classes, so `current`, `history` and `heads` never import an entity module.
 */
import { resolve } from 'node:path';
import { findConfigFile, type LoadedSettings, loadSettings } from '@app/migrator/inspect';
import { prepareForConfig } from './optional-parts';

/**
 * @example
 * const settings = await loadAppSettings(globals.config);
 */
export async function loadAppSettings(configPath: string | undefined): Promise<LoadedSettings> {
  const cwd = process.cwd();
  await prepareForConfig(configPath ? resolve(cwd, configPath) : findConfigFile(cwd));
  return loadSettings({ cwd, configPath });
}
