import {
  phaseName, phasesOf,
  type CatalogVersion, type InternationalPrice, type Limit, type Phase, type Plan, type Recurring, type Usage,
} from '../types.js';

/**
 * Kill Bill's per-plan rules (DefaultPlan, DefaultPlanPhase, DefaultDuration, DefaultRecurring,
 * DefaultInternationalPrice, DefaultUsage, DefaultTier, DefaultBlock, DefaultLimit and
 * StandaloneCatalog.validatePlanDuration), with their message texts. Where Kill Bill's text does not name
 * the element, the message starts with where it is (`plan 'x': phase TRIAL: ...`).
 */
export function validatePlans(version: CatalogVersion): string[] {
  const errors: string[] = [];
  const versionName = version.effectiveDate.toISO() ?? '';
  for (const plan of version.plans) {
    validatePlan(version, plan, versionName, errors);
  }
  return errors;
}

function validatePlan(version: CatalogVersion, plan: Plan, versionName: string, errors: string[]): void {
  const at = `plan '${plan.name}'`;
  const effective = plan.effectiveDateForExistingSubscriptions;
  if (effective !== null && effective.toMillis() < version.effectiveDate.toMillis()) {
    errors.push(`${at}: Price effective date ${effective.toISO()} is before catalog effective date '${versionName}'`);
  }
  for (const phase of plan.initialPhases) {
    if (phase.type === 'EVERGREEN') {
      errors.push(`Initial Phase ${phaseName(plan, phase)} of plan ${plan.name} cannot be of type ${phase.type}`);
    }
  }
  for (const phase of plan.initialPhases) {
    // An initial phase that never ends makes every later phase (at least the final one) unreachable.
    if (phase.duration.unit === 'UNLIMITED') {
      errors.push(`Initial Phase ${phaseName(plan, phase)} of plan ${plan.name} has an UNLIMITED duration: the phases after it would never start`);
    }
  }
  if (plan.finalPhase.type === 'TRIAL' || plan.finalPhase.type === 'DISCOUNT') {
    errors.push(`Final Phase ${phaseName(plan, plan.finalPhase)} of plan ${plan.name} cannot be of type ${plan.finalPhase.type}`);
  }
  for (const phase of phasesOf(plan)) {
    validatePhase(version, plan, phase, versionName, errors);
  }
}

function validatePhase(version: CatalogVersion, plan: Plan, phase: Phase, versionName: string, errors: string[]): void {
  const at = `plan '${plan.name}': phase ${phase.type}`;
  const name = phaseName(plan, phase);
  if (phase.fixed === null && phase.recurring === null && phase.usages.length === 0) {
    errors.push(`Phase ${phase.type} of plan ${plan.name} need to define at least either a fixed or recurrring or usage section.`);
  }
  const { unit, number } = phase.duration;
  if (unit === 'UNLIMITED' && number !== null) {
    errors.push(`${at}: duration: Duration can only have 'UNLIMITED' unit if the number is omitted`);
  } else if (unit !== 'UNLIMITED' && number === null) {
    errors.push(`${at}: duration: Finite Duration must have a well defined length`);
  }
  if (phase.type === 'EVERGREEN' && unit !== 'UNLIMITED') {
    errors.push(`EVERGREEN Phase '${name}' for plan '${plan.name}' in version '${versionName}' must have duration as UNLIMITED'`);
  } else if (phase.type !== 'EVERGREEN' && unit === 'UNLIMITED') {
    errors.push(`'${phase.type}' Phase '${name}' for plan '${plan.name}' in version '${versionName}' must not have duration as UNLIMITED'`);
  }
  if (phase.fixed !== null) validatePrices(version, phase.fixed.price, `${at}: fixed price`, errors);
  if (phase.recurring !== null) validateRecurring(version, plan, phase, phase.recurring, errors);
  for (const usage of phase.usages) {
    validateUsage(version, name, usage, errors);
  }
}

