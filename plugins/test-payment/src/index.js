// @ts-check
/**
 * test-payment: a configurable fake gateway for tests and demos. The tenant's config or the call's
 * `test.*` plugin properties (settings.js) make each transaction call succeed (PROCESSED with a gateway
 * reference), decline (ERROR with a gateway error code and message), go PENDING, be CANCELED or
 * UNDEFINED, throw, hang until the host's deadline, or succeed slowly. What it answered is recorded
 * (ledger.js), so getPaymentInfo reports it and over-captures, over-refunds and voids after a capture
 * are declined as a real gateway would.
 */
import { paymentOfReference, addMethod, deleteMethod, methodOf, methodsOf, newReference, record, refusal, transactionsOf } from './ledger.js';
import { settings } from './settings.js';
import { buildFormDescriptor, processNotification } from './gateway-api.js';

/** @typedef {import('@billwright/plugin-api').PluginDefinition} PluginDefinition */
/** @typedef {import('@billwright/plugin-api').PluginContext} PluginContext */
/** @typedef {import('@billwright/plugin-api').PaymentRequestDto} PaymentRequestDto */
/** @typedef {import('@billwright/plugin-api').VoidRequest} VoidRequest */
/** @typedef {import('@billwright/plugin-api').PaymentTransactionInfoDto} PaymentTransactionInfoDto */
/** @typedef {import('@billwright/plugin-api').PaymentPluginStatus} PaymentPluginStatus */
/** @typedef {import('@billwright/plugin-api').TransactionType} TransactionType */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {Record<'succeed' | 'slow' | 'pending' | 'cancel' | 'undefined' | 'partial', PaymentPluginStatus>} */
const STATUS = { succeed: 'PROCESSED', slow: 'PROCESSED', pending: 'PENDING', cancel: 'CANCELED', undefined: 'UNDEFINED', partial: 'PROCESSED' };

/**
 * This call's mode: the next entry of the tenant's `sequence` while one is left, else `mode`.
 * @param {PluginContext} ctx
 * @param {import('./settings.js').Settings} s
 * @returns {Promise<import('./settings.js').Mode>}
 */
async function modeOf(ctx, s) {
  if (s.sequence.length === 0) return s.mode;
  const key = `sequence:${s.sequence.join(',')}`;
  const used = Number((await ctx.killbill.getPluginValue(key)) ?? '0');
  await ctx.killbill.putPluginValue(key, String(used + 1));
  return s.sequence[used] ?? s.mode;
}

/**
 * What getPaymentInfo reports: with `settle`, unsettled answers (PENDING, UNDEFINED, a hung call) as settled since.
 * @param {PluginContext} ctx
 * @param {string} paymentId
 */
async function paymentInfo(ctx, paymentId) {
  const s = settings(ctx, []);
  const recorded = await transactionsOf(ctx, paymentId);
  const settled = s.settle;
  if (!settled) return recorded;
  return recorded.map((t) => (t.status === 'PENDING' || t.status === 'UNDEFINED' ? { ...t, status: settled, ...(settled === 'ERROR' ? { gatewayErrorCode: s.declineCode, gatewayError: s.declineMessage } : {}) } : t));
}

/**
 * @param {TransactionType} type
 * @returns {(req: PaymentRequestDto | VoidRequest, ctx: PluginContext) => Promise<PaymentTransactionInfoDto>}
 */
