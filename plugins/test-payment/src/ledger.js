// @ts-check
/**
 * What the test gateway remembers, in the plugin's own per-tenant storage (ctx.killbill.*PluginValue):
 * every transaction it answered, per payment, so getPaymentInfo can report them and captures, refunds
 * and voids are checked against them as a real gateway would. Read-then-write is safe here: Kill Bill
 * serializes the transactions of one payment (it holds the account lock around a payment call).
 */
import { randomUUID } from 'node:crypto';
import { format, units } from './amount.js';

/** @typedef {import('@billwright/plugin-api').PluginContext} PluginContext */
/** @typedef {import('@billwright/plugin-api').PaymentTransactionInfoDto} PaymentTransactionInfoDto */
/** @typedef {import('@billwright/plugin-api').PaymentMethodPluginDto} PaymentMethodPluginDto */
/** @typedef {import('@billwright/plugin-api').TransactionType} TransactionType */

/** @param {string} paymentId */
const paymentKey = (paymentId) => `payment:${paymentId}`;
/** @param {string} accountId */
const accountMethodsKey = (accountId) => `method-book:${accountId}`;

const REFERENCE = /^tp_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_[0-9a-f]{12}$/;

/**
 * A new gateway reference for a transaction of this payment. It names the payment (as many gateways'
 * references carry the merchant's order id), so finding a payment by reference needs no index of its own.
 * @param {string} paymentId
 */
