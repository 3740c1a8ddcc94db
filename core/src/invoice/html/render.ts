import type { Account } from '../../account/account.js';
import type { VersionedCatalog } from '../../catalog/versioned.js';
import { parseLocale, type Locale, type TranslationStore } from '../../catalog/translation.js';
import type { TenantContext } from '../../context.js';
import { BillingError, isBillingError } from '../../errors/index.js';
import type { AccountId } from '../../values/ids.js';
import type { Invoice } from '../invoice.js';
import { catalogNames, loadCatalogTranslationsWithDefault } from './catalog-names.js';
import { DEFAULT_INVOICE_TEMPLATE, DEFAULT_MANUAL_PAY_TEMPLATE } from './default-template.js';
import { DEFAULT_LOCALE, INVOICE_MP_TEMPLATE_KEY, INVOICE_TEMPLATE_KEY } from './keys.js';
import { renderTemplate, TemplateSyntaxError } from './mustache.js';
import { loadInvoiceStrings } from './translation.js';
import { invoiceView, type InvoiceViewInput } from './view.js';

/**
 * An invoice as HTML (GET /1.0/kb/invoices/{id}/html; Kill Bill's HtmlInvoiceGenerator): the tenant's
 * template, or the manual-pay one for accounts tagged MANUAL_PAY, else Billwright's defaults; strings from
 * the tenant's invoice translation for the account's locale; product and plan names from its catalog
 * translation; dates and amounts formatted for the locale. `{{x}}` is HTML-escaped, so account data
 * (names, addresses) cannot inject markup.
 */

/** The pure step: a template (null: the default one) rendered with the invoice's view. */
export function renderInvoiceHtml(input: InvoiceViewInput & { readonly template: string | null }): string {
  const template = input.template ?? (input.manualPay ? DEFAULT_MANUAL_PAY_TEMPLATE : DEFAULT_INVOICE_TEMPLATE);
  try {
    return renderTemplate(template, invoiceView(input));
  } catch (e) {
    // Uploads are checked, but a value put straight into the key/value store is not: say so, not a 500.
    if (!(e instanceof TemplateSyntaxError)) throw e;
    throw new BillingError('INVOICE_TEMPLATE_INVALID', `The tenant's stored invoice template does not parse (${e.message}): upload a valid one`, {
      line: e.line,
      column: e.column,
    });
  }
}

/** The account's locale (Kill Bill's LocaleUtils.toLocale), en_US when it has none or one that does not parse. */
export function accountLocale(account: Pick<Account, 'locale'>): Locale {
  if (!account.locale) return DEFAULT_LOCALE;
  try {
    return parseLocale(account.locale);
  } catch (e) {
    if (isBillingError(e)) return DEFAULT_LOCALE;
    throw e;
  }
}

export interface InvoiceHtmlDeps {
  readonly tenants: TranslationStore;
  readonly accounts: { getById(ctx: TenantContext, id: AccountId): Promise<Account> };
  readonly tags: { hasControlTag(ctx: TenantContext, objectId: string, name: 'MANUAL_PAY'): Promise<boolean> };
  readonly catalog: { get(ctx: TenantContext): Promise<VersionedCatalog | null> };
}

export interface InvoiceHtmlRenderer {
  render(ctx: TenantContext, invoice: Invoice): Promise<string>;
}

export function createInvoiceHtmlRenderer(deps: InvoiceHtmlDeps): InvoiceHtmlRenderer {
  return {
    async render(ctx, invoice) {
      const account = await deps.accounts.getById(ctx, invoice.accountId as AccountId);
      const locale = accountLocale(account);
      const [manualPay, strings, translations, catalog] = await Promise.all([
        deps.tags.hasControlTag(ctx, account.id, 'MANUAL_PAY'),
        loadInvoiceStrings(deps.tenants, ctx, locale),
        loadCatalogTranslationsWithDefault(deps.tenants, ctx, locale),
        deps.catalog.get(ctx).catch((e: unknown) => {
          // A catalog that no longer loads only costs the pretty names.
          if (isBillingError(e)) return null;
          throw e;
        }),
      ]);
      const key = manualPay ? INVOICE_MP_TEMPLATE_KEY : INVOICE_TEMPLATE_KEY;
      const template = (await deps.tenants.getValues(ctx, key)).values[0] ?? null;
      return renderInvoiceHtml({ invoice, account, locale, strings, names: catalogNames(catalog, translations, locale), manualPay, template });
    },
  };
}