function transaction(type) {
  return async (req, ctx) => {
    const s = settings(ctx, req.properties);
    const mode = await modeOf(ctx, s);
    if (mode === 'throw') throw new Error(`test-payment: mode=throw (${type})`);
    // The gateway took the call (recorded UNDEFINED, as a lost answer) and never answers: the host's
    // deadline ends it, Billwright records UNKNOWN and its janitor asks getPaymentInfo later.
    if (mode === 'hang') {
      await record(ctx, { kbPaymentId: req.kbPaymentId, kbTransactionPaymentId: req.kbTransactionId, transactionType: type, amount: 'amount' in req ? req.amount : null, currency: 'currency' in req ? req.currency : null, createdDate: null, effectiveDate: null, status: 'UNDEFINED', gatewayErrorCode: null, gatewayError: null, firstPaymentReferenceId: newReference(req.kbPaymentId), secondPaymentReferenceId: null, properties: [{ key: 'test.mode', value: 'hang' }] });
      return new Promise(() => {});
    }
    if (mode === 'slow') await sleep(s.slowMs);

    const amount = 'amount' in req ? (mode === 'partial' && s.partialAmount !== null ? s.partialAmount : req.amount) : null;
    const currency = 'currency' in req ? req.currency : null;
    const recorded = await transactionsOf(ctx, req.kbPaymentId);
    const refused = refusal(recorded, type, amount);
    const declined = refused ?? (mode === 'decline' ? { code: s.declineCode, message: s.declineMessage } : null);
    const status = declined ? 'ERROR' : STATUS[/** @type {keyof typeof STATUS} */ (mode)];

    /** @type {PaymentTransactionInfoDto} */
    const result = {
      kbPaymentId: req.kbPaymentId,
      kbTransactionPaymentId: req.kbTransactionId,
      transactionType: type,
      amount,
      currency,
      createdDate: null,
      effectiveDate: null,
      status,
      gatewayErrorCode: declined?.code ?? null,
      gatewayError: declined?.message ?? null,
      // A declined call still gets a reference: gateways identify failed attempts too.
      firstPaymentReferenceId: newReference(req.kbPaymentId),
      secondPaymentReferenceId: null,
      properties: [{ key: 'test.mode', value: mode }],
    };
    await record(ctx, result, recorded);
    return result;
  };
}

/** @type {PluginDefinition} */
export default {
  name: 'test-payment',

  // A payment-control plugin when a request names it (controlPluginName=test-payment): the call's
  // `test.control=abort` aborts it (422), `test.control.amount=X` adjusts its amount, and after a failure
  // `test.control.retryAt=<ISO date>` asks for a retry then.
  paymentControl: {
    priorCall: async ({ properties }) => {
      const value = (/** @type {string} */ key) => properties.find((p) => p.key === key)?.value ?? null;
      if (value('test.control') === 'abort') return { isAborted: true };
      const amount = value('test.control.amount');
      return amount === null ? {} : { adjustedAmount: String(amount) };
    },
    onFailureCall: async ({ properties }) => {
      const retryAt = properties.find((p) => p.key === 'test.control.retryAt')?.value ?? null;
      return retryAt === null ? {} : { nextRetryDate: String(retryAt) };
    },
  },

  payment: {
    authorize: transaction('AUTHORIZE'),
    capture: transaction('CAPTURE'),
    purchase: transaction('PURCHASE'),
    void: transaction('VOID'),
    credit: transaction('CREDIT'),
    refund: transaction('REFUND'),

    getPaymentInfo: ({ kbPaymentId }, ctx) => paymentInfo(ctx, kbPaymentId),
    // Kill Bill's search: by the gateway's reference or the payment id.
    searchPayments: async ({ searchKey, offset, limit }, ctx) => {
      const paymentId = paymentOfReference(searchKey) ?? searchKey;
      return (await transactionsOf(ctx, paymentId)).slice(offset, offset + limit);
    },

    addPaymentMethod: ({ kbAccountId, method, setDefault }, ctx) => addMethod(ctx, kbAccountId, { ...method, isDefaultPaymentMethod: setDefault || method.isDefaultPaymentMethod }),
    deletePaymentMethod: ({ kbAccountId, kbPaymentMethodId }, ctx) => deleteMethod(ctx, kbAccountId, kbPaymentMethodId),
    getPaymentMethodDetail: async ({ kbAccountId, kbPaymentMethodId }, ctx) =>
      (await methodOf(ctx, kbAccountId, kbPaymentMethodId)) ?? { kbPaymentMethodId, externalPaymentMethodId: null, isDefaultPaymentMethod: false, properties: [] },
    getPaymentMethods: async ({ kbAccountId }, ctx) =>
      (await methodsOf(ctx, kbAccountId)).map(({ id, method }) => ({ accountId: kbAccountId, paymentMethodId: id, isDefault: method?.isDefaultPaymentMethod ?? false, externalPaymentMethodId: method?.externalPaymentMethodId ?? null })),

    // Webhooks and hosted payment pages (gateway-api.js).
    processNotification,
    buildFormDescriptor,
  },
};
