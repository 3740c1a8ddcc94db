import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { advancedSearchFilter } from './search-query.js';

describe('Kill Bill advanced account queries', () => {
  it('ANDs column clauses, with equality by default', () => {
    expect(advancedSearchFilter('_q=1&address2=Poitier&currency[neq]=MXN')).toEqual({
      $and: [{ address2: { $eq: 'Poitier' } }, { currency: { $ne: 'MXN' } }],
    });
  });

  it('types booleans and numbers and keeps two bounds on one column', () => {
    expect(advancedSearchFilter('_q=1&migrated=true&billing_cycle_day_local[gte]=5&billing_cycle_day_local[lt]=10')).toEqual({
      $and: [{ migrated: { $eq: true } }, { billingCycleDayLocal: { $gte: 5 } }, { billingCycleDayLocal: { $lt: 10 } }],
    });
  });

  it('skips columns outside the allow list, as Kill Bill does', () => {
    expect(advancedSearchFilter('_q=1&tenant_record_id=1&is_closed=1')).toEqual({});
  });

  it('refuses an unknown operator', () => {
    let error: unknown;
    try {
      advancedSearchFilter('_q=1&name[regex]=x');
    } catch (e) {
      error = e;
    }
    expect(isBillingError(error, 'INVALID_PARAMETER')).toBe(true);
  });
});
