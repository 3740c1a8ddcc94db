import { FixedOffsetZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { createPlanStart, currentAndNext, phaseTimeline } from './alignment.js';
import { saas, utc } from '../../../test/support/subscription-fixtures.js';

const utcZone = FixedOffsetZone.utcInstance;
const plan = (name: string) => saas.findPlan(name, utc('2024-06-01T00:00:00Z'));
const starts = (name: string, start: string, initial: 'TRIAL' | 'DISCOUNT' | 'EVERGREEN' | null = null, zone = utcZone) =>
  phaseTimeline(plan(name).plan, initial, utc(start), zone).map((t) => `${t.phase.type}@${t.start.setZone(zone).toISODate()}`);

describe('laying out phases on creation (PlanAligner)', () => {
  it('starts each phase where the previous one ends', () => {
    expect(starts('team-monthly', '2012-04-01T10:00:00Z')).toEqual(['TRIAL@2012-04-01', 'DISCOUNT@2012-05-01', 'EVERGREEN@2012-08-01']);
  });

  it('skips to the phase asked for, which then starts at the alignment start', () => {
    expect(starts('team-monthly', '2012-04-01T10:00:00Z', 'DISCOUNT')).toEqual(['DISCOUNT@2012-04-01', 'EVERGREEN@2012-07-01']);
    expect(starts('team-monthly', '2012-04-01T10:00:00Z', 'EVERGREEN')).toEqual(['EVERGREEN@2012-04-01']);
  });

  it('refuses a phase the plan does not have', () => {
    let caught: unknown;
    try {
      starts('team-annual', '2012-04-01T10:00:00Z', 'TRIAL');
    } catch (e) {
      caught = e;
    }
    expect(isBillingError(caught, 'SUB_CREATE_BAD_PHASE')).toBe(true);
  });

  it('counts months in the account zone, not in UTC', () => {
    const tokyo = FixedOffsetZone.instance(9 * 60);
    // 2012-01-31T20:00Z is Feb 1 in Tokyo: three months later is May 1 there, not April 30.
    expect(starts('team-monthly-launch', '2012-01-31T20:00:00Z', null, tokyo)).toEqual(['DISCOUNT@2012-02-01', 'EVERGREEN@2012-08-01']);
  });

  it('treats a phase starting exactly now as current', () => {
    const timed = phaseTimeline(plan('team-monthly').plan, null, utc('2012-04-01T00:00:00Z'), utcZone);
    expect(currentAndNext(timed, utc('2012-05-01T00:00:00Z')).current?.phase.type).toBe('DISCOUNT');
    expect(currentAndNext(timed, utc('2012-04-30T23:59:59Z')).next?.phase.type).toBe('DISCOUNT');
    expect(currentAndNext(timed, utc('2013-01-01T00:00:00Z')).next).toBeNull();
  });

  it('aligns to the bundle by default and to the subscription where the catalog says so', () => {
    const version = saas.versionAt(utc('2024-06-01T00:00:00Z'));
    const sub = utc('2012-04-15T00:00:00Z');
    const bundle = utc('2012-04-01T00:00:00Z');
    expect(createPlanStart(version, 'extra-seats-monthly', sub, bundle)).toBe(bundle);
    expect(createPlanStart(version, 'archive-annual', sub, bundle)).toBe(sub);
  });
});
