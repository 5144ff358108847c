/** One set of stores per running app, created together so nothing is shared between tests. */
import { EventTraceStore } from './event-trace-store';
import { HealthStore } from './health-store';
import { LogStore } from './log-store';
import { MetricsStore } from './metrics-store';
import { ProcessRunStore } from './process-run-store';

export interface VirtualStores {
  health: HealthStore;
  metrics: MetricsStore;
  'process-runs': ProcessRunStore;
  logs: LogStore;
  'event-traces': EventTraceStore;
}

export function createVirtualStores(): VirtualStores {
  return {
    health: new HealthStore(),
    metrics: new MetricsStore(),
    'process-runs': new ProcessRunStore(),
    logs: new LogStore(),
    'event-traces': new EventTraceStore(),
  };
}
