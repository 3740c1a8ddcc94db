import { planNamed } from '../catalog/lookup.js';
import { CatalogTranslations, parseLocale } from '../catalog/translation.js';
import type { VersionedCatalog } from '../catalog/versioned.js';
import { catalogNames } from './html/catalog-names.js';
import type { InvoiceItem, InvoiceItemType } from './invoice.js';

/**
 * The pretty names an item's JSON carries (`prettyProductName`, `prettyPlanName`, `prettyPhaseName`,
 * `prettyUsageName`): Kill Bill's InvoiceItemFactory.computePrettyName, the catalog's `prettyName`
 * (the name when the catalog gives none), never translated — translation is for the HTML invoice only.
 *
 * As Kill Bill: only FIXED, RECURRING, TAX and USAGE items get them, and only when the item's plan is in
 * the catalog (otherwise all four are null). The names come from the catalog version the item was billed
 * with (`catalogEffectiveDate`, else its creation date), as the HTML invoice does (html/catalog-names.ts,
 * shared here without the translations). Kill Bill looks the plan up at the item's creation date; the two
 * differ only when a later version renamed a grandfathered plan.
 *
 * One catalog per response: the caller reads the tenant's catalog once and maps every item with the result.
 */
export interface ItemPrettyNames {
  readonly product: string | null;
  readonly plan: string | null;
  readonly phase: string | null;
  readonly usage: string | null;
}

export type PrettyNamesOf = (item: InvoiceItem) => ItemPrettyNames;

const WITH_PRETTY_NAMES: ReadonlySet<InvoiceItemType> = new Set(['FIXED', 'RECURRING', 'TAX', 'USAGE']);
const NONE: ItemPrettyNames = { product: null, plan: null, phase: null, usage: null };
/** No bundles: `translate` answers the pretty name, else the name. */
const UNTRANSLATED = new CatalogTranslations(new Map());
const ANY_LOCALE = parseLocale('en_US');

export function prettyNamesFrom(catalog: VersionedCatalog | null): PrettyNamesOf {
  if (!catalog || catalog.versions.length === 0) return () => NONE;
  const names = catalogNames(catalog, UNTRANSLATED, ANY_LOCALE);
  return (item) => {
    if (!WITH_PRETTY_NAMES.has(item.type) || item.planName === null) return NONE;
    const at = item.catalogEffectiveDate ?? item.createdDate;
    if (!planNamed(catalog.versionAt(at), item.planName)) return NONE;
    return {
      product: names.product(item.productName, at),
      plan: names.plan(item.planName, at),
      phase: names.phase(item.phaseName, at),
      usage: names.usage(item.usageName, at),
    };
  };
}
