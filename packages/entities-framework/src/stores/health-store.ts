/** Live health checks: every `list()` runs each registered probe and times it. */
import type { HealthStatus, SystemHealth } from '../virtual/virtual-entities';
import type { ListOptions, VirtualStore } from './virtual-store';

export interface ProbeResult {
  status: HealthStatus;
  message?: string;
}
export type HealthProbe = () => Promise<ProbeResult>;

export class HealthStore implements VirtualStore<SystemHealth> {
  readonly name = 'health' as const;
  readonly #probes = new Map<string, HealthProbe>();

  register(component: string, probe: HealthProbe): void {
    this.#probes.set(component, probe);
  }

  async list(options: ListOptions = {}): Promise<SystemHealth[]> {
    const entries = [...this.#probes].slice(0, options.limit ?? this.#probes.size);
    return Promise.all(entries.map(([component, probe]) => runProbe(component, probe)));
  }
}

async function runProbe(component: string, probe: HealthProbe): Promise<SystemHealth> {
  const started = performance.now();
  let result: ProbeResult;
  try {
    result = await probe();
  } catch (error) {
    result = { status: 'unhealthy', message: error instanceof Error ? error.message : String(error) };
  }
  return {
    component,
    status: result.status,
    message: result.message ?? null,
    latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    checkedAt: new Date(),
  };
}
