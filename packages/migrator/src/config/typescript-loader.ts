/**
 * Lets `require()` load TypeScript (configs, entities, revisions) without a build step, compiled
 * by SWC with decorator metadata, so `@Column() name: string` gets its type as under `tsc`.
 * esbuild-based loaders (tsx) cannot do this: they do not emit decorator metadata.
 */
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';
import type * as Swc from '@swc/core';
import type * as Pirates from 'pirates';

const EXTENSIONS = ['.ts', '.tsx', '.cts', '.mts'];
let registered = false;

type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

// Loaded on first use: most commands on a JavaScript app never compile TypeScript, and the native
// SWC binding is a noticeable part of a cold start.
let swc: typeof Swc | undefined;

export function compileTypeScript(source: string, filename: string): string {
  swc ??= require('@swc/core') as typeof Swc;
  return swc.transformSync(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, tsx: filename.endsWith('.tsx') },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  }).code;
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
