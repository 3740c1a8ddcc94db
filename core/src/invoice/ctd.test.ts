import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../subscription/account-time.js';
import { chargedThroughDatesOf } from './ctd.js';

const d = (s: string) => s as LocalDate;

describe('charged-through dates of committed items', () => {
  it('is the latest end of recurring items, or the end (else start) of fixed items, per subscription', () => {
    const ctds = chargedThroughDatesOf([
      { type: 'FIXED', subscriptionId: 'a', startDate: d('2012-04-01'), endDate: d('2012-05-01') },
      { type: 'RECURRING', subscriptionId: 'a', startDate: d('2012-05-01'), endDate: d('2012-06-01') },
      { type: 'FIXED', subscriptionId: 'b', startDate: d('2012-04-10'), endDate: null },
      { type: 'CBA_ADJ', subscriptionId: null, startDate: d('2012-07-01'), endDate: d('2012-07-01') },
      { type: 'REPAIR_ADJ', subscriptionId: 'a', startDate: d('2012-05-15'), endDate: d('2012-07-01') },
    ]);
    expect(Object.fromEntries(ctds)).toEqual({ a: '2012-06-01', b: '2012-04-10' });
  });
});
