import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { stringifyKb } from './kb-json.js';

describe('stringifyKb', () => {
  it('writes decimals as JSON numbers with every digit kept', () => {
    const json = stringifyKb({ amount: new Decimal('12345678901234.123456789'), list: [new Decimal('-0.10')], none: null });
    expect(json).toBe('{"amount":12345678901234.123456789,"list":[-0.1],"none":null}');
  });

  it('leaves strings that merely look like the marker alone', () => {
    expect(stringifyKb({ s: 'dec:5' })).toBe('{"s":"dec:5"}');
  });
});
