import type { DateTime } from 'luxon';
import { planNamed, productNamed } from '../../catalog/lookup.js';
import {
  CatalogTranslations,
  catalogTranslationKey,
  localeTag,
  parseProperties,
  type Locale,
  type TranslationStore,
} from '../../catalog/translation.js';
import type { CatalogVersion, Phase, Usage } from '../../catalog/types.js';
import { phaseName, phasesOf } from '../../catalog/types.js';
import type { VersionedCatalog } from '../../catalog/versioned.js';
import type { TenantContext } from '../../context.js';
import { isBillingError } from '../../errors/index.js';
import { invoiceTranslationChain } from './translation.js';

/**
 * The names an invoice item shows, in the account's language: the catalog's pretty names (of the catalog
 * version the item was billed from) run through the tenant's catalog translations, as Kill Bill's
 * DefaultInvoiceItemFormatter does with its DefaultCatalogTranslator.
 */
export interface CatalogNames {
  /** A catalog name or free text (an item description) translated; null stays null. */
  translate(text: string | null): string | null;
  product(name: string | null, at: DateTime): string | null;
  plan(name: string | null, at: DateTime): string | null;
  phase(name: string | null, at: DateTime): string | null;
  usage(name: string | null, at: DateTime): string | null;
}

export function catalogNames(catalog: VersionedCatalog | null, translations: CatalogTranslations, locale: Locale): CatalogNames {
  const versionAt = (at: DateTime): CatalogVersion | null => {
    if (!catalog || catalog.versions.length === 0) return null;
    return catalog.versionAt(at);
  };
  const named = (name: string | null, pretty: (v: CatalogVersion) => string | null | undefined, at: DateTime): string | null => {
    if (name === null) return null;
    const version = versionAt(at);
    return translations.translate(name, locale, version ? pretty(version) ?? null : null);
  };
  const phaseOf = (v: CatalogVersion, name: string) => namesOf(v).phases.get(name);
  const usageOf = (v: CatalogVersion, name: string) => namesOf(v).usages.get(name);
  return {
    translate: (text) => (text === null ? null : translations.translate(text, locale)),
    product: (name, at) => named(name, (v) => productNamed(v, name!)?.prettyName, at),
    plan: (name, at) => named(name, (v) => planNamed(v, name!)?.prettyName, at),
    phase: (name, at) => named(name, (v) => phaseOf(v, name!)?.prettyName, at),
    usage: (name, at) => named(name, (v) => usageOf(v, name!)?.prettyName, at),
  };
}

/** Phases and usages by name, built once per version (versions are immutable and cached per tenant). */
const versionNames = new WeakMap<CatalogVersion, { phases: Map<string, Phase>; usages: Map<string, Usage> }>();

function namesOf(version: CatalogVersion): { phases: Map<string, Phase>; usages: Map<string, Usage> } {
  let names = versionNames.get(version);
  if (!names) {
    names = { phases: new Map(), usages: new Map() };
    for (const plan of version.plans) {
      for (const phase of phasesOf(plan)) {
        names.phases.set(phaseName(plan, phase), phase);
        for (const usage of phase.usages) if (!names.usages.has(usage.name)) names.usages.set(usage.name, usage);
      }
    }
    versionNames.set(version, names);
  }
  return names;
}

/**
 * A tenant's catalog translations for `locale` with the same fallback as invoice strings (the locale, its
 * language, then en_US: Kill Bill's default catalog bundle), merged into one bundle under the locale's tag.
 * A stored file that no longer parses is skipped.
 */
export async function loadCatalogTranslationsWithDefault(store: TranslationStore, ctx: TenantContext, locale: Locale): Promise<CatalogTranslations> {
  const merged = new Map<string, string>();
  for (const step of invoiceTranslationChain(locale).reverse()) {
    const text = (await store.getValues(ctx, catalogTranslationKey(step))).values[0];
    if (text === undefined) continue;
    try {
      for (const [key, value] of parseProperties(text)) merged.set(key, value);
    } catch (e) {
      if (!isBillingError(e)) throw e;
    }
  }
  return new CatalogTranslations(new Map([[localeTag(locale), merged]]));
}
