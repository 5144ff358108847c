// The checks every tarball passes before it may be published: publint finds nothing wrong, the
// entry points and their types are inside, nothing source-only or test-only is shipped, and the
// framework package carries its revisions and manifest.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const FORBIDDEN = [
  /^package\/src\//,
  /^package\/test\//,
  /\.test\.[cm]?[jt]s$/,
  /^package\/tsconfig.*\.json$/,
  /^package\/vitest\.config/,
  /\.tsbuildinfo$/,
  /^package\/test-results\.json$/,
];

export function tarballFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
}

export async function checkTarball(tarball) {
  const problems = [];
  const files = tarballFiles(tarball);
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    strict: true,
    level: 'warning',
  });
  for (const message of messages)
    problems.push(`publint ${message.type}: ${formatMessage(message, pkg) ?? message.code}`);
  for (const required of [
    'package/package.json',
    'package/dist/index.js',
    'package/dist/index.d.ts',
    'package/README.md',
    'package/LICENSE',
    ...Object.values(pkg.bin ?? {}).map((bin) => `package/${bin.replace(/^\.\//, '')}`),
  ]) {
    if (!files.includes(required)) problems.push(`missing ${required.slice(8)}`);
  }
  for (const file of files)
    if (FORBIDDEN.some((pattern) => pattern.test(file)))
      problems.push(`ships a source-only or test file: ${file.slice(8)}`);
  if (pkg.name === '@app/entities-framework') {
    if (!files.includes('package/migrations/manifest.json'))
      problems.push('the framework revisions manifest is not inside');
    if (!files.some((f) => /^package\/migrations\/\d{14}_.*\.js$/.test(f)))
      problems.push('no framework revision file is inside');
  }
  if (JSON.stringify(pkg).includes('workspace:')) problems.push('a workspace: range survived packing');
  return { name: pkg.name, version: pkg.version, files, problems };
}
