import { CLI_ERROR_CODES } from '@app/cli';
import { METADATA_ERROR_CODES } from '@app/metadata-builder';
import { MIGRATOR_ERROR_CODES } from '@app/migrator';
import { SERVER_ERROR_CODES } from '@app/server';
import { describe, expect, it } from 'vitest';
import { readErrorCatalog } from './harness/error-catalog';

const RAISED = new Set<string>([
  ...MIGRATOR_ERROR_CODES,
  ...METADATA_ERROR_CODES,
  ...SERVER_ERROR_CODES,
  ...CLI_ERROR_CODES,
]);

function disagreements(documented: ReadonlySet<string>, raised: ReadonlySet<string>) {
  return {
    undocumented: [...raised].filter((code) => !documented.has(code)).sort(),
    unknown: [...documented].filter((code) => !raised.has(code)).sort(),
  };
}

describe('the error catalog', () => {
  it('documents exactly the codes the packages raise', () => {
    expect(disagreements(readErrorCatalog().documented, RAISED)).toEqual({ undocumented: [], unknown: [] });
  });

  it('notices a code missing from the docs and a documented code nothing raises', () => {
    const doc =
      '## Running\n| Code | What |\n|---|---|\n| `MIGRATION_FAILED` | x |\n| `NO_SUCH_CODE` | y |\n';
    const { undocumented, unknown } = disagreements(readErrorCatalog(doc).documented, RAISED);
    expect(undocumented).toContain('CHECKSUM_MISMATCH');
    expect(unknown).toEqual(['NO_SUCH_CODE']);
  });

  it('reads "Internal errors" rows as codes no user path produces on purpose', () => {
    const doc = '## Internal errors\n| `REVISION_RENDER_MISMATCH` | a dazzle bug |\n';
    expect([...readErrorCatalog(doc).internal]).toEqual(['REVISION_RENDER_MISMATCH']);
  });
});
