/** The most recent log lines of this process, bounded in number. */
import type { LogEntry, LogLevel } from '../virtual/virtual-entities';
import { BoundedBuffer } from './bounded-buffer';
import type { ListOptions, VirtualStore } from './virtual-store';

export class LogStore implements VirtualStore<LogEntry> {
  readonly name = 'logs' as const;
  readonly #buffer: BoundedBuffer<LogEntry>;
  #sequence = 0;

  constructor(capacity = 1_000) {
    this.#buffer = new BoundedBuffer(capacity);
  }

  append(level: LogLevel, message: string, context: Record<string, unknown> | null = null): void {
    this.#sequence += 1;
    this.#buffer.push({ sequence: this.#sequence, level, message, context, loggedAt: new Date() });
  }

  async list(options: ListOptions = {}): Promise<LogEntry[]> {
    return this.#buffer.newest(options.limit);
  }
}
