/** Builds throwaway migrations folders with real revision files, the way `dazzle db revision` writes them. */
import type { Lineage, RevisionInfo, RevisionSteps } from '@app/migrator';
import { makeTempDir } from '@app/testing';
import { writeRevision } from '../../src';

export interface RevisionSpec {
  message: string;
  up: string[];
  down?: string[];
  parents?: string[];
  dependsOn?: string[];
  transactional?: boolean;
  /** A stepped revision's header: how many statements each step runs, and whether in a transaction. */
  steps?: RevisionSteps;
}

let clock = Date.UTC(2026, 0, 1);

/** A strictly increasing clock so ids sort in creation order. */
export function nextTime(): Date {
  clock += 1000;
  return new Date(clock);
}

/** A temporary folder removed after the test file (see @app/testing's makeTempDir). */
export function tempDir(prefix = 'dazzle-mig-'): string {
  return makeTempDir(prefix);
}

/** Writes a linear chain (unless parents are given) and returns the revisions in order. */
export function writeChain(
  dir: string,
  lineage: Lineage,
  specs: RevisionSpec[],
  format: 'ts' | 'js' = 'ts',
): RevisionInfo[] {
  const written: RevisionInfo[] = [];
  for (const spec of specs) {
    const previous = written.at(-1);
    written.push(
      writeRevision({
        dir,
        lineage,
        message: spec.message,
        parents: spec.parents ?? (previous ? [previous.id] : []),
        dependsOn: spec.dependsOn,
        up: spec.up.map((sql) => ({ sql })),
        down: (spec.down ?? []).map((sql) => ({ sql })),
        transactional: spec.transactional,
        steps: spec.steps,
        format,
        now: nextTime(),
      }),
    );
  }
  return written;
}