function validateRecurring(version: CatalogVersion, plan: Plan, phase: Phase, recurring: Recurring, errors: string[]): void {
  if (recurring.price !== null) {
    validatePrices(version, recurring.price, `plan '${plan.name}': phase ${phase.type}: recurring price`, errors);
    if (recurring.billingPeriod === 'NO_BILLING_PERIOD') {
      errors.push(`Recurring section of Phase ${phase.type} of plan ${plan.name} has a recurring price but no billing period`);
    }
  } else if (recurring.billingPeriod !== 'NO_BILLING_PERIOD') {
    errors.push(`Recurring section of Phase ${phase.type} of plan ${plan.name} has no recurring price but does have a billing period. The billing period should be set to 'NO_BILLING_PERIOD'`);
  }
}

/** A price in an undeclared currency or below zero is refused; a declared currency without a price is fine (§13). */
export function validatePrices(version: CatalogVersion, prices: InternationalPrice | null, at: string, errors: string[]): void {
  for (const price of prices ?? []) {
    if (!version.currencies.includes(price.currency)) errors.push(`${at}: Unsupported currency: ${price.currency}`);
    if (price.value !== null && price.value.lt(0)) {
      errors.push(`${at}: Negative value for price in currency: ${price.currency}`);
    }
  }
}

function validateLimits(limits: readonly Limit[], at: string, errors: string[]): void {
  limits.forEach((limit, i) => {
    if (limit.min !== null && limit.max !== null && limit.max.lt(limit.min)) errors.push(`${at}: limit ${i + 1}: max must be greater than min`);
  });
}

function validateUsage(version: CatalogVersion, phase: string, usage: Usage, errors: string[]): void {
  const at = `usage '${usage.name}'`;
  const kind = `${usage.billingMode} ${usage.usageType}`;
  if (usage.billingMode === 'IN_ADVANCE' && usage.usageType === 'CAPACITY' && usage.limits.length === 0) {
    errors.push(`${at}: Usage [${kind}] section of phase ${phase} needs to define some limits`);
  }
  if (usage.billingMode === 'IN_ADVANCE' && usage.usageType === 'CONSUMABLE' && usage.blocks.length === 0) {
    errors.push(`${at}: Usage [${kind}] section of phase ${phase} needs to define some blocks`);
  }
  if (usage.billingMode === 'IN_ARREAR' && usage.tiers.length === 0) {
    errors.push(`${at}: Usage [IN_ARREAR] section of phase ${phase} needs to define some tiers`);
  }
  validateLimits(usage.limits, at, errors);
  validatePrices(version, usage.fixedPrice, `${at}: fixed price`, errors);
  validatePrices(version, usage.recurringPrice, `${at}: recurring price`, errors);
  usage.blocks.forEach((block, i) => {
    validateBlock(version, phase, block, `${at}: block ${i + 1}`, errors);
  });
  usage.tiers.forEach((tier, t) => {
    const tierAt = `${at}: tier ${t + 1}`;
    if (usage.billingMode === 'IN_ARREAR' && usage.usageType === 'CAPACITY' && tier.limits.length === 0) {
      errors.push(`${tierAt}: Usage [${kind}] section of phase ${phase} needs to define some limits`);
    }
    if (usage.billingMode === 'IN_ARREAR' && usage.usageType === 'CONSUMABLE' && tier.blocks.length === 0) {
      errors.push(`${tierAt}: Usage [${kind}] section of phase ${phase} needs to define some blocks`);
    }
    validateLimits(tier.limits, tierAt, errors);
    validatePrices(version, tier.fixedPrice, `${tierAt}: fixed price`, errors);
    validatePrices(version, tier.recurringPrice, `${tierAt}: recurring price`, errors);
    tier.blocks.forEach((block, b) => {
      validateBlock(version, phase, block, `${tierAt}: tieredBlock ${b + 1}`, errors);
    });
  });
}

function validateBlock(version: CatalogVersion, phase: string, block: Usage['blocks'][number], at: string, errors: string[]): void {
  if (block.type === 'TOP_UP' && block.minTopUpCredit === null) {
    errors.push(`${at}: TOP_UP block needs to define minTopUpCredit for phase ${phase}`);
  }
  validatePrices(version, block.prices, `${at}: prices`, errors);
}
