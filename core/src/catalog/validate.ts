import type { CatalogVersion } from './types.js';
import { validatePlans } from './validation/plans.js';
import { validateReferences } from './validation/references.js';
import { validateRules } from './validation/rules.js';

/**
 * Kill Bill's validation of one catalog version (StandaloneCatalog.validate and the classes under it),
 * plus the reference checks JAXB does for Kill Bill. Empty = valid. A plan lacking a price in one of the
 * declared currencies is valid (killbill-semantics §13): that fails later, when an account in that
 * currency subscribes.
 */
export function validateCatalog(version: CatalogVersion): string[] {
  return [...validateReferences(version), ...validatePlans(version), ...validateRules(version)];
}
