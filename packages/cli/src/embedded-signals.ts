/**
 * A command interrupted by Ctrl-C or SIGTERM while it holds the embedded PostgreSQL gives up its
 * lease before exiting (stopping the server when no other dazzle command uses it), so the server
 * does not run on after it. `dazzle serve` handles these signals itself (finish in-flight requests
 * first); while another handler is registered, this one stands aside.
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Installs the handlers; returns a function that removes them.
 *
 * @example
 * const uninstall = releaseOnSignal(() => database.release(), (line) => reporter.note(line));
 */
export function releaseOnSignal(release: () => Promise<void>, note: (line: string) => void): () => void {
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      if (process.listenerCount(signal) > 1) return;
      note(`${signal}: stopping; giving up the embedded PostgreSQL…`);
      const exit = () => process.exit(128 + constants.signals[signal]);
      void release().then(exit, exit);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
