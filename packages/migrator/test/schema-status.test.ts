import { describe, expect, it } from 'vitest';
import {
  assertMigratable,
  assessSchema,
  type LedgerRow,
  MigratorError,
  RevisionGraph,
  type RevisionInfo,
  schemaStatusError,
} from '../src';

function revision(id: string, parents: string[] = [], lineage: 'app' | 'framework' = 'app'): RevisionInfo {
  return {
    id,
    lineage,
    parents,
    dependsOn: [],
    message: id,
    transactional: true,
    checksum: `sum-${id}`,
    file: `/app/migrations/${id}.ts`,
  };
}

function row(info: Pick<RevisionInfo, 'id' | 'lineage' | 'parents'>, checksum = `sum-${info.id}`): LedgerRow {
  return {
    id: info.id,
    lineage: info.lineage,
    parents: [...info.parents],
    dependsOn: [],
    message: info.id,
    checksum,
    appliedAt: new Date(0),
    executionMs: 0,
    appliedBy: 'test',
    method: 'run',
  };
}

const one = revision('001_one');
const two = revision('002_two', ['001_one']);
const chain = new RevisionGraph([one, two]);

describe('assessSchema: the one answer to "is the database in step with the code?"', () => {
  it('is in step when every revision is applied with its checksum', () => {
    const status = assessSchema(chain, [row(one), row(two)]);
    expect(status).toMatchObject({ state: 'in-step', code: undefined, current: { app: ['002_two'] } });
    expect(schemaStatusError(status)).toBeUndefined();
  });

  it('is pending when revisions are not applied, and advises the upgrade that applies them', () => {
    const status = assessSchema(chain, [row(one)]);
    expect(status.state).toBe('pending');
    expect(status.code).toBe('NOT_AT_HEADS');
    expect(status.pending.map((r) => r.id)).toEqual(['002_two']);
    expect(status.message).toMatch(/pending: 002_two\): run `dazzle db upgrade`/);
    expect(() => assertMigratable(status)).not.toThrow();
  });

  it('is ahead when the ledger holds a revision no folder contains, even with pending ones', () => {
    const future = row({ id: '999_future', lineage: 'app', parents: ['002_two'] });
    const status = assessSchema(chain, [row(one), future]);
    expect(status.state).toBe('ahead');
    expect(status.code).toBe('DATABASE_AHEAD');
    expect(status.unknown.map((r) => r.id)).toEqual(['999_future']);
    expect(() => assertMigratable(status)).toThrow(/999_future \(app\)/);
  });

  it('is checksum-changed when an applied file changed, and advises the flag that accepts it', () => {
    const status = assessSchema(chain, [row(one, 'old'), row(two, 'old2')]);
    expect(status.state).toBe('checksum-changed');
    expect(status.code).toBe('CHECKSUM_MISMATCH');
    expect(status.message).toContain(
      '`dazzle db upgrade --accept-checksum 001_one --accept-checksum 002_two`',
    );
    expect(schemaStatusError(status)).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('lets accepted checksums through to the next state, still listing them', () => {
    const status = assessSchema(chain, [row(one, 'old')], { acceptChecksums: ['001_one'] });
    expect(status.state).toBe('pending');
    expect(status.checksumMismatches.map((m) => m.id)).toEqual(['001_one']);
    expect(assessSchema(chain, [row(one, 'old')], { acceptChecksums: 'all' }).state).toBe('pending');
  });

  it('is multiple-heads when a lineage branched, even if the database has both branches', () => {
    const left = revision('002_left', ['001_one']);
    const right = revision('003_right', ['001_one']);
    const branched = new RevisionGraph([one, left, right]);
    const status = assessSchema(branched, [row(one), row(left), row(right)]);
    expect(status.state).toBe('multiple-heads');
    expect(status.code).toBe('MULTIPLE_HEADS');
    expect(status.multipleHeads).toEqual([{ lineage: 'app', heads: ['002_left', '003_right'] }]);
    expect(status.message).toMatch(/dazzle db merge -m "merge heads"/);
    expect(() => assertMigratable(status)).not.toThrow(); // an explicit target may still upgrade
  });

  it('reports a folder that disagrees with its manifest by that error, with the ledger heads', () => {
    const error = new MigratorError('MANIFEST_MISMATCH', 'manifest.json disagrees with the folder');
    const status = assessSchema(error, [row(one)]);
    expect(status).toMatchObject({
      state: 'manifest-mismatch',
      code: 'MANIFEST_MISMATCH',
      message: 'manifest.json disagrees with the folder',
      current: { app: ['001_one'], framework: [] },
    });
    expect(() => assertMigratable(status)).toThrow('manifest.json disagrees');
  });

  it('orders problems by what must be fixed first: ahead before a changed checksum before two heads', () => {
    const left = revision('002_left', ['001_one']);
    const right = revision('003_right', ['001_one']);
    const branched = new RevisionGraph([one, left, right]);
    const future = row({ id: '999_future', lineage: 'app', parents: [] });
    expect(assessSchema(branched, [row(one, 'old'), future]).state).toBe('ahead');
    expect(assessSchema(branched, [row(one, 'old')]).state).toBe('checksum-changed');
    expect(assessSchema(branched, [row(one)]).state).toBe('multiple-heads');
  });
});
