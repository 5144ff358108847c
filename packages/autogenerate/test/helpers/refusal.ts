/** The error a promise is expected to reject with; a fulfilled promise fails the test. */
import type { MigratorError } from '@app/migrator';

export async function refusal(promise: Promise<unknown>): Promise<MigratorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as MigratorError,
  );
  if (!error) throw new Error('expected a refusal');
  return error;
}
