/** Recent timed spans (a request, a migration step), bounded in number. */
import { randomUUID } from 'node:crypto';
import type { EventTrace } from '../virtual/virtual-entities';
import { BoundedBuffer } from './bounded-buffer';
import type { ListOptions, VirtualStore } from './virtual-store';

export class EventTraceStore implements VirtualStore<EventTrace> {
  readonly name = 'event-traces' as const;
  readonly #spans: BoundedBuffer<EventTrace>;

  constructor(capacity = 1_000) {
    this.#spans = new BoundedBuffer(capacity);
  }

  /** Records a finished span; `traceId` groups spans of one request or run. */
  record(
    name: string,
    startedAt: Date,
    durationMs: number,
    attributes: Record<string, unknown> | null = null,
    traceId = randomUUID(),
  ): void {
    this.#spans.push({ spanId: randomUUID(), traceId, name, startedAt, durationMs, attributes });
  }

  async list(options: ListOptions = {}): Promise<EventTrace[]> {
    return this.#spans.newest(options.limit);
  }
}
