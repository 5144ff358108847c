/** Imports a revision module on demand: only revisions that are about to run are ever loaded. */
import Module from 'node:module';
import { dirname } from 'node:path';
import { MigratorError } from '../errors';
import { handFillLinesOf } from './manifest';
import type { RevisionInfo, RevisionModule } from './revision';
import { typeScriptSupportFor } from './typescript-support';
import { sourceOf } from './verified-source';

export { HAND_FILL_MARKER } from './hand-fill-marker';

/** The two long-standing CommonJS loader internals that source-transforming loaders rely on. */
interface CompilableModule {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
  _compile(code: string, filename: string): void;
}
const ModuleInternals = Module as unknown as {
  new (id: string): CompilableModule;
  _nodeModulePaths(dir: string): string[];
};

/**
 * Evaluates CommonJS text as the module at `file` (its own `require` resolves from there), without
 * reading the file again: the text is the one whose checksum was verified.
 */
function compileCommonJs(text: string, file: string): unknown {
  const module = new ModuleInternals(file);
  module.filename = file;
  module.paths = ModuleInternals._nodeModulePaths(dirname(file));
  module._compile(text, file);
  module.loaded = true;
  return module.exports;
}

async function evaluate(info: RevisionInfo): Promise<unknown> {
  // ES modules have no loader hook for text; they are imported from the file.
  if (info.file.endsWith('.mjs')) return import(info.file);
  if (/\.(ts|cts|mts)$/.test(info.file)) {
    const typescript = typeScriptSupportFor(info.file);
    // For anything the revision itself requires; revisions normally require nothing.
    typescript.register();
    return compileCommonJs(typescript.compile(sourceOf(info), info.file), info.file);
  }
  return compileCommonJs(sourceOf(info), info.file);
}

export async function loadRevisionModule(info: RevisionInfo): Promise<RevisionModule> {
  let loaded: unknown;
  try {
    loaded = await evaluate(info);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MigratorError(
      'REVISION_LOAD_FAILED',
      `Revision ${info.id} (${info.file}) could not be loaded: ${reason}. Fix the file, then run \`dazzle db rehash\`.`,
      { revision: info.id, file: info.file },
      error,
    );
  }
  const mod = loaded as Partial<RevisionModule>;
  if (typeof mod.up !== 'function' || typeof mod.down !== 'function' || !mod.revision) {
    throw new MigratorError(
      'REVISION_INVALID',
      `Revision file ${info.file} must export \`revision\`, \`up\` and \`down\`: compare it with a generated one.`,
      { revision: info.id, file: info.file },
    );
  }
  return mod as RevisionModule;
}

/** Line numbers of hand-fill markers still in a revision file. */
export function unfilledSteps(info: RevisionInfo): readonly number[] {
  return info.handFillLines ?? handFillLinesOf(sourceOf(info));
}
