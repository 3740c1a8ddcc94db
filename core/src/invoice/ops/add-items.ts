import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { AccountId } from '../../values/ids.js';
import type { InvoiceDeps } from '../deps.js';
import type { NewItemRequest } from '../invoice-service.js';
import type { InvoiceItem, InvoiceStatus } from '../invoice.js';
import type { InvoiceRow } from '../model.js';
import { roundMoney } from '../money.js';
import { insertInvoice, insertItems, type NewItem } from '../store.js';
import { applyCredit } from '../credit.js';
import { emitInvoiceCreation } from './events.js';
import { inAccountTx, itemCurrency, lockedInvoiceRow, reloadInvoices, type OpFrame } from './frame.js';
import { pluginItemsFor, pluginsAfter, pluginsBefore } from './plugins.js';

/**
 * External charges, tax items and credits (DefaultInvoiceUserApi.insertItems, §4.6–4.7): items without an
 * invoiceId go on one new invoice (COMMITTED, or DRAFT when !autoCommit) dated today with the effective
 * date as its target date; items naming an invoice go on it if it is a DRAFT (a COMMITTED one is
 * INVOICE_ALREADY_COMMITTED). Credit is then generated or used (CBA), INVOICE_CREATION is posted for a new
 * COMMITTED invoice and INVOICE_ADJUSTMENT for every other invoice the credit touched. Answers the items
 * written from the request (not the CBA_ADJ items), as Kill Bill's DAO returns them.
 */

export type AddedKind = 'EXTERNAL_CHARGE' | 'TAX' | 'CREDIT_ADJ';

export interface AddOptions {
  readonly autoCommit: boolean;
  readonly requestedDate?: LocalDate | null;
}

const PERMISSION = { EXTERNAL_CHARGE: 'account:charge', TAX: 'account:charge', CREDIT_ADJ: 'account:credit' } as const;

export async function addItems(deps: InvoiceDeps, ctx: CallContext, accountId: AccountId, kind: AddedKind, requests: readonly NewItemRequest[], options: AddOptions): Promise<InvoiceItem[]> {
  return inAccountTx(deps, ctx, accountId, PERMISSION[kind], async (f) => {
    // Checked once the permission is (Kill Bill checks permissions before anything else).
    if (requests.length === 0) throw new BillingError('INVALID_PARAMETER', 'At least one item is required', {});
    for (const r of requests) checkAmount(kind, r);
    const effective = options.requestedDate ?? f.today;
    await pluginsBefore(f, effective);
    const status: InvoiceStatus = options.autoCommit ? 'COMMITTED' : 'DRAFT';
    const existing = new Map<string, InvoiceRow>();
    const fresh: NewItem[] = [];
    const onExisting = new Map<string, NewItem[]>();
    let currency = null as ReturnType<typeof itemCurrency> | null;
    for (const r of requests) {
      const c = itemCurrency(f.account, r.currency);
      currency ??= c;
      const item = newItem(kind, r, effective, c);
      if (!r.invoiceId) {
        fresh.push(item);
        continue;
      }
      const row = existing.get(r.invoiceId) ?? (await draftInvoice(f, r.invoiceId));
      existing.set(row.id, row);
      onExisting.set(row.id, [...(onExisting.get(row.id) ?? []), item]);
    }

    const created: InvoiceItem[] = [];
    const newInvoiceIds: string[] = [];
    if (fresh.length > 0) {
      const invoice = await insertInvoice(f.em, ctx, deps.clock, {
        account: f.account,
        status,
        invoiceDate: f.today,
        targetDate: effective,
        currency: currency!,
        items: fresh,
      });
      newInvoiceIds.push(invoice.id);
      created.push(...invoice.items);
    }
    for (const [id, items] of onExisting) created.push(...(await insertItems(f.em, ctx, deps.clock, existing.get(id)!, items)));

    const candidates = [...newInvoiceIds, ...onExisting.keys()];
    for (const id of candidates) await pluginItemsFor(f, id);
    // Credit generated or used; other COMMITTED invoices paid by credit post INVOICE_ADJUSTMENT there (items
    // appended to a DRAFT change nothing anyone acts on).
    await applyCredit(f.em, ctx, deps.clock, f.account, { invoiceIds: candidates, created: new Set(newInvoiceIds) });
    const now = await reloadInvoices(f.em, f.account.recordId, newInvoiceIds);
    for (const id of newInvoiceIds) if (status === 'COMMITTED') emitInvoiceCreation(f.em, ctx, deps.clock, now.get(id)!);
    await pluginsAfter(f, effective, candidates);
    return created;
  });
}