export function newReference(paymentId) {
  return `tp_${paymentId}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/**
 * @template T
 * @param {PluginContext} ctx
 * @param {string} key
 * @param {T} fallback
 * @returns {Promise<T>}
 */
async function readJson(ctx, key, fallback) {
  const text = await ctx.killbill.getPluginValue(key);
  return text === null ? fallback : /** @type {T} */ (JSON.parse(text));
}

/**
 * @param {PluginContext} ctx
 * @param {string} paymentId
 * @returns {Promise<PaymentTransactionInfoDto[]>}
 */
export function transactionsOf(ctx, paymentId) {
  return readJson(ctx, paymentKey(paymentId), /** @type {PaymentTransactionInfoDto[]} */ ([]));
}

/**
 * @param {PluginContext} ctx
 * @param {PaymentTransactionInfoDto} transaction
 * @param {readonly PaymentTransactionInfoDto[]} [recorded] what the caller has just read for this payment (saves a read)
 */
export async function record(ctx, transaction, recorded) {
  const all = recorded ?? (await transactionsOf(ctx, transaction.kbPaymentId));
  await ctx.killbill.putPluginValue(paymentKey(transaction.kbPaymentId), JSON.stringify([...all, transaction]));
}

/**
 * The payment id a gateway reference (firstPaymentReferenceId, newReference) names, or null.
 * @param {string} reference
 */
export function paymentOfReference(reference) {
  const named = REFERENCE.exec(reference);
  if (named) return named[1] ?? null;
  // Not one of ours: the caller looks it up as a payment id.
  return null;
}

/**
 * Why the gateway refuses this capture/refund/void given what it recorded, or null when it accepts it.
 * A payment it never saw is accepted: it may predate the plugin's storage.
 * @param {readonly PaymentTransactionInfoDto[]} recorded
 * @param {TransactionType} type
 * @param {string | null} amount
 * @returns {{ code: string, message: string } | null}
 */
export function refusal(recorded, type, amount) {
  if (recorded.length === 0) return null;
  // PENDING counts as taken: a gateway reserves what it is still settling.
  /** @param {TransactionType} t */
  const total = (t) =>
    recorded.filter((r) => r.transactionType === t && (r.status === 'PROCESSED' || r.status === 'PENDING')).reduce((sum, r) => sum + units(r.amount ?? '0'), 0n);
  const voided = recorded.some((r) => r.transactionType === 'VOID' && r.status === 'PROCESSED');
  const wanted = units(amount ?? '0');
  if (type === 'VOID') {
    if (voided) return { code: 'already_voided', message: 'The authorization was already voided.' };
    if (total('CAPTURE') > 0n) return { code: 'already_captured', message: 'A captured authorization cannot be voided.' };
    return null;
  }
  if (type === 'CAPTURE') {
    if (voided) return { code: 'authorization_voided', message: 'The authorization was voided.' };
    const left = total('AUTHORIZE') - total('CAPTURE');
    return wanted > left ? { code: 'amount_exceeds_authorization', message: `Capture of ${amount} exceeds the ${format(left)} left to capture.` } : null;
  }
  if (type === 'REFUND') {
    const left = total('PURCHASE') + total('CAPTURE') - total('REFUND');
    return wanted > left ? { code: 'amount_exceeds_settled', message: `Refund of ${amount} exceeds the ${format(left)} left to refund.` } : null;
  }
  return null;
}

/**
 * An account's methods, in one value: the ids still listed (getPaymentMethods) and every method's detail,
 * the deleted ones' too. One read and one write per change: a checkout adds a method per customer.
 * @param {PluginContext} ctx
 * @param {string} accountId
 * @returns {Promise<{ listed: string[], details: Record<string, PaymentMethodPluginDto> }>}
 */
function currentBook(ctx, accountId) {
  return readJson(ctx, accountMethodsKey(accountId), { listed: /** @type {string[]} */ ([]), details: /** @type {Record<string, PaymentMethodPluginDto>} */ ({}) });
}

/**
 * @param {PluginContext} ctx
 * @param {string} accountId
 * @param {PaymentMethodPluginDto} method
 */
export async function addMethod(ctx, accountId, method) {
  const book = await currentBook(ctx, accountId);
  const id = method.kbPaymentMethodId;
  const listed = book.listed.includes(id) ? book.listed : [...book.listed, id];
  await ctx.killbill.putPluginValue(accountMethodsKey(accountId), JSON.stringify({ listed, details: { ...book.details, [id]: method } }));
}

/**
 * Storage has no delete, so a removed method only leaves its account's list (getPaymentMethods); its detail stays readable.
 * @param {PluginContext} ctx
 * @param {string} accountId
 * @param {string} methodId
 */
export async function deleteMethod(ctx, accountId, methodId) {
  const book = await currentBook(ctx, accountId);
  await ctx.killbill.putPluginValue(accountMethodsKey(accountId), JSON.stringify({ ...book, listed: book.listed.filter((id) => id !== methodId) }));
}

/**
 * @param {PluginContext} ctx
 * @param {string} accountId
 * @param {string} methodId
 * @returns {Promise<PaymentMethodPluginDto | null>}
 */
export async function methodOf(ctx, accountId, methodId) {
  return (await currentBook(ctx, accountId)).details[methodId] ?? null;
}

/**
 * The account's listed methods with their details.
 * @param {PluginContext} ctx
 * @param {string} accountId
 * @returns {Promise<{ id: string, method: PaymentMethodPluginDto | null }[]>}
 */
export async function methodsOf(ctx, accountId) {
  const book = await currentBook(ctx, accountId);
  return book.listed.map((id) => ({ id, method: book.details[id] ?? null }));
}

/**
 * A webhook's news about a PENDING transaction: the recorded answer takes the settled status (a decline
 * with the gateway's error), so getPaymentInfo reports it. Returns false when the ledger has no such
 * PENDING transaction.
 * @param {PluginContext} ctx
 * @param {string} paymentId
 * @param {string} transactionId
 * @param {{ status: 'PROCESSED' | 'ERROR', gatewayErrorCode: string | null, gatewayError: string | null }} outcome
 */
export async function settleRecorded(ctx, paymentId, transactionId, outcome) {
  const all = await transactionsOf(ctx, paymentId);
  const at = all.findIndex((t) => t.kbTransactionPaymentId === transactionId && t.status === 'PENDING');
  if (at < 0) return false;
  const next = all.map((t, i) => (i === at ? { ...t, ...outcome } : t));
  await ctx.killbill.putPluginValue(paymentKey(paymentId), JSON.stringify(next));
  return true;
}
