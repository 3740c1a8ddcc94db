import { describe, expect, it } from 'vitest';
import { blockedAt, entitlementEvents, entitlementStateAt } from './entitlement-events.js';
import { blocking, create, phase, saas, utc } from '../../../test/support/subscription-fixtures.js';
import { stateAt, transitionsOf } from './timeline.js';

const transitions = () => transitionsOf([create('2012-04-01T10:00:00Z', 'starter-monthly', 'trial'), phase('2012-04-15T10:00:00Z', 'starter-monthly', 'evergreen')], saas);
const summary = (list: ReturnType<typeof entitlementEvents>) => list.map((e) => `${e.type}/${e.serviceName}/${e.effectiveDate.toISODate()}/${e.planPhase?.phase.type}`);

describe("a subscription's event list (SubscriptionEventOrdering)", () => {
  it('shows entitlement start, billing start and phases as Kill Bill does', () => {
    const list = entitlementEvents(transitions(), [blocking('ENT_STARTED', '2012-04-01T10:00:00Z')]);
    expect(summary(list)).toEqual([
      'START_ENTITLEMENT/entitlement-service/2012-04-01/TRIAL',
      'START_BILLING/billing-service/2012-04-01/TRIAL',
      'PHASE/entitlement+billing-service/2012-04-15/EVERGREEN',
    ]);
    expect(list.map((e) => e.serviceStateName)).toEqual(['ENT_STARTED', 'START_BILLING', 'PHASE']);
  });

  it('turns a bundle pause and resume into pause and resume events for entitlement and billing', () => {
    const states = [
      blocking('ENT_STARTED', '2012-04-01T10:00:00Z'),
      blocking('ENT_BLOCKED', '2012-05-01T00:00:00Z', { type: 'SUBSCRIPTION_BUNDLE', blockableId: 'bundle', blockChange: true, blockEntitlement: true, blockBilling: true }),
      blocking('ENT_CLEAR', '2012-05-10T00:00:00Z', { type: 'SUBSCRIPTION_BUNDLE', blockableId: 'bundle' }),
    ];
    expect(summary(entitlementEvents(transitions(), states)).slice(3)).toEqual([
      'PAUSE_ENTITLEMENT/entitlement-service/2012-05-01/EVERGREEN',
      'PAUSE_BILLING/billing-service/2012-05-01/EVERGREEN',
      'RESUME_ENTITLEMENT/entitlement-service/2012-05-10/EVERGREEN',
      'RESUME_BILLING/billing-service/2012-05-10/EVERGREEN',
    ]);
    expect(blockedAt(states, utc('2012-05-05T00:00:00Z'))).toEqual({ blockChange: true, blockEntitlement: true, blockBilling: true });
    expect(blockedAt(states, utc('2012-05-11T00:00:00Z')).blockEntitlement).toBe(false);
  });

  it('shows another service’s state as a service state change', () => {
    const list = entitlementEvents(transitions(), [blocking('ENT_STARTED', '2012-04-01T10:00:00Z'), blocking('WARNING', '2012-06-01T00:00:00Z', { service: 'overdue-service', type: 'ACCOUNT' })]);
    expect(list.at(-1)).toMatchObject({ type: 'SERVICE_STATE_CHANGE', serviceName: 'overdue-service', serviceStateName: 'WARNING' });
  });
});

describe('the entitlement state', () => {
  it('is PENDING until the entitlement date, ACTIVE after, BLOCKED while blocked and CANCELLED after its end', () => {
    const ts = transitions();
    const states = [blocking('ENT_STARTED', '2012-04-05T00:00:00Z'), blocking('ENT_CANCELLED', '2012-07-01T00:00:00Z')];
    const at = (iso: string, extra = states) => entitlementStateAt(stateAt(ts, utc(iso)).state, ts, extra, utc(iso)).state;
    expect(at('2012-04-02T00:00:00Z')).toBe('PENDING');
    expect(at('2012-04-06T00:00:00Z')).toBe('ACTIVE');
    expect(at('2012-06-01T00:00:00Z', [...states, blocking('ENT_BLOCKED', '2012-05-01T00:00:00Z', { blockEntitlement: true })])).toBe('BLOCKED');
    expect(at('2012-07-02T00:00:00Z')).toBe('CANCELLED');
  });
});
