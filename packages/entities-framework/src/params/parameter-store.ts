/**
 * Runtime parameter overrides kept in `_dazzle_params`. A value can be set for the whole system,
 * a tenant or a user; reading resolves the most specific one (user over tenant over system).
 */
import { PARAMS_TABLE } from './params-table';

export type ParamScope = 'system' | 'tenant' | 'user';

/** Anything that runs a parameterised query and returns rows: a TypeORM DataSource, EntityManager or QueryRunner. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface ParamContext {
  tenantId?: string;
  userId?: string;
}

export interface ParamRow {
  key: string;
  scope: ParamScope;
  scopeId: string;
  value: unknown;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface ResolvedParam {
  value: unknown;
  scope: ParamScope;
}

interface RawParamRow {
  key: string;
  scope: ParamScope;
  scope_id: string;
  value_json: unknown;
  updated_by: string | null;
  updated_at: Date;
}

const SCOPE_RANK: Record<ParamScope, number> = { user: 0, tenant: 1, system: 2 };

export class ParameterStore {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /**
   * Sets a value for one scope; `scopeId` names the tenant or user and is empty for `system`.
   *
   * @example
   * await params.set('invoices.approval_limit', 5000, { scope: 'tenant', scopeId: 'acme' });
   */
  async set(
    key: string,
    value: unknown,
    target: { scope: ParamScope; scopeId?: string; updatedBy?: string } = { scope: 'system' },
  ): Promise<void> {
    const scopeId = target.scope === 'system' ? '' : requireScopeId(target.scope, target.scopeId);
    await this.#db.query(
      `INSERT INTO "${PARAMS_TABLE}" ("key", "scope", "scope_id", "value_json", "updated_by", "updated_at")
       VALUES ($1, $2, $3, $4::jsonb, $5, now())
       ON CONFLICT ("key", "scope", "scope_id")
       DO UPDATE SET "value_json" = EXCLUDED."value_json", "updated_by" = EXCLUDED."updated_by", "updated_at" = now()`,
      [key, target.scope, scopeId, JSON.stringify(value), target.updatedBy ?? null],
    );
  }

  /** Removes the override of one scope; returns whether there was one. */
  async unset(key: string, target: { scope: ParamScope; scopeId?: string }): Promise<boolean> {
    const scopeId = target.scope === 'system' ? '' : requireScopeId(target.scope, target.scopeId);
    const rows = (await this.#db.query(
      `DELETE FROM "${PARAMS_TABLE}" WHERE "key" = $1 AND "scope" = $2 AND "scope_id" = $3 RETURNING "key"`,
      [key, target.scope, scopeId],
    )) as unknown[];
    return rowsOf(rows).length > 0;
  }

  /**
   * The most specific value for this context, or undefined when none is set.
   *
   * @example
   * const limit = await params.resolve('invoices.approval_limit', { tenantId: 'acme', userId: 'u1' });
   */
  async resolve(key: string, context: ParamContext = {}): Promise<ResolvedParam | undefined> {
    const rows = rowsOf(
      await this.#db.query(
        `SELECT "key", "scope", "scope_id", "value_json", "updated_by", "updated_at" FROM "${PARAMS_TABLE}"
         WHERE "key" = $1 AND (("scope" = 'system' AND "scope_id" = '')
            OR ("scope" = 'tenant' AND "scope_id" = $2) OR ("scope" = 'user' AND "scope_id" = $3))`,
        [key, context.tenantId ?? null, context.userId ?? null],
      ),
    );
    const best = rows.sort((a, b) => SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope])[0];
    return best ? { value: best.value_json, scope: best.scope } : undefined;
  }

  /** Every stored override, ordered by key then scope. */
  async list(): Promise<ParamRow[]> {
    const rows = rowsOf(
      await this.#db.query(
        `SELECT "key", "scope", "scope_id", "value_json", "updated_by", "updated_at" FROM "${PARAMS_TABLE}"
         ORDER BY "key", "scope", "scope_id"`,
      ),
    );
    return rows.map((row) => ({
      key: row.key,
      scope: row.scope,
      scopeId: row.scope_id,
      value: row.value_json,
      updatedBy: row.updated_by,
      updatedAt: row.updated_at,
    }));
  }
}

function requireScopeId(scope: ParamScope, scopeId: string | undefined): string {
  if (!scopeId)
    throw new TypeError(`a ${scope}-scoped parameter needs a scopeId (the ${scope} it applies to)`);
  return scopeId;
}

function rowsOf(result: unknown): RawParamRow[] {
  // TypeORM returns [rows, affected] for DELETE … RETURNING and plain rows for SELECT.
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]))
    return result[0] as RawParamRow[];
  return Array.isArray(result) ? (result as RawParamRow[]) : [];
}
