import type { PaymentTransactionInfoDto } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { TenantContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { PageRequest, PaymentPluginProperty } from './payment-service.js';
import type { PaymentGateway } from './plugin-call.js';

/**
 * `GET /payments/search/{key}?withPluginInfo=true` (Kill Bill's PaymentRefresher.searchPayments with
 * withPluginInfo): the payments table is not searched at all; each payment plugin's searchPayments is, in
 * the order of getAvailablePlugins, and the page is the union of what they find (DefaultPaginationHelper
 * .getEntityPaginationFromPlugins):
 * - the request's offset goes to each plugin until one has found something, 0 to the plugins after it;
 *   each is asked for what the page still lacks, and once the page is full the rest are asked for 1
 *   (only for their count);
 * - a plugin's answers are grouped by kbPaymentId (an answer without one is dropped) into one payment
 *   each, whose transactions carry the answers as their plugin info; `exists` says which of those
 *   payments the tenant has, the others are dropped (Kill Bill's toPayment answers null for them); a
 *   payment two plugins both name shows once, with the first one's answers;
 * - a plugin that fails is logged and skipped (Kill Bill's "non-fatal, continue to search other plugins");
 * - totals add up over the plugins. Kill Bill adds the plugins' own Pagination counts; the protocol's
 *   searchPayments answers a list, so its length is what a plugin counts for.
 * With `pluginName` (the search's pluginName query, with or without withPluginInfo) only that plugin is
 * searched, and there its failure fails the search: PAYMENT_PLUGIN_SEARCH_PAYMENTS (7105; a timeout stays
 * PAYMENT_PLUGIN_TIMEOUT, as on every read of one), a name that is no payment plugin
 * PAYMENT_NO_SUCH_PAYMENT_PLUGIN (7028).
 */

export interface PluginSearchDeps {
  readonly gateway: Pick<PaymentGateway, 'paymentPlugins' | 'isPaymentPlugin' | 'searchPayments'>;
  readonly logger: Logger;
}

/** One payment a plugin found, with what it reported for its transactions. */
export interface PluginFound {
  readonly paymentId: string;
  readonly pluginName: string;
  readonly infos: readonly PaymentTransactionInfoDto[];
}

export interface PluginSearchResult {
  readonly found: readonly PluginFound[];
  /** Σ over the plugins of what each answered (TotalNbRecords, and MaxNbRecords alike). */
  readonly total: number;
}

export async function searchPaymentPlugins(
  deps: PluginSearchDeps,
  ctx: TenantContext,
  searchKey: string,
  page: PageRequest,
  properties: readonly PaymentPluginProperty[],
  exists: (paymentIds: readonly string[]) => Promise<ReadonlySet<string>>,
  only: string | null = null,
): Promise<PluginSearchResult> {
  if (only !== null && !deps.gateway.isPaymentPlugin(only)) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_PLUGIN', `Payment plugin ${only} is not registered`, { pluginName: only });
  const found: PluginFound[] = [];
  let total = 0;
  let firstSearch = true;
  for (const pluginName of only !== null ? [only] : deps.gateway.paymentPlugins()) {
    const full = found.length >= page.limit;
    const offset = firstSearch ? page.offset : 0;
    let answers: readonly PaymentTransactionInfoDto[];
    try {
      answers = await deps.gateway.searchPayments(ctx, pluginName, searchKey, offset, full ? 1 : page.limit - found.length, properties);
    } catch (err) {
      if (!isBillingError(err) || (err.code !== 'PAYMENT_PLUGIN_EXCEPTION' && err.code !== 'PAYMENT_PLUGIN_TIMEOUT')) throw err;
      if (only !== null) {
        if (err.code === 'PAYMENT_PLUGIN_TIMEOUT') throw err;
        throw new BillingError('PAYMENT_PLUGIN_SEARCH_PAYMENTS', `Error while searching payments in plugin ${pluginName} for search key ${searchKey}`, { pluginName, searchKey });
      }
      deps.logger.warn({ plugin: pluginName, searchKey, code: err.code, err: err.message }, 'payment search skipped a plugin that failed');
      continue;
    }
    const list = Array.isArray(answers) ? answers : [];
    total += list.length;
    if (!full) {
      const byPayment = groupByPayment(list);
      const known = await exists([...byPayment.keys()]);
      for (const [paymentId, infos] of byPayment) {
        if (found.some((f) => f.paymentId === paymentId)) continue;
        if (known.has(paymentId)) found.push({ paymentId, pluginName, infos });
        else deps.logger.warn({ plugin: pluginName, paymentId, searchKey }, 'payment search dropped a payment the plugin found and the tenant does not have');
      }
    }
    firstSearch = found.length === 0;
  }
  return { found, total };
}

/** The answers by kbPaymentId, in the order the plugin first named each payment. */
function groupByPayment(answers: readonly PaymentTransactionInfoDto[]): Map<string, PaymentTransactionInfoDto[]> {
  const out = new Map<string, PaymentTransactionInfoDto[]>();
  for (const answer of answers) {
    if (!answer || typeof answer !== 'object' || typeof answer.kbPaymentId !== 'string' || answer.kbPaymentId === '') continue;
    const list = out.get(answer.kbPaymentId);
    if (list) list.push(answer);
    else out.set(answer.kbPaymentId, [answer]);
  }
  return out;
}
