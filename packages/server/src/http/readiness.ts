/**
 * Whether this instance should get traffic: not before it has migrated and listens, not while it
 * drains on shutdown (so a load balancer stops sending before connections close), and not while
 * its database does not answer. `/readyz` asks this on every probe; liveness (`/healthz`) does not.
 */
export type ReadinessState = 'starting' | 'ready' | 'draining';

export interface ReadinessAnswer {
  ready: boolean;
  status: ReadinessState | 'database-unreachable';
}

export class Readiness {
  #state: ReadinessState = 'starting';
  readonly #probe: () => Promise<unknown>;
  readonly #timeoutMs: number;

  constructor(probeDatabase: () => Promise<unknown>, timeoutMs = 2_000) {
    this.#probe = probeDatabase;
    this.#timeoutMs = timeoutMs;
  }

  get state(): ReadinessState {
    return this.#state;
  }

  markReady(): void {
    if (this.#state === 'starting') this.#state = 'ready';
  }

  markDraining(): void {
    this.#state = 'draining';
  }

  async check(): Promise<ReadinessAnswer> {
    if (this.#state !== 'ready') return { ready: false, status: this.#state };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), this.#timeoutMs);
    });
    try {
      await Promise.race([this.#probe(), timeout]);
      return { ready: true, status: 'ready' };
    } catch {
      return { ready: false, status: 'database-unreachable' };
    } finally {
      clearTimeout(timer);
    }
  }
}
