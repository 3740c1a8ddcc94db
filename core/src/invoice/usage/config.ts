import { BillingError } from '../../errors/index.js';

/**
 * The three Kill Bill invoice settings usage billing reads per tenant (killbill-semantics.md §4 "Invoice config
 * defaults", §6), from the tenant's PER_TENANT_CONFIG JSON (`POST /1.0/kb/tenants/uploadPerTenantConfig`), each
 * falling back to Kill Bill's default when the tenant does not set it (MultiTenantInvoiceConfig).
 */

/** Kill Bill's UsageDetailMode: one USAGE item per period (AGGREGATE) or one per tier and unit (DETAIL). */
export type UsageDetailMode = 'AGGREGATE' | 'DETAIL';

export interface UsageConfig {
  /** `org.killbill.invoice.item.result.behavior.mode` (AGGREGATE). */
  readonly detailMode: UsageDetailMode;
  /** `org.killbill.invoice.usage.missing.lenient` (false): a re-run that finds less usage than billed skips the period instead of failing. */
  readonly missingLenient: boolean;
  /** `org.killbill.invoice.disable.usage.zero.amount` (false): $0 USAGE items (without a quantity) are not written. */
  readonly zeroAmountDisabled: boolean;
}

export const DEFAULT_USAGE_CONFIG: UsageConfig = { detailMode: 'AGGREGATE', missingLenient: false, zeroAmountDisabled: false };

const MODE_KEY = 'org.killbill.invoice.item.result.behavior.mode';
const LENIENT_KEY = 'org.killbill.invoice.usage.missing.lenient';
const ZERO_KEY = 'org.killbill.invoice.disable.usage.zero.amount';

/** The usage settings of a tenant whose PER_TENANT_CONFIG holds `text` (null: none uploaded). */
export function usageConfigOf(text: string | null | undefined): UsageConfig {
  const values = perTenantValues(text);
  const mode = values[MODE_KEY];
  return {
    detailMode: mode === undefined ? DEFAULT_USAGE_CONFIG.detailMode : detailMode(mode),
    missingLenient: values[LENIENT_KEY] === undefined ? DEFAULT_USAGE_CONFIG.missingLenient : isTrue(values[LENIENT_KEY]),
    zeroAmountDisabled: values[ZERO_KEY] === undefined ? DEFAULT_USAGE_CONFIG.zeroAmountDisabled : isTrue(values[ZERO_KEY]),
  };
}

/** The JSON object's values as strings (Kill Bill's PerTenantConfig is a map of strings); null values are unset. */
function perTenantValues(text: string | null | undefined): Record<string, string> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The upload route refuses anything but a JSON object, so only a hand-written row could get here.
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Boolean.parseBoolean: "true" in any case is true, anything else false. */
const isTrue = (v: string | undefined): boolean => v?.toLowerCase() === 'true';

/** UsageDetailMode.valueOf: an unknown name fails the run, as in Kill Bill, rather than bill in a mode nobody chose. */
function detailMode(v: string): UsageDetailMode {
  if (v === 'AGGREGATE' || v === 'DETAIL') return v;
  throw new BillingError('UNEXPECTED_ERROR', `The per-tenant configuration sets ${MODE_KEY} to '${v}': it must be AGGREGATE or DETAIL`, { key: MODE_KEY, value: v });
}
