/**
 * The one way a command loads the app's config: TypeScript support first when the config is
 * TypeScript (from @app/autogenerate, loaded only then), then the migrator's loader.
 */
import { resolve } from 'node:path';
import { findConfigFile, type LoadedConfig, loadConfig } from '@app/migrator';
import { prepareForConfig } from './optional-parts';

/**
 * @example
 * const config = await loadAppConfig(globals.config);
 */
export async function loadAppConfig(configPath: string | undefined): Promise<LoadedConfig> {
  const cwd = process.cwd();
  await prepareForConfig(configPath ? resolve(cwd, configPath) : findConfigFile(cwd));
  return loadConfig({ cwd, configPath });
}
