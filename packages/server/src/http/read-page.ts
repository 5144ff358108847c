/**
 * One page of rows and the total they are paged from, in one statement: the total rides on every
 * row as `COUNT(*) OVER ()`, so a list costs one round trip to PostgreSQL instead of the pair
 * TypeORM's findAndCount sends (the page, then a count). Round trips, not JavaScript, are what a
 * list pays for most under load. Only a page past the end, which has no row to carry the total,
 * asks for the count on its own. A query TypeORM pages with a join (a filter or sort on a foreign key,
 * an eager relation) keeps findAndCount: there TypeORM first selects the page's ids, and a window over
 * that would count the page, not the table.
 */
import type { FindOptionsOrder, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

export interface PageQuery {
  where: FindOptionsWhere<ObjectLiteral>;
  order: FindOptionsOrder<ObjectLiteral>;
  take: number;
  skip: number;
  /** Foreign keys read as the referenced id (`loadRelationIds`). */
  relationIds: string[];
}

export interface Page {
  rows: ObjectLiteral[];
  total: number;
}

/** A select alias no entity property can take (properties are identifiers without a leading `__`). */
const TOTAL = '__dazzle_total';

/**
 * @example
 * const { rows, total } = await readPage(repository, { where: {}, order: { id: 'ASC' }, take: 20, skip: 40, relationIds: [] });
 */
export async function readPage(repository: Repository<ObjectLiteral>, query: PageQuery): Promise<Page> {
  const joins =
    repository.metadata.eagerRelations.length > 0 ||
    query.relationIds.some((property) => property in query.where || property in query.order);
  if (joins) {
    const [rows, total] = await repository.findAndCount({
      where: query.where,
      order: query.order,
      take: query.take,
      skip: query.skip,
      loadRelationIds: { relations: query.relationIds },
    });
    return { rows, total };
  }
  const { entities, raw } = await repository
    .createQueryBuilder(repository.metadata.name)
    .setFindOptions({
      where: query.where,
      order: query.order,
      take: query.take,
      skip: query.skip,
      loadRelationIds: { relations: query.relationIds },
    })
    .addSelect('COUNT(*) OVER ()', TOTAL)
    .getRawAndEntities<Record<string, unknown>>();
  if (raw.length > 0) return { rows: entities, total: Number(raw[0]![TOTAL]) };
  const total = query.skip === 0 ? 0 : await repository.count({ where: query.where });
  return { rows: entities, total };
}
