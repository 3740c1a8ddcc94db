import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { saas, utc } from '../../../test/support/subscription-fixtures.js';
import { checkPrices, checkSpec, resolveSpecs } from './specs.js';

const at = utc('2024-06-01T00:00:00Z');
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isBillingError(e) ? e.code : 'not a BillingError';
  }
  return undefined;
}

describe('checking what a creation asks for', () => {
  it('wants a plan name, or the whole product triplet, never both', () => {
    expect(codeOf(() => checkSpec({ planName: 'team-monthly' }))).toBeUndefined();
    expect(codeOf(() => checkSpec({ productName: 'Team', productCategory: 'BASE', billingPeriod: 'MONTHLY', priceListName: 'DEFAULT' }))).toBeUndefined();
    expect(codeOf(() => checkSpec({ productName: 'Team', billingPeriod: 'MONTHLY', priceListName: 'DEFAULT' }))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkSpec({ planName: 'team-monthly', billingPeriod: 'MONTHLY' }))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkSpec({ planName: 'team-monthly', hasPriceOverrides: true }))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkSpec({ planName: 'team-monthly', billCycleDayLocal: 32 }))).toBe('INVALID_PARAMETER');
  });

  it('puts the base first and refuses two bases or a standalone among them', () => {
    const { ordered, hasBase } = resolveSpecs(saas, [{ planName: 'extra-seats-monthly' }, { planName: 'team-monthly' }], at);
    expect([ordered.map((r) => r.plan.name), hasBase]).toEqual([['team-monthly', 'extra-seats-monthly'], true]);
    expect(resolveSpecs(saas, [{ planName: 'extra-seats-monthly' }], at).hasBase).toBe(false);
    expect(codeOf(() => resolveSpecs(saas, [{ planName: 'team-monthly' }, { planName: 'starter-monthly' }], at))).toBe('SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER');
    expect(codeOf(() => resolveSpecs(saas, [{ planName: 'team-monthly' }, { planName: 'onboarding-workshop' }], at))).toBe('SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER');
  });

  it('finds a plan by product and records the price list it belongs to', () => {
    const [r] = resolveSpecs(saas, [{ productName: 'Team', billingPeriod: 'MONTHLY', priceListName: 'LAUNCH' }], at).ordered;
    expect([r!.plan.name, r!.priceListName]).toEqual(['team-monthly-launch', 'LAUNCH']);
  });

  it('refuses a plan with no price in the account currency', () => {
    const [archive] = resolveSpecs(saas, [{ planName: 'archive-annual' }], at).ordered;
    expect(codeOf(() => checkPrices(archive!, 'EUR'))).toBe('CAT_NO_PRICE_FOR_CURRENCY');
    expect(codeOf(() => checkPrices(archive!, 'USD'))).toBeUndefined();
  });
});
