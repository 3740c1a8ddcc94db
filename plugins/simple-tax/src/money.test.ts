import { describe, expect, it } from 'vitest';
import { add, compare, divide, format, minorDigits, multiply, parse, round } from './money.js';

const f = (text: string, digits = 2) => format(parse(text), digits);

describe('simple-tax money', () => {
  it('reads decimal strings exactly and writes them with the currency digits', () => {
    expect(f('12.5')).toBe('12.50');
    expect(f('-0.07')).toBe('-0.07');
    expect(f('1200', 0)).toBe('1200');
    expect(f('0.12345678', 8)).toBe('0.12345678');
    expect(format(parse(0.2), 3)).toBe('0.200');
    expect(() => parse('1e3')).toThrow(/not a decimal/);
    expect(() => parse('12,50')).toThrow(/not a decimal/);
  });

  it('rounds HALF_UP, ties away from zero, as Kill Bill', () => {
    expect(format(round(parse('2.345'), 2), 2)).toBe('2.35');
    expect(format(round(parse('2.3449'), 2), 2)).toBe('2.34');
    expect(format(round(parse('-2.345'), 2), 2)).toBe('-2.35');
    expect(f('0.005')).toBe('0.01');
    expect(f('0.5', 0)).toBe('1');
  });

  it('multiplies and adds without floating point', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point
    expect(format(add(parse('0.1'), parse('0.2')), 20)).toBe('0.30000000000000000000');
    expect(format(multiply(parse('19.99'), parse('0.20')), 4)).toBe('3.9980');
    expect(format(round(multiply(parse('29.95'), parse('0.055')), 2), 2)).toBe('1.65'); // 1.64725
    expect(compare(parse('1.10'), parse('1.1'))).toBe(0);
  });

  it('divides with one rounding at the end', () => {
    expect(format(divide(parse('-10'), parse('3'), 2), 2)).toBe('-3.33');
    expect(format(divide(parse('-7.70'), parse('8.02'), 4), 4)).toBe('-0.9601');
    expect(format(divide(parse('1'), parse('8'), 2), 2)).toBe('0.13');
    expect(() => divide(parse('1'), parse('0.00'), 2)).toThrow(/division by zero/);
  });

  it('knows the minor unit of the currencies that do not have 2', () => {
    expect([minorDigits('USD'), minorDigits('JPY'), minorDigits('KWD'), minorDigits('BTC')]).toEqual([2, 0, 3, 8]);
  });
});
