import {
  BILLING_MODES, BILLING_PERIODS, PHASE_TYPES, TIME_UNITS,
  type BillingMode, type Duration, type Phase, type Plan, type Recurring,
} from '../types.js';
import { readOptionalPrices, readUsage } from './parse-usage.js';
import type { XmlItem, XmlReader } from './reader.js';

function readDuration(r: XmlReader, phase: XmlItem, where: string): Duration {
  const item = r.required(phase, 'duration', where);
  const at = `${where}: duration`;
  r.only(item, ['unit', 'number'], [], at);
  const unit = r.enumValue(TIME_UNITS, r.requiredText(item, 'unit', at), at, 'unit');
  const raw = r.optionalText(item, 'number', at);
  const number = raw === undefined || raw === '' ? -1 : r.integer(raw, `${at}: number`);
  // Kill Bill stores an omitted number as -1 (CatalogSafetyInitializer); validate.ts checks -1 against the unit.
  return { unit, number: number === -1 ? null : number };
}

function readRecurring(r: XmlReader, phase: XmlItem, where: string): Recurring | null {
  const item = r.optional(phase, 'recurring', where);
  if (item === undefined) return null;
  const at = `${where}: recurring`;
  r.only(item, ['billingPeriod', 'recurringPrice'], [], at);
  return {
    billingPeriod: r.enumValue(BILLING_PERIODS, r.requiredText(item, 'billingPeriod', at), `${at}: billingPeriod`, 'billing period'),
    price: readOptionalPrices(r, item, 'recurringPrice', at),
  };
}

function readPhase(r: XmlReader, item: XmlItem, where: string): Phase {
  const type = r.enumValue(PHASE_TYPES, r.requiredAttr(item, 'type', where), where, 'type');
  const at = `${where} ${type}`;
  r.only(item, ['duration', 'fixed', 'recurring', 'usages'], ['type', 'prettyName'], at);
  const fixed = r.optional(item, 'fixed', at);
  if (fixed !== undefined) {
    r.only(fixed, ['fixedPrice'], ['type'], `${at}: fixed`);
    const fixedType = r.attr(fixed, 'type');
    if (fixedType !== undefined) r.enumValue(['ONE_TIME'], fixedType, `${at}: fixed`, 'type');
  }
  // A `<fixed>` without `<fixedPrice>`, like an empty `<fixedPrice/>`, is a $0 fixed item (Kill Bill's idiomatic trial).
  const fixedPrice = fixed === undefined ? null : readOptionalPrices(r, fixed, 'fixedPrice', `${at}: fixed`);
  return {
    type,
    prettyName: r.attr(item, 'prettyName') ?? null,
    duration: readDuration(r, item, at),
    fixed: fixed === undefined ? null : { price: fixedPrice ?? [] },
    recurring: readRecurring(r, item, at),
    usages: r.list(item, 'usages', 'usage', at).map((u, i) => readUsage(r, u, `${at}: usage ${i + 1}`)),
  };
}

/** `catalogMode` undefined: the catalog declares no recurringBillingMode (it is optional there too). */
export function readPlan(r: XmlReader, item: XmlItem, catalogMode: BillingMode | undefined, index: number): Plan {
  const name = r.requiredAttr(item, 'name', `plan ${index + 1}`);
  const at = name === '' ? `plan ${index + 1}` : `plan '${name}'`;
  r.only(item, ['effectiveDateForExistingSubscriptions', 'product', 'recurringBillingMode', 'initialPhases', 'finalPhase',
    'plansAllowedInBundle'], ['name', 'prettyName'], at);
  const effective = r.optionalText(item, 'effectiveDateForExistingSubscriptions', at);
  const ownMode = r.optionalText(item, 'recurringBillingMode', at);
  const allowed = r.optionalText(item, 'plansAllowedInBundle', at);
  const initialPhases = r.list(item, 'initialPhases', 'phase', at).map((p) => readPhase(r, p, `${at}: phase`));
  const finalPhase = readPhase(r, r.required(item, 'finalPhase', at), `${at}: finalPhase`);
  const mode = ownMode !== undefined ? r.enumValue(BILLING_MODES, ownMode, `${at}: recurringBillingMode`, 'mode') : catalogMode;
  const billsRecurring = [...initialPhases, finalPhase].some((p) => p.recurring !== null && p.recurring.billingPeriod !== 'NO_BILLING_PERIOD');
  // DefaultPlan.validate: only pure-usage plans may have no billing mode at all.
  if (mode === undefined && billsRecurring) r.fail(at, `Invalid recurring billingMode for plan '${name}'`);
  return {
    name,
    prettyName: r.attr(item, 'prettyName') ?? null,
    product: r.requiredText(item, 'product', at),
    recurringBillingMode: mode ?? 'IN_ADVANCE',
    effectiveDateForExistingSubscriptions:
      effective === undefined ? null : r.dateTime(effective, `${at}: effectiveDateForExistingSubscriptions`),
    initialPhases,
    finalPhase,
    plansAllowedInBundle: allowed === undefined || allowed === '' ? -1 : r.integer(allowed, `${at}: plansAllowedInBundle`),
  };
}
