/**
 * Adjusts a DataSource's built entity metadata so TypeORM's schema generator converges: after the
 * statements it generates are applied, a second run must find nothing to do. TypeORM 1.1 misses
 * that for three shapes, each fixed here on the DataSource's own metadata (nothing global):
 *
 * - a string default containing a quote is emitted unescaped (`DEFAULT 'it's'`): escape it;
 * - a default written as a cast literal (`'{}'::jsonb`) is read back without the cast and
 *   re-diffed forever: keep the literal, PostgreSQL adds the cast itself;
 * - a numeric default is read back with the column's scale (1.5 → 1.50) and re-diffed: write it so;
 * - a `gen_random_uuid()` default on a uuid column is read back as a generated uuid column and
 *   re-diffed forever: declare it as the generated column it is.
 */
import type { DataSource } from 'typeorm';

const CAST_LITERAL = /^('(?:[^']|'')*')::[a-z_ ]+(\[\])?$/i;
const UUID_FUNCTION = /^(gen_random_uuid|uuid_generate_v4)\(\)$/;

export function preparePostgresMetadata(dataSource: DataSource): void {
  for (const entity of dataSource.entityMetadatas) {
    for (const column of entity.columns) {
      const value: unknown = column.default;
      if (
        typeof value === 'number' &&
        (column.type === 'numeric' || column.type === 'decimal') &&
        column.scale
      ) {
        // PostgreSQL stores 1.5 in numeric(6,2) as 1.50 and reports it so; say it the same way.
        const literal = value.toFixed(column.scale);
        column.default = () => literal;
      } else if (typeof value === 'string' && value.includes("'")) {
        column.default = value.replace(/'/g, "''");
      } else if (typeof value === 'function') {
        const expression = String((value as () => unknown)()).trim();
        const cast = CAST_LITERAL.exec(expression);
        if (cast) {
          const literal = cast[1]!;
          column.default = () => literal;
        } else if (column.type === 'uuid' && UUID_FUNCTION.test(expression)) {
          column.isGenerated = true;
          column.generationStrategy = 'uuid';
          column.default = undefined;
        }
      }
    }
  }
}
