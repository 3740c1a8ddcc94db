// @ts-check
/**
 * Exact decimal arithmetic on the protocol's decimal strings, as scaled integers (bigint): a plugin runs
 * from its own folder with no dependencies, so decimal.js is out of reach, and a JS number would lose
 * cents. A value is `{ units, scale }` = units / 10^scale. Rounding is Kill Bill's HALF_UP (ties away
 * from zero), the only mode taxes need.
 */

/** @typedef {{ readonly units: bigint, readonly scale: number }} Dec */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** @type {Dec} */
export const ZERO = { units: 0n, scale: 0 };

/**
 * @param {string | number} value a decimal string ("12.50"); a finite number is read through its shortest string form (0.2 → "0.2")
 * @returns {Dec}
 */
export function parse(value) {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const m = typeof text === 'string' ? DECIMAL.exec(text.trim()) : null;
  if (!m) throw new Error(`simple-tax: not a decimal number: ${JSON.stringify(value)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] === '-' ? -units : units, scale: fraction.length };
}

/**
 * @param {bigint} n
 */
const pow10 = (n) => 10n ** n;

/**
 * @param {Dec} a
 * @param {Dec} b
 * @returns {[bigint, bigint, number]} both as units of the larger scale
 */
function align(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(BigInt(scale - a.scale)), b.units * pow10(BigInt(scale - b.scale)), scale];
}

/**
 * @param {Dec} a
 * @param {Dec} b
 * @returns {Dec}
 */
export function add(a, b) {
  const [x, y, scale] = align(a, b);
  return { units: x + y, scale };
}

/**
 * @param {Dec} a
 * @returns {Dec}
 */
export function negate(a) {
  return { units: -a.units, scale: a.scale };
}

/**
 * @param {Dec} a
 * @param {Dec} b
 * @returns {Dec}
 */
export function multiply(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/**
 * @param {Dec} a
 * @param {Dec} b
 * @returns {-1 | 0 | 1}
 */
export function compare(a, b) {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * @param {Dec} a
 * @returns {-1 | 0 | 1}
 */
export function sign(a) {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

/**
 * @param {Dec} a
 * @returns {Dec}
 */
export function abs(a) {
  return a.units < 0n ? negate(a) : a;
}

/**
 * a / b rounded HALF_UP to `digits` decimals: a/b·10^d = A·10^(sb+d) / (B·10^sa), one integer division.
 * @param {Dec} a
 * @param {Dec} b
 * @param {number} digits
 * @returns {Dec}
 */
export function divide(a, b, digits) {
  if (b.units === 0n) throw new Error('simple-tax: division by zero');
  const numerator = (a.units < 0n ? -a.units : a.units) * pow10(BigInt(b.scale + digits));
  const denominator = (b.units < 0n ? -b.units : b.units) * pow10(BigInt(a.scale));
  let q = numerator / denominator;
  if (2n * (numerator % denominator) >= denominator) q += 1n;
  const negative = a.units < 0n !== b.units < 0n;
  return { units: negative ? -q : q, scale: digits };
}

/**
 * HALF_UP to `digits` decimals.
 * @param {Dec} a
 * @param {number} digits
 * @returns {Dec}
 */
export function round(a, digits) {
  return divide(a, { units: 1n, scale: 0 }, digits);
}

/**
 * With exactly `digits` decimals ("12.50", "-0.07", "1200" for 0 digits), rounding HALF_UP if needed.
 * @param {Dec} a
 * @param {number} digits
 */
export function format(a, digits) {
  const r = round(a, digits);
  const negative = r.units < 0n;
  const text = (negative ? -r.units : r.units).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** ISO 4217 minor units where they are not 2 (Kill Bill's currencies; BTC as Kill Bill registers it). */
const MINOR_DIGITS = /** @type {Readonly<Record<string, number>>} */ ({
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BTC: 8,
});

/**
 * @param {string} currency
 */
export function minorDigits(currency) {
  return MINOR_DIGITS[currency] ?? 2;
}
