/**
 * The extension point: an app's Fastify plugins and its `configureServer(app)` hook run on the
 * root instance before any generated route is registered, so an `onRequest` hook they add (auth,
 * CORS, rate limits) guards every generated route, and routes they add sit beside them.
 * Plugins are registered the way `fastify-plugin` registers them (not encapsulated): a plugin
 * that wants its own encapsulated scope calls `app.register` itself.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback } from 'fastify';
import type { DataSource } from 'typeorm';

/** What `configureServer` gets besides the instance: the app's open DataSource, for its own routes. */
export interface ServerHookContext {
  dataSource: DataSource;
}

/** The type of a `configureServer` hook, for an app's own module. */
export type ConfigureServer = (app: FastifyInstance, context: ServerHookContext) => unknown;

/** A Fastify plugin as a config lists it: the function, or the function and its options. */
export type ServerPluginEntry =
  | ((...args: never[]) => unknown)
  | readonly [(...args: never[]) => unknown, Record<string, unknown>];

export interface ServerExtensions {
  plugins?: readonly ServerPluginEntry[];
  /** Runs after the plugins, before the generated routes. */
  configureServer?: (app: never, context: never) => unknown;
}

const SKIP_OVERRIDE = Symbol.for('skip-override');
const DISPLAY_NAME = Symbol.for('fastify.display-name');

type AnyPlugin = FastifyPluginAsync<Record<string, unknown>> | FastifyPluginCallback<Record<string, unknown>>;

/** The plugin, run in the scope it is registered from (what fastify-plugin does), with its options. */
function inRootScope(plugin: AnyPlugin): AnyPlugin {
  if ((plugin as unknown as Record<symbol, unknown>)[SKIP_OVERRIDE]) return plugin;
  const shared: AnyPlugin =
    plugin.length >= 3
      ? (((instance, options, done) =>
          (plugin as FastifyPluginCallback<Record<string, unknown>>)(
            instance,
            options,
            done,
          )) satisfies FastifyPluginCallback<Record<string, unknown>>)
      : ((async (instance, options) => {
          await (plugin as FastifyPluginAsync<Record<string, unknown>>)(instance, options);
        }) satisfies FastifyPluginAsync<Record<string, unknown>>);
  Object.assign(shared, { [SKIP_OVERRIDE]: true, [DISPLAY_NAME]: plugin.name || 'app plugin' });
  return shared;
}

/**
 * Registers an app's plugins, then calls its hook; both are awaited before generated routes.
 *
 * @example
 * await applyServerExtensions(app, { plugins: [[cors, { origin: true }]], configureServer: (app) => app.get('/ping', () => 'pong') });
 */
export async function applyServerExtensions(
  app: FastifyInstance,
  extensions: ServerExtensions,
  context: ServerHookContext,
): Promise<void> {
  for (const entry of extensions.plugins ?? []) {
    const [plugin, options] = Array.isArray(entry) ? entry : [entry, {}];
    await app.register(inRootScope(plugin as AnyPlugin), options as Record<string, unknown>);
  }
  if (extensions.configureServer) await (extensions.configureServer as ConfigureServer)(app, context);
}
