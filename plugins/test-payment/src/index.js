// @ts-check
/**
 * test-payment: a configurable fake gateway for tests and demos. The tenant's config or the call's
 * `test.*` plugin properties (settings.js) make each transaction call succeed (PROCESSED with a gateway
 * reference), decline (ERROR with a gateway error code and message), go PENDING, be CANCELED or
 * UNDEFINED, throw, hang until the host's deadline, or succeed slowly. What it answered is recorded
 * (ledger.js), so getPaymentInfo reports it and over-captures, over-refunds and voids after a capture
 * are declined as a real gateway would.
 */
import { randomUUID } from 'node:crypto';
import { paymentOfReference, addMethod, deleteMethod, methodOf, methodsOf, record, refusal, transactionsOf } from './ledger.js';
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

/** @type {Record<'succeed' | 'slow' | 'pending' | 'cancel' | 'undefined', PaymentPluginStatus>} */
const STATUS = { succeed: 'PROCESSED', slow: 'PROCESSED', pending: 'PENDING', cancel: 'CANCELED', undefined: 'UNDEFINED' };

/**
 * @param {TransactionType} type
 * @returns {(req: PaymentRequestDto | VoidRequest, ctx: PluginContext) => Promise<PaymentTransactionInfoDto>}
 */
function transaction(type) {
  return async (req, ctx) => {
    const s = settings(ctx, req.properties);
    if (s.mode === 'throw') throw new Error(`test-payment: mode=throw (${type})`);
    // Never settles: the host's per-call deadline ends it and Kill Bill records the transaction UNKNOWN.
    if (s.mode === 'hang') return new Promise(() => {});
    if (s.mode === 'slow') await sleep(s.slowMs);

    const amount = 'amount' in req ? req.amount : null;
    const currency = 'currency' in req ? req.currency : null;
    const refused = refusal(await transactionsOf(ctx, req.kbPaymentId), type, amount);
    const declined = refused ?? (s.mode === 'decline' ? { code: s.declineCode, message: s.declineMessage } : null);
    const status = declined ? 'ERROR' : STATUS[/** @type {keyof typeof STATUS} */ (s.mode)];

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
      firstPaymentReferenceId: `tp_${randomUUID()}`,
      secondPaymentReferenceId: null,
      properties: [{ key: 'test.mode', value: s.mode }],
    };
    await record(ctx, result);
    return result;
  };
}

/** @type {PluginDefinition} */
export default {
  name: 'test-payment',

  payment: {
    authorize: transaction('AUTHORIZE'),
    capture: transaction('CAPTURE'),
    purchase: transaction('PURCHASE'),
    void: transaction('VOID'),
    credit: transaction('CREDIT'),
    refund: transaction('REFUND'),

    getPaymentInfo: ({ kbPaymentId }, ctx) => transactionsOf(ctx, kbPaymentId),
    // Kill Bill's search: by the gateway's reference or the payment id.
    searchPayments: async ({ searchKey, offset, limit }, ctx) => {
      const paymentId = (await paymentOfReference(ctx, searchKey)) ?? searchKey;
      return (await transactionsOf(ctx, paymentId)).slice(offset, offset + limit);
    },

    addPaymentMethod: ({ kbAccountId, method, setDefault }, ctx) => addMethod(ctx, kbAccountId, { ...method, isDefaultPaymentMethod: setDefault || method.isDefaultPaymentMethod }),
    deletePaymentMethod: ({ kbAccountId, kbPaymentMethodId }, ctx) => deleteMethod(ctx, kbAccountId, kbPaymentMethodId),
    getPaymentMethodDetail: async ({ kbPaymentMethodId }, ctx) =>
      (await methodOf(ctx, kbPaymentMethodId)) ?? { kbPaymentMethodId, externalPaymentMethodId: null, isDefaultPaymentMethod: false, properties: [] },
    getPaymentMethods: async ({ kbAccountId }, ctx) => {
      const rows = [];
      for (const id of await methodsOf(ctx, kbAccountId)) {
        const method = await methodOf(ctx, id);
        rows.push({ accountId: kbAccountId, paymentMethodId: id, isDefault: method?.isDefaultPaymentMethod ?? false, externalPaymentMethodId: method?.externalPaymentMethodId ?? null });
      }
      return rows;
    },

    // Webhooks and hosted payment pages (gateway-api.js).
    processNotification,
    buildFormDescriptor,
  },
};
