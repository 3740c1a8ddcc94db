import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { AccountEntity, type AccountRow } from '../account/model.js';
import type { Clock } from '../clock/clock.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { leanFindOne } from '../persistence/lean-rows.js';
import type { TagService } from '../tag/service.js';
import type { PaymentGateway } from './plugin-call.js';

/** What the payment domain is built from (engine.ts constructs it once). */
export interface PaymentDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly gateway: PaymentGateway;
  /** For deleteDefaultPmWithAutoPayOff (tags the account AUTO_PAY_OFF). */
  readonly tags: Pick<TagService, 'add'>;
  /** How long a transaction may stay in flight before another request may act on its payment (default 2 min). */
  readonly inFlightStaleMs?: number;
}

/** The account row, in the caller's em (tenant-filtered). */
export async function accountRow(em: EntityManager, accountId: string): Promise<AccountRow> {
  return presentAccount(await em.findOne(AccountEntity, { id: accountId }), accountId);
}

/**
 * accountRow as a plain row (persistence/lean-rows.ts), for the write paths that only read it; `forUpdate`
 * takes the account lock in the same statement (as lockAccount would).
 */
export async function plainAccountRow(em: EntityManager, accountId: string, options: { readonly forUpdate?: boolean } = {}): Promise<AccountRow> {
  return presentAccount(await leanFindOne<AccountRow>(em, AccountEntity, { id: accountId }, options), accountId);
}

function presentAccount(row: AccountRow | null, accountId: string): AccountRow {
  if (!row) throw new BillingError('ACCOUNT_DOES_NOT_EXIST_FOR_ID', `Account does not exist for id ${accountId}`, { accountId });
  return row;
}