/** Kill Bill refuses a missing or negative charge or credit amount; a tax is taken as given. Credits must be > 0 here. */
function checkAmount(kind: AddedKind, r: NewItemRequest): void {
  const a = r.amount;
  if (kind === 'EXTERNAL_CHARGE' && (a === null || a.lt(0))) {
    throw new BillingError('EXTERNAL_CHARGE_AMOUNT_INVALID', `External charge amount ${a === null ? 'null' : a.toString()} should be strictly positive`, { amount: a?.toString() ?? null });
  }
  if (kind === 'CREDIT_ADJ' && (a === null || !a.gt(0))) {
    throw new BillingError('CREDIT_AMOUNT_INVALID', `Credit amount ${a === null ? 'null' : a.toString()} should be strictly positive`, { amount: a?.toString() ?? null });
  }
  if (kind === 'TAX' && a === null) throw new BillingError('INVALID_PARAMETER', 'Field amount is required for a tax item', { field: 'amount' });
}

async function draftInvoice(f: OpFrame, invoiceId: string): Promise<InvoiceRow> {
  const row = await lockedInvoiceRow(f, invoiceId);
  if (row.status === 'COMMITTED') {
    throw new BillingError('INVOICE_ALREADY_COMMITTED', `Cannot add credit or external charge for invoice id ${row.id} because it is already in COMMITTED status`, { invoiceId: row.id });
  }
  if (row.status === 'VOID') throw new BillingError('INVOICE_VOID_UPDATED', `Cannot modify a Voided invoice: id=${row.id}`, { invoiceId: row.id });
  return row;
}

function newItem(kind: AddedKind, r: NewItemRequest, effective: LocalDate, currency: ReturnType<typeof itemCurrency>): NewItem {
  const amount = roundMoney(r.amount!, currency);
  const explanation = { kind: 'API', operation: kind } as const;
  switch (kind) {
    case 'EXTERNAL_CHARGE':
      return {
        type: 'EXTERNAL_CHARGE',
        bundleId: r.bundleId ?? null,
        subscriptionId: r.subscriptionId ?? null,
        productName: r.productName ?? null,
        planName: r.planName ?? null,
        phaseName: r.phaseName ?? null,
        description: r.description ?? null,
        startDate: r.startDate ?? effective,
        endDate: r.endDate ?? null,
        amount,
        rate: r.rate ? roundMoney(r.rate, currency) : null,
        linkedItemId: r.linkedInvoiceItemId ?? null,
        quantity: r.quantity ?? null,
        itemDetails: r.itemDetails ?? null,
        explanation,
      };
    case 'TAX':
      return {
        type: 'TAX',
        bundleId: r.bundleId ?? null,
        description: r.description ?? null,
        startDate: r.startDate ?? effective,
        // Kill Bill's TaxInvoiceItem keeps no end date; the taxed item is kept when given.
        endDate: null,
        amount,
        linkedItemId: r.linkedInvoiceItemId ?? null,
        explanation,
      };
    case 'CREDIT_ADJ':
      return {
        type: 'CREDIT_ADJ',
        description: r.description ?? null,
        startDate: effective,
        endDate: effective,
        // Kill Bill negates the credit here: the item takes the amount off, its CBA_ADJ gives it to the account.
        amount: amount.negated(),
        rate: r.rate ? roundMoney(r.rate, currency) : null,
        quantity: r.quantity ?? null,
        itemDetails: r.itemDetails ?? null,
        explanation: { kind: 'API', operation: 'CREDIT' },
      };
  }
}
