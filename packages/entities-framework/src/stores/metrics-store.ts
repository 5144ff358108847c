/**
 * Counters and gauges aggregated into fixed time buckets, kept in a bounded buffer.
 * A sample adds to the bucket of its metric, tags and minute; the oldest buckets fall off.
 */
import type { SystemMetric } from '../virtual/virtual-entities';
import type { ListOptions, VirtualStore } from './virtual-store';

const RESOLUTION_MS = 60_000;

export class MetricsStore implements VirtualStore<SystemMetric> {
  readonly name = 'metrics' as const;
  readonly #buckets = new Map<string, SystemMetric>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Adds `value` to the current bucket of `name` with these tags. */
  record(
    name: string,
    value: number,
    unit = 'count',
    tags: Record<string, string> = {},
    at = new Date(),
  ): void {
    const bucketStart = new Date(Math.floor(at.getTime() / RESOLUTION_MS) * RESOLUTION_MS);
    const key = `${name}|${JSON.stringify(tags, Object.keys(tags).sort())}|${bucketStart.getTime()}`;
    const bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.value += value;
      return;
    }
    this.#buckets.set(key, { name, value, unit, tags, bucketStart, resolution: '1m' });
    if (this.#buckets.size > this.#capacity) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }

  async list(options: ListOptions = {}): Promise<SystemMetric[]> {
    const all = [...this.#buckets.values()].reverse();
    return all.slice(0, options.limit ?? all.length).map((m) => ({ ...m, tags: { ...m.tags } }));
  }
}
