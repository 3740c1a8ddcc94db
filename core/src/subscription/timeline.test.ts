import { describe, expect, it } from 'vitest';
import { event, create, phase, saas, utc } from '../../../test/support/subscription-fixtures.js';
import { lastPlanTransition, stateAt, transitionsOf } from './timeline.js';

const trial = () => [create('2012-04-01T10:00:00Z', 'team-monthly', 'trial'), phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount')];

describe('deriving a subscription from its events', () => {
  it('resolves each event to the plan and phase it leads to', () => {
    const ts = transitionsOf(trial(), saas);
    expect(ts.map((t) => [t.type, t.prev?.phase.type ?? null, t.next?.phase.type ?? null])).toEqual([
      ['CREATE', null, 'TRIAL'],
      ['PHASE', 'TRIAL', 'DISCOUNT'],
    ]);
    expect(ts[1]!.next).toMatchObject({ priceListName: 'DEFAULT', product: { name: 'Team', category: 'BASE' } });
  });

  it('is PENDING before the start, showing what it will start with', () => {
    const s = stateAt(transitionsOf(trial(), saas), utc('2012-03-31T00:00:00Z'));
    expect([s.state, s.current, s.lastActive?.phase.type, s.startDate?.toISO()]).toEqual(['PENDING', null, 'TRIAL', '2012-04-01T10:00:00.000Z']);
  });

  it('is ACTIVE in the phase in force, with the later ones pending', () => {
    const ts = transitionsOf(trial(), saas);
    expect(stateAt(ts, utc('2012-04-20T00:00:00Z'))).toMatchObject({ state: 'ACTIVE', current: { phase: { type: 'TRIAL' } }, quantity: 1 });
    expect(stateAt(ts, utc('2012-04-20T00:00:00Z')).pending.map((t) => t.type)).toEqual(['PHASE']);
    expect(stateAt(ts, utc('2012-05-01T10:00:00Z')).current?.phase.type).toBe('DISCOUNT');
  });

  it('is CANCELLED after a cancel, which keeps what it last ran', () => {
    const events = [...trial(), event('API_USER', '2012-05-15T00:00:00Z', { apiType: 'CANCEL' })];
    const s = stateAt(transitionsOf(events, saas), utc('2012-06-01T00:00:00Z'));
    expect([s.state, s.current, s.lastActive?.phase.type, s.endDate?.toISO()]).toEqual(['CANCELLED', null, 'DISCOUNT', '2012-05-15T00:00:00.000Z']);
  });

  it('ignores deactivated events, as an uncancel leaves a cancel', () => {
    const events = [...trial(), event('API_USER', '2012-05-15T00:00:00Z', { apiType: 'CANCEL', isActive: false }), event('API_USER', '2012-05-02T00:00:00Z', { apiType: 'UNCANCEL' })];
    const s = stateAt(transitionsOf(events, saas), utc('2012-06-01T00:00:00Z'));
    expect([s.state, s.endDate, s.current?.phase.type]).toEqual(['ACTIVE', null, 'DISCOUNT']);
  });

  it('orders events of one instant: the start before its settings, phases after them', () => {
    const at = '2012-04-01T10:00:00Z';
    const events = [phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount'), event('BCD_UPDATE', at, { billCycleDayLocal: 15 }), event('QUANTITY_UPDATE', at, { quantity: 3 }), create(at, 'team-monthly', 'trial')];
    const ts = transitionsOf(events, saas);
    expect(ts.map((t) => t.type)).toEqual(['CREATE', 'BCD_CHANGE', 'QUANTITY_CHANGE', 'PHASE']);
    expect(stateAt(ts, utc('2012-04-02T00:00:00Z'))).toMatchObject({ billCycleDayLocal: 15, quantity: 3 });
    expect(stateAt(ts, utc('2012-03-01T00:00:00Z'))).toMatchObject({ state: 'PENDING', billCycleDayLocal: 15, quantity: 3 });
  });

  it('expires a fixed term', () => {
    const events = [create('2012-04-01T00:00:00Z', 'onboarding-workshop', 'fixedterm'), event('EXPIRED', '2012-04-15T00:00:00Z')];
    expect(stateAt(transitionsOf(events, saas), utc('2012-04-16T00:00:00Z')).state).toBe('EXPIRED');
  });

  it('finds the transition that chose the current plan', () => {
    const ts = transitionsOf(trial(), saas);
    expect(lastPlanTransition(ts, utc('2012-06-01T00:00:00Z'))?.type).toBe('CREATE');
    expect(lastPlanTransition(ts, utc('2012-01-01T00:00:00Z'))?.type).toBe('CREATE');
  });
});
