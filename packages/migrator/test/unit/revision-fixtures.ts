/**
 * Revision graphs built in memory for the unit tests: manifest data only, no files, no database.
 * The ids' timestamps deliberately disagree with the dependency order (the app's revisions are
 * dated before the framework revisions they depend on), so a plain id sort gives a wrong order.
 */
import { MigratorError } from '../../src/errors';
import type { Lineage, RevisionInfo } from '../../src/revision/revision';

export function revision(
  id: string,
  lineage: Lineage,
  parents: string[] = [],
  dependsOn: string[] = [],
): RevisionInfo {
  return {
    id,
    lineage,
    parents,
    dependsOn,
    message: id.slice(15).replace(/_/g, ' '),
    transactional: true,
    checksum: `sha256:${id}`,
    file: `/project/migrations/${lineage}/${id}.ts`,
  };
}

export const F1 = '20250301000000_fw_init';
export const F2 = '20250302000000_fw_jobs';
export const A1 = '20240101000000_app_init';
export const A2 = '20240102000000_app_invoices';
export const A3 = '20240103000000_app_lines';

/** framework: F1 ← F2; app: A1 ← A2 ← A3; A1 needs F1, A2 needs F2. */
export function twoLineages(): RevisionInfo[] {
  return [
    revision(A3, 'app', [A2]),
    revision(F2, 'framework', [F1]),
    revision(A1, 'app', [], [F1]),
    revision(F1, 'framework'),
    revision(A2, 'app', [A1], [F2]),
  ];
}

/** The MigratorError `run` throws; fails the test when it throws nothing or something else. */
export function migratorErrorOf(run: () => unknown): MigratorError {
  try {
    run();
  } catch (error) {
    if (error instanceof MigratorError) return error;
    throw error;
  }
  throw new Error('expected a MigratorError, but nothing was thrown');
}
