/**
 * Turns a PostgreSQL error into the API's words: which entity and which fields, never the
 * database's table, column or constraint names, and never its DETAIL line (which echoes values).
 * Anything not listed here stays a 500.
 */
import type { EntityMetadata } from 'typeorm';
import { HttpProblem } from './problem';

interface DriverError {
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  message?: string;
}

/** Invalid values the schemas let through (text PostgreSQL refuses): a 400, naming the field if known. */
const INVALID_VALUE: Record<string, string> = {
  '22P02': 'has the wrong format',
  '22001': 'is too long',
  '22003': 'is out of range',
  '22007': 'is not a valid date or time',
  '22008': 'is not a date PostgreSQL can store',
  '22021': 'contains a byte sequence that is not valid text',
  '22P05': 'contains a character that cannot be stored',
  '23514': 'breaks a rule of the entity',
};

function driverErrorOf(error: unknown): DriverError | undefined {
  const driver = (error as { driverError?: unknown } | null)?.driverError;
  return driver && typeof driver === 'object' ? (driver as DriverError) : undefined;
}

function uniqueFields(entity: EntityMetadata, constraint: string | undefined): string[] {
  if (constraint?.startsWith('PK_')) return entity.primaryColumns.map((c) => c.propertyName);
  const unique =
    entity.uniques.find((u) => u.name === constraint) ??
    entity.indices.find((i) => i.isUnique && i.name === constraint);
  return unique?.columns.map((c) => c.propertyName) ?? [];
}

function referenceProblem(entities: EntityMetadata[], driver: DriverError): HttpProblem {
  for (const entity of entities) {
    const key = entity.foreignKeys.find((fk) => fk.name === driver.constraint);
    if (!key) continue;
    const field = key.columns[0]?.propertyName ?? '';
    const target = key.referencedEntityMetadata.name;
    if (driver.message?.startsWith('update or delete'))
      return new HttpProblem(
        409,
        'REFERENCE_CONFLICT',
        `this ${target} is still referred to by a ${entity.name} (its ${field}); change or delete that ${entity.name} first`,
      );
    return new HttpProblem(
      409,
      'REFERENCE_CONFLICT',
      `${field} refers to a ${target} that does not exist`,
      field,
    );
  }
  return new HttpProblem(409, 'REFERENCE_CONFLICT', 'a reference to another row does not hold');
}

/**
 * The problem a database error means, or undefined when it is not the client's doing.
 *
 * @example
 * databaseProblem(error, dataSource.entityMetadatas) // HttpProblem(409, 'UNIQUE_CONFLICT', 'a Maker with this name already exists')
 */
export function databaseProblem(error: unknown, entities: EntityMetadata[]): HttpProblem | undefined {
  const driver = driverErrorOf(error);
  if (!driver?.code) return undefined;
  const entity = entities.find((e) => e.tableName === driver.table);
  const field = entity?.columns.find((c) => c.databaseName === driver.column)?.propertyName;
  if (driver.code === '23505') {
    const fields = entity ? uniqueFields(entity, driver.constraint) : [];
    const what = fields.length > 0 ? ` with this ${fields.join(' and ')}` : ' with these values';
    return new HttpProblem(
      409,
      'UNIQUE_CONFLICT',
      `a ${entity?.name ?? 'row'}${what} already exists`,
      fields[0],
    );
  }
  // 23001: a RESTRICT foreign key refused the delete, which PostgreSQL words like a 23503.
  if (driver.code === '23503' || driver.code === '23001') return referenceProblem(entities, driver);
  if (driver.code === '23502')
    return new HttpProblem(
      400,
      'VALIDATION_FAILED',
      `${field ?? 'a required field'} must not be null`,
      field,
    );
  const reason = INVALID_VALUE[driver.code];
  if (reason) return new HttpProblem(400, 'VALIDATION_FAILED', `${field ?? 'a value'} ${reason}`, field);
  return undefined;
}
