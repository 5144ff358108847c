/**
 * How one entity's rows cross the API boundary: which body fields are foreign keys (written as the
 * referenced id, saved as `{ id }`) and which columns a response carries. Worked out once per entity
 * when its routes are registered, because walking the column metadata on every request is a cost
 * the hot list and create paths should not pay.
 */
import type { EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/** A foreign-key column the entity owns (many-to-one, owning one-to-one): written as the referenced id. */
export function isForeignKey(column: ColumnMetadata): boolean {
  return Boolean(column.relationMetadata?.isOwning && column.referencedColumn);
}

interface ResponseField {
  property: string;
  /** For a foreign key: the referenced column's property, read out of a `{ id }` relation object. */
  reference: string | undefined;
}

export class RowShape {
  readonly #fields: readonly ResponseField[];
  readonly #foreignKeys: ReadonlyArray<{ property: string; reference: string }>;

  constructor(entity: EntityMetadata) {
    this.#fields = entity.columns
      .filter((c) => c.isSelect)
      .map((c) => ({
        property: c.propertyName,
        reference: isForeignKey(c) ? c.referencedColumn!.propertyName : undefined,
      }));
    this.#foreignKeys = entity.columns
      .filter(isForeignKey)
      .map((c) => ({ property: c.propertyName, reference: c.referencedColumn!.propertyName }));
  }

  /** Turns `{ tenant: "<id>" }` in a request body (or a filter) into the `{ tenant: { id } }` TypeORM takes. */
  toInput(body: Record<string, unknown>): Record<string, unknown> {
    if (this.#foreignKeys.length === 0) return { ...body };
    const input: Record<string, unknown> = { ...body };
    for (const { property, reference } of this.#foreignKeys) {
      if (!(property in body)) continue;
      const value = body[property];
      input[property] = value === null ? null : { [reference]: value };
    }
    return input;
  }

  /**
   * A saved or loaded entity as the API returns it: one shape on every route. A foreign key is the
   * referenced id (TypeORM hands back `{ id }` after a save and the id after a load), and a column
   * the insert left to NULL is present as null rather than missing.
   */
  toResponse(saved: object): Record<string, unknown> {
    const row = saved as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const { property, reference } of this.#fields) {
      let value = row[property];
      if (reference !== undefined && value !== null && typeof value === 'object')
        value = (value as Record<string, unknown>)[reference];
      out[property] = value === undefined ? null : value;
    }
    return out;
  }
}

/** {@link RowShape.toInput} for a one-off call; routes keep one RowShape per entity. */
export function toEntityInput(
  entity: EntityMetadata,
  body: Record<string, unknown>,
): Record<string, unknown> {
  return new RowShape(entity).toInput(body);
}

/** {@link RowShape.toResponse} for a one-off call; routes keep one RowShape per entity. */
export function toResponse(entity: EntityMetadata, saved: object): Record<string, unknown> {
  return new RowShape(entity).toResponse(saved);
}
