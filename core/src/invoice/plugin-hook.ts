import type { Decimal } from 'decimal.js';
import type { CallContext } from '../context.js';
import type { LocalDate } from '../subscription/account-time.js';
import type { Invoice, InvoiceItemType } from './invoice.js';

/**
 * How invoicing reaches the `invoice` extension point without knowing about worker pools: the engine hands
 * the invoice service an implementation (core/src/plugins/invoice-plugins.ts) that calls every active plugin
 * with `invoice` in its manifest, in the configured order (KB_INVOICE_PLUGINS, else by name), within the
 * extension point's deadline. A plugin that fails or times out fails the run (the account is parked and
 * retried, §4.9), so a tax plugin being down never produces an invoice without its taxes.
 */

export interface AdditionalItem {
  readonly type: InvoiceItemType;
  readonly amount: Decimal;
  readonly linkedItemId: string | null;
  readonly subscriptionId: string | null;
  readonly bundleId: string | null;
  readonly description: string | null;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate | null;
  readonly itemDetails: string | null;
  /**
   * Always set. The id of an item of the proposed invoice: the plugin replaces that item (Kill Bill lets a
   * plugin return an item with an existing id; type, links and dates stay the existing item's, amount,
   * description and details are the plugin's). Any other id: a new item to write with that id (the plugin's
   * own, or one the hook chose), so an item of a later plugin may link to it.
   */
  readonly id: string;
  /** True when `id` is an item of the proposed invoice that this item replaces. */
  readonly replaces: boolean;
}

export interface PluginItems {
  /** `name@version` of the plugin that added them (recorded in each item's explanation). */
  readonly plugin: string;
  readonly items: readonly AdditionalItem[];
}

export interface InvoicePluginHook {
  /**
   * The proposed invoice (not yet written: its items carry their future ids) and the account's existing
   * invoices; answers each plugin's additional items in call order. Throws BillingError
   * INVOICE_PLUGIN_API_ABORTED (or PLUGIN_FAILURE-like codes) when a plugin fails.
   */
  additionalItems(ctx: CallContext, invoice: Invoice, existingInvoices: readonly Invoice[], dryRun: boolean): Promise<readonly PluginItems[]>;
  /**
   * Kill Bill's invoice-run hooks (optional: NO_INVOICE_PLUGINS has none). `priorCall` before the run:
   * throws INVOICE_PLUGIN_API_ABORTED when a plugin aborts, else answers the earliest reschedule date any
   * plugin asked for (null: none). `onSuccessCall` / `onFailureCall` after it; they never throw (a plugin
   * failing there is logged, as Kill Bill does).
   */
  priorCall?(ctx: CallContext, run: InvoiceRunContext): Promise<{ readonly rescheduleDate: string | null }>;
  onSuccessCall?(ctx: CallContext, run: InvoiceRunContext): Promise<void>;
  onFailureCall?(ctx: CallContext, run: InvoiceRunContext): Promise<void>;
}

/** Kill Bill's InvoiceContext for the run hooks. */
export interface InvoiceRunContext {
  readonly targetDate: LocalDate | null;
  /** The invoice written (onSuccessCall), or null (priorCall, a run that wrote none). */
  readonly invoice: Invoice | null;
  readonly existingInvoices: readonly Invoice[];
  readonly dryRun: boolean;
  readonly rescheduled: boolean;
}

/** No invoice plugin installed. */
export const NO_INVOICE_PLUGINS: InvoicePluginHook = { additionalItems: async () => [] };
