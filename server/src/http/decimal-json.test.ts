import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { parseDecimalJson } from './decimal-json.js';

describe('parseDecimalJson', () => {
  it('makes every number a decimal from its own digits, so no amount passes through a double', () => {
    const v = parseDecimalJson('[{"amount":0.30000000000000004,"n":12345678901234567890.123,"e":1.5e3,"neg":-0.10}]') as Record<string, Decimal>[];
    expect(v[0]!['amount']!.toFixed()).toBe('0.30000000000000004');
    expect(v[0]!['n']!.toFixed()).toBe('12345678901234567890.123');
    expect(v[0]!['e']!.toFixed()).toBe('1500');
    expect(v[0]!['neg']!.toFixed()).toBe('-0.1');
  });

  it('leaves strings (digits, escapes, a NUL-like text) and the other JSON values as they are', () => {
    expect(parseDecimalJson('{"id":"12-34","q":"say \\"5\\"","u":"\\u0000num:7","t":true,"z":null,"a":[]}')).toEqual({
      id: '12-34',
      q: 'say "5"',
      u: '\u0000num:7',
      t: true,
      z: null,
      a: [],
    });
  });

  it('rejects malformed JSON with JSON.parse’s error', () => {
    expect(() => parseDecimalJson('{"amount": 01}')).toThrow(SyntaxError);
    expect(() => parseDecimalJson('[1,')).toThrow(SyntaxError);
  });
});
