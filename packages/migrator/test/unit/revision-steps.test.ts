import { describe, expect, it } from 'vitest';
import type { RevisionInfo } from '../../src';
import { cutIntoSteps, stepsLeft } from '../../src/run/revision-steps';

const info = { id: '20260101000000_x', file: '/m/20260101000000_x.ts' } as RevisionInfo;
const STEPS = [
  { statements: 2, transaction: true },
  { statements: 1, transaction: false },
  { statements: 1, transaction: true },
];

describe('revision steps', () => {
  it('cuts the statements into the declared steps, numbered, with where each starts', () => {
    expect(cutIntoSteps(info, ['A;', 'B;', 'C;', 'D;'], STEPS)).toEqual([
      { number: 1, transaction: true, start: 0, statements: ['A;', 'B;'] },
      { number: 2, transaction: false, start: 2, statements: ['C;'] },
      { number: 3, transaction: true, start: 3, statements: ['D;'] },
    ]);
  });

  it('refuses steps that do not count the statements, or an empty step', () => {
    expect(() => cutIntoSteps(info, ['A;', 'B;', 'C;'], STEPS)).toThrow(
      /declares steps of 4 statements, but sends 3/,
    );
    expect(() =>
      cutIntoSteps(
        info,
        ['A;'],
        [
          { statements: 1, transaction: true },
          { statements: 0, transaction: false },
        ],
      ),
    ).toThrow(expect.objectContaining({ code: 'REVISION_INVALID' }));
  });

  it('leaves the steps not finished: all of them at 0, none once every statement is done', () => {
    const steps = cutIntoSteps(info, ['A;', 'B;', 'C;', 'D;'], STEPS);
    expect(stepsLeft(steps, 0).map((s) => s.number)).toEqual([1, 2, 3]);
    expect(stepsLeft(steps, 2).map((s) => s.number)).toEqual([2, 3]);
    expect(stepsLeft(steps, 3).map((s) => s.number)).toEqual([3]);
    expect(stepsLeft(steps, 4)).toEqual([]);
  });
});
