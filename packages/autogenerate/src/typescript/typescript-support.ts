/**
 * The second door of @app/autogenerate, kept light on purpose: the CLI imports it to load a
 * TypeScript config, entities and revisions without paying for the authoring tools (SWC itself
 * loads on the first file it compiles).
 */
import type { TypeScriptSupport } from '@app/migrator/inspect';
import { compileTypeScript, originalPosition, registerTypeScriptLoader } from './typescript-loader';

/**
 * What `installTypeScriptSupport` of @app/migrator takes.
 *
 * @example
 * installTypeScriptSupport(typeScriptSupport);
 * await loadConfig(); // dazzle.config.ts loads
 */
export const typeScriptSupport: TypeScriptSupport = Object.freeze({
  register: registerTypeScriptLoader,
  compile: compileTypeScript,
  originalPosition,
});

export { compileTypeScript, registerTypeScriptLoader };
