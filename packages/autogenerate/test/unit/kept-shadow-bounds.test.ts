import { describe, expect, it } from 'vitest';
import { KEEP_ON_SERVER, keptShadowsToEvict, MAX_ON_SERVER } from '../../src/shadow/kept-shadow-bounds';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const KEEP = 'dazzle_cache_aaaaaaaa_new';

/** Other projects' kept shadows, the i-th completed `age(i)` minutes ago. */
function others(count: number, age: (i: number) => number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `dazzle_cache_${String(i).padStart(8, '0')}_x`,
    completedAt: minutesAgo(age(i)),
  }));
}

describe('which kept shadows are evicted after one is built', () => {
  it("keeps one per project: the project's older ones go, whatever their age", () => {
    const complete = [
      { name: KEEP, completedAt: minutesAgo(0) },
      { name: 'dazzle_cache_aaaaaaaa_old', completedAt: minutesAgo(1) },
      { name: 'dazzle_cache_bbbbbbbb_other', completedAt: minutesAgo(1) },
    ];
    expect(keptShadowsToEvict(complete, KEEP, NOW)).toEqual(['dazzle_cache_aaaaaaaa_old']);
  });

  it("spares other projects' recent ones, and drops the hour-old ones beyond the newest few", () => {
    const complete = [{ name: KEEP, completedAt: minutesAgo(0) }, ...others(8, (i) => (i < 6 ? 10 : 61 + i))];
    const evicted = keptShadowsToEvict(complete, KEEP, NOW);
    expect(evicted).toEqual(complete.slice(7).map((k) => k.name));
    expect(KEEP_ON_SERVER).toBe(4);
  });

  it('never leaves more than the server bound, recent or not, dropping the oldest', () => {
    const complete = [{ name: KEEP, completedAt: minutesAgo(0) }, ...others(20, (i) => 1 + i)];
    const evicted = keptShadowsToEvict(complete, KEEP, NOW);
    expect(complete.length - evicted.length).toBe(MAX_ON_SERVER);
    expect(evicted).toEqual(complete.slice(MAX_ON_SERVER).map((k) => k.name));
    expect(evicted).not.toContain(KEEP);
  });
});
