import { describe, expect, it } from 'vitest';
import { BoundedBuffer, createVirtualStores } from '../src';

describe('virtual stores', () => {
  it('runs health probes live and reports failures as unhealthy', async () => {
    const { health } = createVirtualStores();
    let calls = 0;
    health.register('db', async () => {
      calls += 1;
      return { status: 'healthy' };
    });
    health.register('cache', async () => {
      throw new Error('connection refused');
    });
    const first = await health.list();
    await health.list();
    expect(calls).toBe(2);
    expect(first.find((h) => h.component === 'cache')).toMatchObject({
      status: 'unhealthy',
      message: 'connection refused',
    });
    expect(first.find((h) => h.component === 'db')?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('aggregates metric samples per minute bucket and tag set', async () => {
    const { metrics } = createVirtualStores();
    const at = new Date('2026-01-01T10:00:10Z');
    metrics.record('http.requests', 1, 'count', { route: '/a' }, at);
    metrics.record('http.requests', 1, 'count', { route: '/a' }, new Date('2026-01-01T10:00:50Z'));
    metrics.record('http.requests', 1, 'count', { route: '/b' }, at);
    const rows = await metrics.list();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.tags.route === '/a')?.value).toBe(2);
  });

  it('keeps only the newest entries of a bounded buffer', () => {
    const buffer = new BoundedBuffer<number>(3);
    for (let i = 1; i <= 5; i += 1) buffer.push(i);
    expect(buffer.newest()).toEqual([5, 4, 3]);
    expect(() => new BoundedBuffer(0)).toThrow(RangeError);
  });

  it('tracks a process run through its steps to its outcome', async () => {
    const stores = createVirtualStores();
    const run = stores['process-runs'].start('startup-migrations');
    run.step('20260101_baseline');
    run.fail(new Error('boom'));
    const [row] = await stores['process-runs'].list();
    expect(row).toMatchObject({
      processName: 'startup-migrations',
      status: 'failed',
      currentStep: '20260101_baseline',
      error: 'boom',
    });
    expect(row?.completedAt).toBeInstanceOf(Date);
  });

  it('keeps recent logs newest first', async () => {
    const { logs } = createVirtualStores();
    logs.append('info', 'one');
    logs.append('warn', 'two', { x: 1 });
    expect((await logs.list({ limit: 1 }))[0]).toMatchObject({ level: 'warn', message: 'two', sequence: 2 });
  });
});
