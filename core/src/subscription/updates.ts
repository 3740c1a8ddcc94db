import { DateTime } from 'luxon';
import type { AccountService } from '../account/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { creationStamps } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { AccountTime, type LocalDate } from './account-time.js';
import { emitTransition, scheduleSubscriptionWork } from './events.js';
import { BundleEntity, SubscriptionEntity, SubscriptionEventEntity } from './model.js';
import type { SubscriptionId } from './subscription.js';

/**
 * Subscription-level BCD and quantity (Kill Bill's DefaultSubscriptionBaseApiService.updateBCD /
 * updateQuantity and SubscriptionResource.updateSubscriptionBCD): each adds a BCD_UPDATE or QUANTITY_UPDATE
 * event; from its effective date it overrides the catalog's billing alignment (billing-events.ts) or the
 * quantity. Kill Bill guards both with entitlement:create (Entitlement.updateBCD / updateQuantity).
 */

export interface UpdateDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly accounts: AccountService;
}

export interface SettingUpdate {
  readonly subscriptionId: SubscriptionId;
  readonly effectiveFromDate: LocalDate | null;
  /** forceNewBcdWithPastEffectiveDate / forceNewQuantityWithPastEffectiveDate. */
  readonly forcePastEffectiveDate: boolean;
}

/**
 * getEffectiveDateForNewBCD: the next day of the month that is the BCD, counting from the requested day (or
 * today): this month when the day is still ahead (clamped to the month's end), else next month; today's BCD
 * without a date is now. Never before the subscription's start (moved on a month at a time).
 */
export function effectiveDateForNewBcd(bcd: number, from: LocalDate | null, time: AccountTime, now: DateTime, subscriptionStart: DateTime): DateTime {
  const start = DateTime.fromISO(from ?? time.toLocalDate(now), { zone: 'utc' });
  let requested: DateTime | null;
  if (bcd < start.day) {
    const next = start.plus({ months: 1 });
    requested = next.set({ day: Math.min(bcd, next.daysInMonth ?? 28) });
  } else if (bcd === start.day && from === null) {
    requested = null;
  } else {
    requested = start.set({ day: Math.min(bcd, start.daysInMonth ?? 28) });
  }
  let at = requested ? time.toInstant(requested.toISODate() as LocalDate) : now;
  while (at.toMillis() < subscriptionStart.toMillis()) at = at.plus({ months: 1 });
  return at;
}

type Kind = 'BCD_UPDATE' | 'QUANTITY_UPDATE';

async function addSettingEvent(deps: UpdateDeps, ctx: CallContext, u: SettingUpdate, kind: Kind, value: number): Promise<void> {
  requirePermission(ctx, 'entitlement:create');
  await writeTx(deps.db, ctx, async (em) => {
    const sub = await em.findOne(SubscriptionEntity, { id: u.subscriptionId });
    if (!sub) throw new BillingError('SUB_INVALID_SUBSCRIPTION_ID', `Unknown subscription matching id ${u.subscriptionId}`, { subscriptionId: u.subscriptionId });
    const bundle = await em.findOneOrFail(BundleEntity, { id: sub.bundleId });
    const account = await deps.accounts.getById(ctx, bundle.accountId as AccountId);
    await lockAccount(em, ctx.tenant.recordId, account.recordId);
    const now = deps.clock.now();
    const time = new AccountTime(account.timeZone, account.referenceTime);
    let from = u.effectiveFromDate;
    if (from !== null) {
      const today = time.toLocalDate(now);
      // SubscriptionResource: a past date may already have been invoiced, so it must be forced; today means now.
      if (from < today && !u.forcePastEffectiveDate) {
        const flag = kind === 'BCD_UPDATE' ? 'forceNewBcdWithPastEffectiveDate' : 'forceNewQuantityWithPastEffectiveDate';
        throw new BillingError(
          'INVALID_PARAMETER',
          `Changing a subscription ${kind === 'BCD_UPDATE' ? 'BCD' : 'quantity'} in the past may have consequences on previous invoice generated. Use flag ${flag} to force this behavior`,
          { parameter: 'effectiveFromDate' },
        );
      }
      if (from === today) from = null;
    }
    const start = DateTime.fromJSDate(sub.startDate, { zone: 'utc' });
    const at = kind === 'BCD_UPDATE' ? effectiveDateForNewBcd(value, from, time, now, start) : from ? time.toInstant(from) : now;
    const row = em.create(SubscriptionEventEntity, {
      id: newId(),
      tenantRecordId: ctx.tenant.recordId,
      accountRecordId: account.recordId,
      subscriptionId: sub.id,
      eventType: kind,
      userType: null,
      effectiveDate: at.toJSDate(),
      requestedDate: (from ? time.toInstant(from) : now).toJSDate(),
      planName: null,
      phaseName: null,
      priceListName: null,
      billingCycleDayLocal: kind === 'BCD_UPDATE' ? value : null,
      quantity: kind === 'QUANTITY_UPDATE' ? value : null,
      isActive: true,
      ...creationStamps(ctx, now.toJSDate()),
    });
    if (at.toMillis() <= now.toMillis()) {
      emitTransition(em, ctx, deps.clock, {
        type: kind === 'BCD_UPDATE' ? 'BCD_CHANGE' : 'QUANTITY_CHANGE',
        subscriptionId: sub.id,
        eventId: row.id,
        bundleExternalKey: bundle.externalKey,
        effectiveDate: at,
        accountRecordId: account.recordId,
      });
    } else {
      scheduleSubscriptionWork(em, ctx, deps.clock, at, account.recordId, { kind: 'event', subscriptionId: sub.id, eventId: row.id });
    }
  });
}

export function updateBcd(deps: UpdateDeps, ctx: CallContext, u: SettingUpdate, bcd: number): Promise<void> {
  if (!Number.isInteger(bcd) || bcd < 1 || bcd > 31) {
    throw new BillingError('INVALID_PARAMETER', `Invalid billCycleDayLocal ${bcd}: it must be a day of the month from 1 to 31`, { field: 'billCycleDayLocal' });
  }
  return addSettingEvent(deps, ctx, u, 'BCD_UPDATE', bcd);
}

export function updateQuantity(deps: UpdateDeps, ctx: CallContext, u: SettingUpdate, quantity: number): Promise<void> {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new BillingError('INVALID_PARAMETER', `Invalid quantity ${quantity}: it must be a positive integer`, { field: 'quantity' });
  }
  return addSettingEvent(deps, ctx, u, 'QUANTITY_UPDATE', quantity);
}
