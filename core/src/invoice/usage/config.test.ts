import { describe, expect, it } from 'vitest';
import { DEFAULT_USAGE_CONFIG, usageConfigOf } from './config.js';

describe('per-tenant usage settings', () => {
  it('falls back to Kill Bill’s defaults without a per-tenant configuration or without the keys', () => {
    expect(DEFAULT_USAGE_CONFIG).toEqual({ detailMode: 'AGGREGATE', missingLenient: false, zeroAmountDisabled: false });
    expect(usageConfigOf(null)).toEqual(DEFAULT_USAGE_CONFIG);
    expect(usageConfigOf('{"org.killbill.payment.retry.days":"1,2"}')).toEqual(DEFAULT_USAGE_CONFIG);
  });

  it('reads the three Kill Bill keys, as strings or JSON booleans, booleans in any case', () => {
    const text = JSON.stringify({
      'org.killbill.invoice.item.result.behavior.mode': 'DETAIL',
      'org.killbill.invoice.usage.missing.lenient': 'TRUE',
      'org.killbill.invoice.disable.usage.zero.amount': true,
    });
    expect(usageConfigOf(text)).toEqual({ detailMode: 'DETAIL', missingLenient: true, zeroAmountDisabled: true });
    expect(usageConfigOf('{"org.killbill.invoice.usage.missing.lenient":"yes"}').missingLenient).toBe(false);
  });

  it('refuses a mode Kill Bill does not know, rather than bill in a mode nobody chose', () => {
    expect(() => usageConfigOf('{"org.killbill.invoice.item.result.behavior.mode":"detail"}')).toThrowError(/must be AGGREGATE or DETAIL/);
  });
});
