import type { TenantRef } from '../context.js';
import type { Database } from '../persistence/database.js';
import type { TenantId } from '../values/ids.js';
import { TenantEntity } from './model.js';

/** Tenant record id → TenantRef, for background work that only has the record id (tenants are never deleted). */
export class TenantRefs {
  readonly #db: Database;
  readonly #known = new Map<number, TenantRef>();

  constructor(db: Database) {
    this.#db = db;
  }

  async get(recordId: number): Promise<TenantRef> {
    const known = this.#known.get(recordId);
    if (known) return known;
    const row = await this.#db.fork().findOneOrFail(TenantEntity, { recordId });
    const ref = { recordId, id: row.id as TenantId };
    this.#known.set(recordId, ref);
    return ref;
  }
}
