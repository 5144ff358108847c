/**
 * Lets `require()` load TypeScript (configs, entities, revisions) without a build step, compiled
 * by SWC with decorator metadata, so `@Column() name: string` gets its type as under `tsc`.
 * esbuild-based loaders (tsx) cannot do this: they do not emit decorator metadata.
 *
 * Entities that import each other (a OneToMany in one file, its ManyToOne in the other) must load
 * in either order, as they do under `tsc`. SWC's own options cannot give that: its CommonJS exports
 * are getters over `let` bindings, which throw while a cycle is half loaded, whatever the module or
 * interop setting (noInterop, importInterop, lazy, strict, loose, umd: all tried); only target es5
 * turns the `let` into `var`, at the price of downlevelling every class the author writes; and
 * `decoratorVersion: '2022-03'` drops the legacy decorators and metadata TypeORM reads. TypeScript's own `transpileModule` emits exactly what `tsc` does, but costs about
 * 350 ms to load and 7–9 ms a file against SWC's 35 ms and 0.4 ms (13 entity and revision files
 * of the example app, Node 20): seconds on a 200-entity app, on every command. So SWC stays, and
 * one rewrite of its metadata reads (design-type-guard.ts) gives `tsc`'s answer for a class that
 * is not initialised yet: `Object`.
 *
 * When the author's code throws, the stack points at compiled lines. Node's own source-map support
 * (`process.setSourceMapsEnabled`) would fix that, but it also reads the ~1,000 source maps TypeORM
 * ships on every start (+200–400 ms). Instead each compiled file's map is kept and only read when
 * an error is reported (user-stack.ts); the inline map stays for debuggers and `--enable-source-maps`.
 */
import { existsSync } from 'node:fs';
import Module, { SourceMap } from 'node:module';
import { resolve } from 'node:path';
import { describeCompileError } from '@app/migrator/inspect';
import type * as Swc from '@swc/core';
import type * as Pirates from 'pirates';
import { guardDesignTypes } from './design-type-guard';

const EXTENSIONS = ['.ts', '.tsx', '.cts', '.mts'];
let registered = false;

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

// Loaded on first use: most commands on a JavaScript app never compile TypeScript, and the native
// SWC binding is a noticeable part of a cold start.
let swc: typeof Swc | undefined;

// The source map of every file compiled in this process, by file name; parsed only when needed.
const sourceMaps = new Map<string, string | SourceMap>();

/**
 * TypeScript to CommonJS with legacy decorators and cycle-safe decorator metadata, with an inline
 * source map. A syntax error is thrown as one `SyntaxError` line naming file:line.
 *
 * @example
 * const js = compileTypeScript(readFileSync(file, 'utf8'), file);
 */
export function compileTypeScript(source: string, filename: string): string {
  swc ??= require('@swc/core') as typeof Swc;
  let output: Swc.Output;
  try {
    output = swc.transformSync(source, {
      filename,
      sourceMaps: true,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true, tsx: filename.endsWith('.tsx') },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
    });
  } catch (error) {
    throw syntaxErrorOf(error);
  }
  const map = output.map ?? '';
  sourceMaps.set(filename, map);
  const inline = Buffer.from(map).toString('base64');
  return `${guardDesignTypes(output.code)}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${inline}\n`;
}

/** SWC reports a syntax error as a framed snippet; the author needs what and where, in one line. */
function syntaxErrorOf(error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  const location = describeCompileError(text);
  if (!location) return error instanceof Error ? error : new Error(text);
  return new SyntaxError(`${location.file}:${location.line}:${location.column}: ${location.message}`, {
    cause: error,
  });
}

/**
 * Where a position in a file this process compiled came from in the TypeScript the author wrote
 * (1-based line and column, as in stack traces); undefined for files it did not compile.
 */
export function originalPosition(
  file: string,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  let map = sourceMaps.get(file);
  if (map === undefined) return undefined;
  if (typeof map === 'string') {
    map = new SourceMap(JSON.parse(map) as ConstructorParameters<typeof SourceMap>[0]);
    sourceMaps.set(file, map);
  }
  const entry = map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/** Idempotent: the hook is installed once per process. */
export function registerTypeScriptLoader(): void {
  if (registered) return;
  registered = true;
  const { addHook } = require('pirates') as typeof Pirates;
  addHook((code: string, filename: string) => compileTypeScript(code, filename), {
    exts: EXTENSIONS,
    ignoreNodeModules: true,
  });

  // Sources written for NodeNext import './invoice.js' while only invoice.ts exists: map it.
  const moduleWithResolve = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function resolveTypeScript(request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (error) {
      if (request.startsWith('.') && request.endsWith('.js')) {
        const parentFile = (parent as { filename?: string } | undefined)?.filename;
        const candidate = request.slice(0, -3);
        for (const ext of ['.ts', '.tsx']) {
          if (parentFile && existsSync(resolve(parentFile, '..', candidate + ext))) {
            return original.call(this, candidate + ext, parent, ...rest);
          }
        }
      }
      throw error;
    }
  };
}
