import type { CatalogSnapshot } from '@app/migrator';
import { describe, expect, it } from 'vitest';
import type { StepResult } from '../../src/generate/pre-steps';
import { holdsTypeormViews, unchangedSinceRead } from '../../src/generate/shadow-tables';

const catalogWith = (typeormMetadata: Record<string, string>, view: Record<string, string> = {}) =>
  ({ columns: [], enums: [], objects: { view }, typeormMetadata }) as unknown as CatalogSnapshot;
const steps = (up: string[]): StepResult => ({
  up: up.map((sql) => ({ sql })),
  down: [],
  notes: [],
  destructive: [],
});

describe('what revision may take from its first readings of the shadow', () => {
  it('counts the shadow unchanged only while no pre-step has run a statement', () => {
    expect(unchangedSinceRead(steps([]))).toBe(true);
    expect(unchangedSinceRead(steps(['ALTER TABLE "holder" RENAME TO "bearer"']))).toBe(false);
  });

  it("finds TypeORM's views and materialized views in its metadata rows, and nothing else", () => {
    expect(holdsTypeormViews(catalogWith({}))).toBe(false);
    expect(holdsTypeormViews(catalogWith({ 'GENERATED_COLUMN.public.item.total': 'price * qty' }))).toBe(
      false,
    );
    expect(holdsTypeormViews(catalogWith({ 'VIEW.public.sale_total.': 'SELECT 1' }))).toBe(true);
    expect(holdsTypeormViews(catalogWith({ 'MATERIALIZED_VIEW.public.totals.': 'SELECT 1' }))).toBe(true);
  });

  it('looks for views whenever the catalog has one, whatever the metadata rows say', () => {
    // e.g. TypeORM's metadata table in a schema the catalog reading does not look in.
    expect(holdsTypeormViews(catalogWith({}, { 'reports.sale_total': 'SELECT 1' }))).toBe(true);
  });
});
