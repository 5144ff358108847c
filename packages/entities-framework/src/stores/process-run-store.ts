/** A registry of long-running processes (startup migrations, jobs): their steps and outcome. */
import { randomUUID } from 'node:crypto';
import type { ProcessRun } from '../virtual/virtual-entities';
import { BoundedBuffer } from './bounded-buffer';
import type { ListOptions, VirtualStore } from './virtual-store';

export interface ProcessRunHandle {
  readonly id: string;
  step(name: string): void;
  complete(): void;
  fail(error: unknown): void;
}

export class ProcessRunStore implements VirtualStore<ProcessRun> {
  readonly name = 'process-runs' as const;
  readonly #runs: BoundedBuffer<ProcessRun>;

  constructor(capacity = 500) {
    this.#runs = new BoundedBuffer(capacity);
  }

  start(processName: string): ProcessRunHandle {
    const run: ProcessRun = {
      id: randomUUID(),
      processName,
      status: 'running',
      startedAt: new Date(),
      completedAt: null,
      currentStep: null,
      error: null,
    };
    this.#runs.push(run);
    return {
      id: run.id,
      step: (name) => {
        run.currentStep = name;
      },
      complete: () => {
        run.status = 'completed';
        run.completedAt = new Date();
      },
      fail: (error) => {
        run.status = 'failed';
        run.completedAt = new Date();
        run.error = error instanceof Error ? error.message : String(error);
      },
    };
  }

  async list(options: ListOptions = {}): Promise<ProcessRun[]> {
    return this.#runs.newest(options.limit).map((run) => ({ ...run }));
  }
}
