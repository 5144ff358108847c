/**
 * The one interface every virtual-entity store implements, so an in-process store can later be
 * replaced by a Redis-backed one without touching the server.
 */
import type { VirtualStoreName } from '../schema-hints';

export interface ListOptions {
  /** At most this many rows, newest first. */
  limit?: number;
}

export interface VirtualStore<Row> {
  readonly name: VirtualStoreName;
  list(options?: ListOptions): Promise<Row[]>;
}
