import { describe, expect, it } from 'vitest';
import { AccountTime } from './account-time.js';
import { disabledDurations } from './billing-blocking.js';
import { billingEvents, type BillingEvent, type SubscriptionForBilling } from './billing-events.js';
import type { BlockingStateRecord } from './entitlement-events.js';
import { blocking, create, event, phase, saas, utc } from '../../../test/support/subscription-fixtures.js';
import { transitionsOf, type EventRecord } from './timeline.js';

const account = { currency: 'USD' as const, billCycleDayLocal: 1, time: new AccountTime('UTC', utc('2012-01-01T00:00:00Z')) };
const sub = (id: string, bundleId: string, start: string, events: EventRecord[], states: BlockingStateRecord[]): SubscriptionForBilling => ({
  id,
  bundleId,
  category: 'BASE',
  startDate: utc(start),
  transitions: transitionsOf(events, saas),
  blockingStates: states,
});
/** team-monthly: a 30-day trial from 04-01, then three months of DISCOUNT at 24.50 from 05-01. */
const team = (states: BlockingStateRecord[], extra: EventRecord[] = []) =>
  sub('s1', 'b1', '2012-04-01T10:00:00Z', [create('2012-04-01T10:00:00Z', 'team-monthly', 'trial'), phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount'), ...extra], states);

const pause = (at: string) => blocking('ENT_BLOCKED', `${at}T10:00:00Z`, { type: 'SUBSCRIPTION_BUNDLE', blockableId: 'b1', blockChange: true, blockEntitlement: true, blockBilling: true });
const resume = (at: string) => blocking('ENT_CLEAR', `${at}T10:00:00Z`, { type: 'SUBSCRIPTION_BUNDLE', blockableId: 'b1' });
const overdue = (at: string, blockBilling: boolean) =>
  blocking(blockBilling ? 'OD1' : 'CLEAR', `${at}T10:00:00Z`, { type: 'ACCOUNT', blockableId: 'acc', service: 'overdue-service', blockBilling });

const show = (events: readonly BillingEvent[]) =>
  events.map((e) => [e.subscriptionId, e.type, e.effectiveDate.toISODate(), e.phaseType, e.recurringPrice?.toString() ?? null, e.billingPeriod]);

describe('blocking states in the billing events (BlockingCalculator, killbill-semantics.md §5.4)', () => {
  it('stops billing at a pause without prices and restarts it at the resume with the phase in force', () => {
    const p = pause('2012-05-10');
    const r = resume('2012-05-20');
    const { events } = billingEvents(account, [team([p, r])]);
    expect(show(events)).toEqual([
      ['s1', 'CREATE', '2012-04-01', 'TRIAL', null, 'NO_BILLING_PERIOD'],
      ['s1', 'PHASE', '2012-05-01', 'DISCOUNT', '24.5', 'MONTHLY'],
      ['s1', 'START_BILLING_DISABLED', '2012-05-10', 'DISCOUNT', null, 'NO_BILLING_PERIOD'],
      ['s1', 'END_BILLING_DISABLED', '2012-05-20', 'DISCOUNT', '24.5', 'MONTHLY'],
    ]);
    const [, , disabled, enabled] = events;
    expect([disabled!.fixedPrice, disabled!.eventId, disabled!.billCycleDayLocal, disabled!.planName]).toEqual([null, p.id, 1, 'team-monthly']);
    expect(enabled!.eventId).toBe(r.id);
  });

  it('only stops billing when the pause has no resume, and drops every later event', () => {
    const { events } = billingEvents(account, [team([pause('2012-05-10')], [phase('2012-08-01T10:00:00Z', 'team-monthly', 'evergreen')])]);
    expect(show(events).map((e) => e[1])).toEqual(['CREATE', 'PHASE', 'START_BILLING_DISABLED']);
  });

  it('blocks every subscription of the account for an account-level state, of any service', () => {
    const states = [overdue('2012-06-01', true), overdue('2012-06-15', false)];
    const annual = sub('s2', 'b2', '2012-04-15T10:00:00Z', [create('2012-04-15T10:00:00Z', 'team-annual', 'evergreen')], states);
    const { events } = billingEvents(account, [team(states), annual]);
    expect(show(events).filter((e) => e[2]! >= '2012-06-01')).toEqual([
      ['s1', 'START_BILLING_DISABLED', '2012-06-01', 'DISCOUNT', null, 'NO_BILLING_PERIOD'],
      ['s2', 'START_BILLING_DISABLED', '2012-06-01', 'EVERGREEN', null, 'NO_BILLING_PERIOD'],
      ['s1', 'END_BILLING_DISABLED', '2012-06-15', 'DISCOUNT', '24.5', 'MONTHLY'],
      ['s2', 'END_BILLING_DISABLED', '2012-06-15', 'EVERGREEN', '490', 'ANNUAL'],
    ]);
  });

  it('merges overlapping account and bundle intervals into one', () => {
    const p = pause('2012-05-10');
    const clear = overdue('2012-05-25', false);
    const { events } = billingEvents(account, [team([p, overdue('2012-05-15', true), resume('2012-05-20'), clear])]);
    const synthetic = events.filter((e) => e.type.endsWith('_BILLING_DISABLED'));
    expect(synthetic.map((e) => [e.type, e.effectiveDate.toISODate(), e.eventId])).toEqual([
      ['START_BILLING_DISABLED', '2012-05-10', p.id],
      ['END_BILLING_DISABLED', '2012-05-25', clear.id],
    ]);
  });

  it('re-enables a subscription created inside a block at the block end, from its first event', () => {
    const { events } = billingEvents(account, [team([overdue('2012-03-01', true), overdue('2012-04-10', false)])]);
    expect(show(events)).toEqual([
      ['s1', 'END_BILLING_DISABLED', '2012-04-10', 'TRIAL', null, 'NO_BILLING_PERIOD'],
      ['s1', 'PHASE', '2012-05-01', 'DISCOUNT', '24.5', 'MONTHLY'],
    ]);
    expect(events[0]!.fixedPrice?.toString()).toBe('0');
  });

  it('moves a phase change inside the blocked interval to the resume', () => {
    const { events } = billingEvents(account, [team([pause('2012-04-20'), resume('2012-05-10')])]);
    expect(show(events)).toEqual([
      ['s1', 'CREATE', '2012-04-01', 'TRIAL', null, 'NO_BILLING_PERIOD'],
      ['s1', 'START_BILLING_DISABLED', '2012-04-20', 'TRIAL', null, 'NO_BILLING_PERIOD'],
      ['s1', 'END_BILLING_DISABLED', '2012-05-10', 'DISCOUNT', '24.5', 'MONTHLY'],
    ]);
  });

  it('puts a re-enable before the events of its instant (DefaultBillingEvent.compareTo)', () => {
    const { events } = billingEvents(account, [team([pause('2012-04-20'), resume('2012-05-01')])]);
    expect(show(events).map((e) => [e[1], e[2], e[3]])).toEqual([
      ['CREATE', '2012-04-01', 'TRIAL'],
      ['START_BILLING_DISABLED', '2012-04-20', 'TRIAL'],
      ['END_BILLING_DISABLED', '2012-05-01', 'TRIAL'],
      ['PHASE', '2012-05-01', 'DISCOUNT'],
    ]);
  });

  it('ignores states after the cancellation, and a block that starts after it', () => {
    const cancel = event('API_USER', '2012-05-15T10:00:00Z', { apiType: 'CANCEL' });
    const inside = billingEvents(account, [team([pause('2012-05-10'), resume('2012-05-20')], [cancel])]).events;
    expect(show(inside).map((e) => e[1])).toEqual(['CREATE', 'PHASE', 'START_BILLING_DISABLED']);
    const after = billingEvents(account, [team([overdue('2012-05-15', true)], [event('API_USER', '2012-05-12T10:00:00Z', { apiType: 'CANCEL' })])]).events;
    expect(show(after).map((e) => e[1])).toEqual(['CREATE', 'PHASE', 'CANCEL']);
  });

  it('leaves the events alone for states that do not block billing', () => {
    const states = [blocking('OD1', '2012-05-10T10:00:00Z', { type: 'ACCOUNT', blockableId: 'acc', service: 'overdue-service', blockChange: true, blockEntitlement: true })];
    expect(show(billingEvents(account, [team(states)]).events).map((e) => e[1])).toEqual(['CREATE', 'PHASE']);
  });
});

describe('the billing-blocked intervals (createBlockingDurations)', () => {
  it('drops an interval under a day, merges touching ones, and skips inactive states', () => {
    const d = disabledDurations(
      [
        pause('2012-05-01'),
        blocking('ENT_CLEAR', '2012-05-01T20:00:00Z', { type: 'SUBSCRIPTION_BUNDLE', blockableId: 'b1' }),
        overdue('2012-06-01', true),
        overdue('2012-06-10', false),
        pause('2012-06-10'),
        resume('2012-06-20'),
        { ...overdue('2012-07-01', true), isActive: false },
      ],
      null,
    );
    expect(d.map((x) => [x.start.toISODate(), x.end?.toISODate() ?? null])).toEqual([['2012-06-01', '2012-06-20']]);
  });

  it('keeps the first blocking state of a service until a state of the same service and object clears it', () => {
    const d = disabledDurations([overdue('2012-06-01', true), overdue('2012-06-05', true), pause('2012-06-07'), resume('2012-06-08'), overdue('2012-06-10', false)], null);
    expect(d.map((x) => [x.start.toISODate(), x.end?.toISODate() ?? null])).toEqual([['2012-06-01', '2012-06-10']]);
  });
});
