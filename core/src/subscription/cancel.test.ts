import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BillingError } from '../errors/index.js';
import { AccountTime, type LocalDate } from './account-time.js';
import { decideCancel, effectiveDateForPolicy, type CancelEnv, type CancelRequest } from './cancel.js';

/**
 * killbill-semantics.md §5.3's matrix (kbit core/test_entitlement_cancellation.rb): a SpyCar-like monthly
 * plan with a 30-day trial started 2013-08-01, invoiced through the trial end 2013-08-31 and then through
 * 2013-09-30, catalog cancel policy END_OF_TERM.
 */
const time = new AccountTime('UTC', DateTime.fromISO('2013-08-01T06:00:00Z', { zone: 'utc' }));
const at = (day: string) => time.toInstant(day as LocalDate);
const start = at('2013-08-01');

function env(now: string, ctd: string | null, phaseStart = start): CancelEnv {
  return {
    now: at(now).plus({ hours: 2 }),
    time,
    startDate: start,
    entitlementStart: start,
    chargedThroughDate: ctd === null ? null : at(ctd),
    currentPhaseStart: phaseStart,
    billingPeriod: 'MONTHLY',
    billCycleDayLocal: null,
    catalogPolicy: 'END_OF_TERM',
  };
}

const req = (r: Partial<Omit<CancelRequest, 'subscriptionId'>> = {}): Omit<CancelRequest, 'subscriptionId'> => ({
  requestedDate: null,
  entitlementPolicy: null,
  billingPolicy: null,
  useRequestedDateForBilling: false,
  ...r,
});
const day = (d: string) => ({ kind: 'local' as const, date: d as LocalDate });
const days = (d: { entitlementDate: DateTime; billingDate: DateTime }) => [time.toLocalDate(d.entitlementDate), time.toLocalDate(d.billingDate)];

describe('the cancellation matrix of Kill Bill 0.24', () => {
  it('without a policy in the trial ends the entitlement today and billing at the trial end (the CTD)', () => {
    expect(days(decideCancel(req(), env('2013-08-01', '2013-08-31')))).toEqual(['2013-08-01', '2013-08-31']);
  });

  it('without a policy after the trial ends the entitlement today and billing at the CTD', () => {
    expect(days(decideCancel(req(), env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-01', '2013-09-30']);
  });

  it('with entitlementPolicy END_OF_TERM ends both at the CTD', () => {
    expect(days(decideCancel(req({ entitlementPolicy: 'END_OF_TERM' }), env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-30', '2013-09-30']);
  });

  it('with entitlementPolicy IMMEDIATE ends the entitlement today and billing by the catalog', () => {
    expect(days(decideCancel(req({ entitlementPolicy: 'IMMEDIATE' }), env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-01', '2013-09-30']);
  });

  it('with a requested date but not useRequestedDateForBilling ends billing at the CTD', () => {
    expect(days(decideCancel(req({ requestedDate: day('2013-09-15') }), env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-15', '2013-09-30']);
  });

  it('with useRequestedDateForBilling ends both at the requested date', () => {
    const r = req({ requestedDate: day('2013-09-15'), useRequestedDateForBilling: true });
    expect(days(decideCancel(r, env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-15', '2013-09-15']);
  });

  it('with billingPolicy IMMEDIATE and a past requested date ends the entitlement then and billing today', () => {
    const r = req({ requestedDate: day('2013-08-05'), billingPolicy: 'IMMEDIATE' });
    expect(days(decideCancel(r, env('2013-08-11', '2013-08-31')))).toEqual(['2013-08-05', '2013-08-11']);
  });

  it('with both policies takes each from its own and ignores the requested date', () => {
    const r = req({ requestedDate: day('2013-09-20'), entitlementPolicy: 'IMMEDIATE', billingPolicy: 'END_OF_TERM' });
    expect(days(decideCancel(r, env('2013-09-01', '2013-09-30', at('2013-08-31'))))).toEqual(['2013-09-01', '2013-09-30']);
  });

  it('with an instant requested date ends entitlement and billing at that instant', () => {
    const instant = DateTime.fromISO('2013-09-12T15:00:00Z', { zone: 'utc' });
    const d = decideCancel(req({ requestedDate: { kind: 'instant', at: instant } }), env('2013-09-01', '2013-09-30'));
    expect([d.entitlementDate.toISO(), d.billingDate.toISO()]).toEqual([instant.toISO(), instant.toISO()]);
  });

  it('refuses a requested date before the start with SUB_INVALID_REQUESTED_DATE', () => {
    const fail = () => decideCancel(req({ requestedDate: day('2013-07-31') }), env('2013-09-01', '2013-09-30'));
    expect(fail).toThrow(BillingError);
    expect(fail).toThrow(/prior to the previous transition/);
  });

  it('never invoiced, END_OF_TERM means now', () => {
    const e = env('2013-09-10', null);
    expect(decideCancel(req(), e).billingDate.toISO()).toBe(e.now.toISO());
    expect(time.toLocalDate(decideCancel(req({ entitlementPolicy: 'END_OF_TERM' }), e).entitlementDate)).toBe('2013-09-10');
  });

  it('refuses a catalog default START_OF_TERM, as Kill Bill does', () => {
    expect(() => decideCancel(req(), { ...env('2013-09-01', '2013-09-30'), catalogPolicy: 'START_OF_TERM' })).toThrow(/START_OF_TERM/);
  });
});

describe('billing policy dates (getEffectiveDateForPolicy)', () => {
  const base = env('2013-09-15', '2013-09-30', at('2013-08-31'));

  it('IMMEDIATE is now', () => {
    expect(effectiveDateForPolicy('IMMEDIATE', base).toISO()).toBe(base.now.toISO());
  });

  it('END_OF_TERM is the CTD when ahead, else now', () => {
    expect(time.toLocalDate(effectiveDateForPolicy('END_OF_TERM', base))).toBe('2013-09-30');
    const late = { ...base, chargedThroughDate: at('2013-09-10') };
    expect(effectiveDateForPolicy('END_OF_TERM', late).toISO()).toBe(base.now.toISO());
  });

  it('START_OF_TERM is the start of the billed period now in, on the BCD', () => {
    const monthly = { ...base, chargedThroughDate: at('2013-10-31'), billCycleDayLocal: 31, currentPhaseStart: at('2013-08-01') };
    expect(time.toLocalDate(effectiveDateForPolicy('START_OF_TERM', monthly))).toBe('2013-08-31');
    expect(time.toLocalDate(effectiveDateForPolicy('START_OF_TERM', { ...base, chargedThroughDate: at('2013-10-15') }))).toBe('2013-09-15');
  });

  it('START_OF_TERM is the start when never invoiced and the CTD when it is behind, never before the phase start', () => {
    expect(effectiveDateForPolicy('START_OF_TERM', { ...base, chargedThroughDate: null }).toISO()).toBe(at('2013-08-31').toISO());
    expect(effectiveDateForPolicy('START_OF_TERM', { ...base, chargedThroughDate: null, currentPhaseStart: start }).toISO()).toBe(start.toISO());
    expect(time.toLocalDate(effectiveDateForPolicy('START_OF_TERM', { ...base, chargedThroughDate: at('2013-09-10') }))).toBe('2013-09-10');
  });
});
