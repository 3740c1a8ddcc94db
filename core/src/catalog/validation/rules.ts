import type { CatalogVersion, Rules } from '../types.js';
import { RULE_SECTIONS } from '../xml/rules-shape.js';

/** Kill Bill's "Duplicate rule for ..." wording per section (DefaultPlanRules.validate). */
const DUPLICATE_LABEL: Record<keyof Rules, string> = {
  changePolicy: 'change plan',
  cancelPolicy: 'plan cancellation',
  changeAlignment: 'plan change alignment',
  createAlignment: 'create plan alignment',
  billingAlignment: 'billing alignment',
  priceList: 'price list transition',
};

type Case = Readonly<Record<string, string | undefined>>;

/**
 * DefaultPlanRules.validate and the cases' own checks: change and cancel need an unqualified default case;
 * a case equal to an earlier one (qualifiers and result) is a duplicate; START_OF_TERM is not a catalog
 * cancel policy (DefaultCaseCancelPolicy). Names a case refers to must exist (they are XmlIDREFs in Kill Bill).
 */
export function validateRules(version: CatalogVersion): string[] {
  const errors: string[] = [];
  const products = new Set(version.products.map((p) => p.name));
  const priceLists = new Set([version.priceLists.defaultPriceList, ...version.priceLists.childPriceLists].map((p) => p.name));
  for (const section of RULE_SECTIONS) {
    const cases = version.rules[section.key] as readonly Case[];
    const seen = new Set<string>();
    cases.forEach((c, i) => {
      const at = `rules: ${section.element} ${i + 1}`;
      const text = describe(c, section.qualifiers.map((q) => q[1]), section.result[1]);
      if (seen.has(text)) errors.push(`${at}: Duplicate rule for ${DUPLICATE_LABEL[section.key]} ${text}`);
      seen.add(text);
      for (const [xml, key, values] of [...section.qualifiers, section.result]) {
        const name = c[key];
        if (values !== null || name === undefined) continue;
        const known = xml.endsWith('roduct') ? products.has(name) : priceLists.has(name);
        if (!known) errors.push(`${at}: ${xml} '${name}' is not a declared ${xml.endsWith('roduct') ? 'product' : 'price list'}`);
      }
    });
  }
  if (!version.rules.changePolicy.some((c) => isDefault(c, ['policy']))) errors.push('Missing default rule case for plan change');
  if (!version.rules.cancelPolicy.some((c) => isDefault(c, ['policy']))) errors.push('Missing default rule case for plan cancellation');
  version.rules.cancelPolicy.forEach((c, i) => {
    if (c.policy === 'START_OF_TERM') {
      errors.push(`rules: cancelPolicyCase ${i + 1}: Default catalog START_OF_TERM has not been implemented, such policy can be used during cancellation by overriding policy`);
    }
  });
  return errors;
}

function isDefault(c: object, resultKeys: readonly string[]): boolean {
  return Object.entries(c).every(([key, value]) => resultKeys.includes(key) || value === undefined);
}

function describe(c: Case, qualifiers: readonly string[], result: string): string {
  const parts = [result, ...qualifiers].filter((k) => c[k] !== undefined).map((k) => `${k}=${c[k]}`);
  return `{${parts.join(', ')}}`;
}
