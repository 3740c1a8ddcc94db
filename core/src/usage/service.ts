import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { AccountService } from '../account/service.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import { AccountTime, type LocalDate } from '../subscription/account-time.js';
import type { SubscriptionService } from '../subscription/service.js';
import type { SubscriptionId } from '../subscription/subscription.js';
import { newId } from '../values/ids.js';
import { RolledUpUsageEntity } from './model.js';
import { subscriptionUsage, trackingIdExists } from './store.js';
import type { RolledUpUsage, UsageSubmission } from './usage.js';

/**
 * Recorded usage (Kill Bill's UsageResource + DefaultUsageUserApi, killbill-semantics.md §6): record the
 * amounts a subscription used per unit and day, read them back rolled up. Invoicing reads them itself,
 * in its run's transaction (store.ts accountUsageUpTo; invoice/usage bills them).
 */
export interface UsageService {
  record(ctx: CallContext, submission: UsageSubmission): Promise<void>;
  /** Per unit (one unit when `unitType` is set), the amounts recorded in [startDate, endDate) summed. */
  rolledUp(ctx: TenantContext, subscriptionId: SubscriptionId, range: { unitType: string | null; startDate: string; endDate: string }): Promise<RolledUpUsage>;
}

export interface UsageServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly accounts: AccountService;
  readonly subscriptions: SubscriptionService;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A record date as the caller wrote it (a day, or an instant as Kill Bill 0.24's client sends) → the day in the account's zone. */
function dayOf(value: string, time: AccountTime, field: string): LocalDate {
  if (DAY.test(value)) return value as LocalDate;
  const at = DateTime.fromISO(value, { setZone: true });
  if (!at.isValid) throw new BillingError('INVALID_PARAMETER', `Invalid ${field}: ${value}`, { field, value });
  return time.toLocalDate(at);
}

export function createUsageService(deps: UsageServiceDeps): UsageService {
  const { db, clock, accounts, subscriptions } = deps;

  async function timeOf(ctx: TenantContext, subscriptionId: SubscriptionId) {
    const sub = await subscriptions.getById(ctx, subscriptionId);
    const account = await accounts.getById(ctx, sub.accountId);
    return { sub, account, time: new AccountTime(account.timeZone, account.referenceTime) };
  }

  return {
    async record(ctx, submission) {
      requirePermission(ctx, 'usage:record');
      if (submission.units.length === 0) throw new BillingError('INVALID_PARAMETER', 'SubscriptionUsageRecordJson unitUsageRecords needs to be set', { field: 'unitUsageRecords' });
      const { sub, account, time } = await timeOf(ctx, submission.subscriptionId as SubscriptionId);
      const rows: { unitType: string; recordDate: LocalDate; amount: Decimal }[] = [];
      for (const unit of submission.units) {
        if (!unit.unitType) throw new BillingError('INVALID_PARAMETER', 'UnitUsageRecordJson unitType needs to be set', { field: 'unitType' });
        if (unit.records.length === 0) throw new BillingError('INVALID_PARAMETER', 'UnitUsageRecordJson usageRecords needs to be set', { field: 'usageRecords' });
        for (const r of unit.records) {
          if (r.amount.isNegative()) throw new BillingError('INVALID_PARAMETER', `UsageRecordJson amount must not be negative: ${r.amount.toString()}`, { field: 'amount' });
          rows.push({ unitType: unit.unitType, recordDate: dayOf(r.recordDate, time, 'recordDate'), amount: r.amount });
        }
      }
      // UsageResource: a subscription whose entitlement ended before the last record day is refused (400).
      const end = sub.cancelledDate === null ? null : time.toLocalDate(sub.cancelledDate);
      const highest = rows.reduce((m, r) => (r.recordDate > m ? r.recordDate : m), rows[0]!.recordDate);
      if (end !== null && end < highest) {
        throw new BillingError('INVALID_PARAMETER', `Subscription ${sub.id} is not active on ${highest} (it ended on ${end})`, { subscriptionId: sub.id });
      }
      const trackingId = submission.trackingId ? submission.trackingId : newId();
      await writeTx(db, ctx, async (em) => {
        if (submission.trackingId && (await trackingIdExists(em, sub.id, trackingId))) {
          throw new BillingError('USAGE_RECORD_TRACKING_ID_ALREADY_EXISTS', `A usage record with tracking ID ${trackingId} already exists`, { trackingId });
        }
        const at = clock.now().toJSDate();
        for (const r of rows) {
          em.create(RolledUpUsageEntity, {
            id: newId(),
            ...creationStamps(ctx, at),
            tenantRecordId: ctx.tenant.recordId,
            accountRecordId: account.recordId,
            subscriptionId: sub.id,
            unitType: r.unitType,
            recordDate: r.recordDate,
            amount: r.amount.toFixed(),
            trackingId,
          });
        }
      });
    },

    async rolledUp(ctx, subscriptionId, range) {
      const { sub, time } = await timeOf(ctx, subscriptionId);
      const from = dayOf(range.startDate, time, 'startDate');
      const to = dayOf(range.endDate, time, 'endDate');
      const records = await subscriptionUsage(readEm(db, ctx), sub.id, from, to, range.unitType);
      const sums = new Map<string, Decimal>();
      for (const r of records) sums.set(r.unitType, (sums.get(r.unitType) ?? new Decimal(0)).plus(r.amount));
      return {
        subscriptionId: sub.id,
        startDate: range.startDate,
        endDate: range.endDate,
        rolledUpUnits: [...sums].map(([unitType, amount]) => ({ unitType, amount })),
      };
    },
  };
}
