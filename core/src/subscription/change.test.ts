import { FixedOffsetZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { saas, utc } from '../../../test/support/subscription-fixtures.js';
import { AccountTime } from './account-time.js';
import type { PolicyInputs } from './cancel.js';
import { changeLayout, decideChangeDate } from './change.js';

const zone = FixedOffsetZone.utcInstance;
const time = new AccountTime('UTC', utc('2012-04-01T10:00:00Z'));
const plan = (name: string) => saas.findPlan(name, utc('2024-06-01T00:00:00Z')).plan;
const start = utc('2012-04-01T10:00:00Z');

function inputs(now: string, ctd: string | null, phaseStart = start): PolicyInputs {
  return { now: utc(now), time, startDate: start, chargedThroughDate: ctd ? utc(ctd) : null, currentPhaseStart: phaseStart, billingPeriod: 'MONTHLY', billCycleDayLocal: null };
}

const show = (l: ReturnType<typeof changeLayout>) => [
  `${l.current.phase.type}@${l.current.start.toISODate()}`,
  l.next ? `${l.next.phase.type}@${l.next.start.toISODate()}` : null,
];

describe('the date of a plan change (dryRunChangePlan)', () => {
  it('IMMEDIATE is now', () => {
    const i = inputs('2012-04-10T12:00:00Z', '2012-05-01T10:00:00Z');
    expect(decideChangeDate('IMMEDIATE', null, i, start).toISO()).toBe(i.now.toISO());
  });

  it('END_OF_TERM is the CTD when it is ahead, and now when never invoiced', () => {
    expect(decideChangeDate('END_OF_TERM', null, inputs('2012-04-10T12:00:00Z', '2012-05-01T10:00:00Z'), start).toISO()).toBe(utc('2012-05-01T10:00:00Z').toISO());
    expect(decideChangeDate('END_OF_TERM', null, inputs('2012-04-10T12:00:00Z', null), start).toISO()).toBe(utc('2012-04-10T12:00:00Z').toISO());
  });

  it('START_OF_TERM is the start of the billed period now in', () => {
    const i = inputs('2012-06-10T12:00:00Z', '2012-07-01T10:00:00Z', utc('2012-05-01T10:00:00Z'));
    expect(decideChangeDate('START_OF_TERM', null, i, utc('2012-05-01T10:00:00Z')).toISODate()).toBe('2012-06-01');
  });

  it('takes the requested date, but never before the last transition in force', () => {
    const i = inputs('2012-06-10T12:00:00Z', null);
    expect(decideChangeDate(null, utc('2012-07-15T10:00:00Z'), i, start).toISODate()).toBe('2012-07-15');
    expect(decideChangeDate(null, utc('2012-04-15T10:00:00Z'), i, utc('2012-05-01T10:00:00Z')).toISODate()).toBe('2012-05-01');
  });
});

describe('the phases of the new plan (PlanAligner on change)', () => {
  const dates = (changeDate: string) => ({ startDate: start, bundleStartDate: start, changeDate: utc(changeDate) });

  it('START_OF_SUBSCRIPTION in the trial keeps the rest of the trial', () => {
    expect(show(changeLayout(plan('team-monthly'), 'START_OF_SUBSCRIPTION', dates('2012-04-10T12:00:00Z'), 'TRIAL', null, zone))).toEqual(['TRIAL@2012-04-01', 'DISCOUNT@2012-05-01']);
  });

  it('START_OF_SUBSCRIPTION after the trial lands directly in the later phase', () => {
    expect(show(changeLayout(plan('team-monthly'), 'START_OF_SUBSCRIPTION', dates('2012-06-10T12:00:00Z'), 'TRIAL', null, zone))).toEqual(['DISCOUNT@2012-05-01', 'EVERGREEN@2012-08-01']);
  });

  it('CHANGE_OF_PLAN restarts the phases at the change date, trial included', () => {
    expect(show(changeLayout(plan('team-monthly'), 'CHANGE_OF_PLAN', dates('2012-06-10T12:00:00Z'), 'TRIAL', null, zone))).toEqual(['TRIAL@2012-06-10', 'DISCOUNT@2012-07-10']);
  });

  it('starts in the phase asked for', () => {
    expect(show(changeLayout(plan('team-monthly'), 'CHANGE_OF_PLAN', dates('2012-06-10T12:00:00Z'), 'TRIAL', 'EVERGREEN', zone))).toEqual(['EVERGREEN@2012-06-10', null]);
  });

  it('a plan without the original phase starts at its first phase', () => {
    expect(show(changeLayout(plan('team-annual'), 'START_OF_SUBSCRIPTION', dates('2012-04-10T12:00:00Z'), 'TRIAL', null, zone))).toEqual(['EVERGREEN@2012-04-01', null]);
  });

  it('refuses CHANGE_OF_PRICELIST as not implemented, as Kill Bill does', () => {
    let caught: unknown;
    try {
      changeLayout(plan('team-monthly'), 'CHANGE_OF_PRICELIST', dates('2012-04-10T12:00:00Z'), 'TRIAL', null, zone);
    } catch (e) {
      caught = e;
    }
    expect(isBillingError(caught, 'NOT_IMPLEMENTED')).toBe(true);
  });
});
