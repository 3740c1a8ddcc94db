import { IANAZone } from 'luxon';
import { BillingError } from '../errors/index.js';

/** An IANA zone name (Europe/Paris), or UTC; luxon decides what exists, not a list of our own. */
export function parseTimeZone(value: string): string {
  if (value === 'UTC') return value;
  if (!/^[A-Za-z]/.test(value) || !IANAZone.isValidZone(value)) {
    throw new BillingError('INVALID_PARAMETER', `Invalid time zone '${value.slice(0, 64)}': expected an IANA name such as Europe/Paris`, {
      timeZone: value,
    });
  }
  return value;
}
