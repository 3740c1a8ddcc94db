// @ts-check
/**
 * Decimal-string amounts as exact scaled integers (bigint), so the gateway compares money without
 * floating point and without a runtime dependency.
 */

const SCALE = 18;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** @param {string} amount */
export function units(amount) {
  const m = DECIMAL.exec(amount.trim());
  if (!m || (m[3] ?? '').length > SCALE) throw new Error(`test-payment: not a decimal amount: "${amount}"`);
  const value = BigInt((m[2] ?? '0') + (m[3] ?? '').padEnd(SCALE, '0'));
  return m[1] === '-' ? -value : value;
}

/** @param {bigint} value */
export function format(value) {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const fraction = (abs % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / FACTOR}${fraction ? `.${fraction}` : ''}`;
}
