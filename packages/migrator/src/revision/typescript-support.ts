/**
 * Applying revisions needs no compiler: production runs compiled JavaScript (`dazzle.config.js`,
 * `.js` revisions), and this package must not drag SWC into that install. During development the
 * CLI installs TypeScript support (from `@app/autogenerate`) once per process, before it loads a
 * TypeScript config; configs, entities and revisions written in TypeScript then load through it.
 * It is process-wide on purpose: Node's `require` hook it installs is process-wide too.
 */
import { MigratorError } from '../errors';

/** What loading TypeScript needs: a `require` hook and a compiler for verified revision text. */
export interface TypeScriptSupport {
  /** Installs the `require` hook for `.ts` files (idempotent). */
  register(): void;
  /** Compiles TypeScript text to CommonJS as the module at `file`. */
  compile(source: string, file: string): string;
  /** Where a 1-based position in a file it compiled came from in the author's TypeScript. */
  originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined;
}

let installed: TypeScriptSupport | undefined;

/**
 * Lets configs, entities and revisions written in TypeScript load in this process.
 *
 * @example
 * import { typeScriptSupport } from '@app/autogenerate/typescript';
 * installTypeScriptSupport(typeScriptSupport);
 */
export function installTypeScriptSupport(support: TypeScriptSupport): void {
  installed = support;
}

export function isTypeScriptFile(file: string): boolean {
  return /\.(ts|cts|mts|tsx)$/.test(file);
}

/**
 * The installed support, for a TypeScript file about to load.
 *
 * @throws MigratorError TYPESCRIPT_SUPPORT_MISSING when none is installed.
 */
export function typeScriptSupportFor(file: string): TypeScriptSupport {
  if (installed) return installed;
  throw new MigratorError(
    'TYPESCRIPT_SUPPORT_MISSING',
    `${file} is TypeScript, and this install cannot compile TypeScript: install the development tools (npm install --save-dev @app/autogenerate), or compile the app and use dazzle.config.js.`,
    { file },
  );
}

/** The author's position for a compiled file, when TypeScript support compiled it. */
export function originalPosition(
  file: string,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  return installed?.originalPosition(file, line, column);
}
