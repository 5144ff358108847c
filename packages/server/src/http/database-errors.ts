/** Maps PostgreSQL errors on writes to HTTP answers; anything unexpected stays a 500. */
import type { FastifyReply } from 'fastify';

const STATUS_BY_CODE: Record<string, [number, string]> = {
  '23505': [409, 'a row with this value already exists'],
  '23503': [409, 'the row refers to a row that does not exist, or is referred to by another row'],
  '23502': [400, 'a required field is missing'],
  '23514': [400, 'a value breaks a check constraint'],
  '22P02': [400, 'a value has the wrong format'],
  '22001': [400, 'a value is too long'],
  '22003': [400, 'a number is out of range'],
  '22007': [400, 'a date or time has the wrong format'],
};

export function sendDatabaseError(reply: FastifyReply, error: unknown): FastifyReply | undefined {
  const driver = (error as { driverError?: { code?: string; detail?: string; column?: string } }).driverError;
  const mapped = driver?.code ? STATUS_BY_CODE[driver.code] : undefined;
  if (!mapped) return undefined;
  return reply
    .code(mapped[0])
    .send({ error: mapped[1], detail: driver?.detail ?? null, field: driver?.column ?? null });
}
