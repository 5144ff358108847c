// Reads every import of a package's source the way the TypeScript compiler does (static, `import type`,
// `export … from`, `import x = require`, `require()`, dynamic `import()`, any line layout) and resolves
// each through the package's own build tsconfig, so the layering rule judges the file an import really
// reaches, not what a regex guessed from one line.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

/** A workspace package as the layering rule sees it. */
export interface LayeredPackage {
  name: string;
  /** The package's folder (holds package.json and tsconfig.build.json). */
  folder: string;
  /** The file its main public door resolves to for TypeScript (the `types` entry). */
  publicDoor: string;
  /**
   * Every door the package declares: the main one and each `exports` subpath's `types` (such as
   * `@app/migrator/inspect`, the door that loads no TypeORM). Anything else is an internal.
   */
  doors: string[];
}

/** One import found in a source file, with where the compiler resolved it. */
export interface ModuleImport {
  file: string;
  line: number;
  specifier: string;
  /** The real path of the file the import resolves to; undefined when it does not resolve. */
  resolvedFile: string | undefined;
}

/** A broken layering rule, worded for a test failure. */
export interface LayeringViolation {
  file: string;
  line: number;
  specifier: string;
  reason: string;
}

/** Loads a package's name, folder and public door from its package.json. */
export function readPackage(folder: string): LayeredPackage {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    name: string;
    types: string;
    exports?: Record<string, string | { types?: string }>;
  };
  const root = realpathSync(folder);
  const declared = Object.values(manifest.exports ?? {}).flatMap((entry) =>
    typeof entry === 'object' && entry.types ? [join(root, entry.types)] : [],
  );
  const publicDoor = join(root, manifest.types);
  return { name: manifest.name, folder: root, publicDoor, doors: [...new Set([publicDoor, ...declared])] };
}

/** Every `.ts` file under a folder. */
export function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function compilerOptionsOf(folder: string): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(folder, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`${folder}/tsconfig.build.json could not be read`);
  return parsed.options;
}

/**
 * The imports of `files`, resolved as if each file sat at the same place under `pkg.folder/src`
 * (`sourceRoot` is the folder the files are relative to: the package's `src`, or a fixture folder
 * that stands in for it).
 */
export function importsOf(pkg: LayeredPackage, files: string[], sourceRoot: string): ModuleImport[] {
  const options = compilerOptionsOf(pkg.folder);
  return files.flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    const containingFile = join(pkg.folder, 'src', relative(sourceRoot, file));
    return ts.preProcessFile(source, true, true).importedFiles.map((imported) => {
      const resolved = ts.resolveModuleName(
        imported.fileName,
        containingFile,
        options,
        ts.sys,
      ).resolvedModule;
      return {
        file,
        line: source.slice(0, imported.pos).split('\n').length,
        specifier: imported.fileName,
        resolvedFile: resolved ? realpathSync(resolved.resolvedFileName) : undefined,
      };
    });
  });
}

function ownerOf(path: string, packages: LayeredPackage[]): LayeredPackage | undefined {
  return packages.find((pkg) => path.startsWith(pkg.folder + sep));
}

/**
 * Judges imports against the rule: an import that reaches another workspace package must be one it
 * is allowed to use, and must go through that package's public door; an `@app/*` import that does not
 * resolve is a deep import or a missing dependency.
 */
export function layeringViolations(
  pkg: LayeredPackage,
  imports: ModuleImport[],
  allowed: string[],
  packages: LayeredPackage[],
): LayeringViolation[] {
  return imports.flatMap(({ file, line, specifier, resolvedFile }): LayeringViolation[] => {
    const at = { file, line, specifier };
    if (resolvedFile === undefined) {
      return specifier.startsWith('@app/')
        ? [{ ...at, reason: `does not resolve from ${pkg.name}: a deep import or an undeclared dependency` }]
        : [];
    }
    const target = ownerOf(resolvedFile, packages);
    if (!target || target.name === pkg.name) return [];
    if (!allowed.includes(target.name)) {
      return [{ ...at, reason: `reaches ${target.name}, which ${pkg.name} may not use` }];
    }
    if (!target.doors.includes(resolvedFile)) {
      return [
        {
          ...at,
          reason: `reaches ${relative(dirname(target.folder), resolvedFile)}, not ${target.name}'s public door`,
        },
      ];
    }
    return [];
  });
}
