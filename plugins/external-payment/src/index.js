// @ts-check
/**
 * __EXTERNAL_PAYMENT__: Kill Bill's built-in ExternalPaymentProviderPlugin
 * (kb:payment/.../provider/ExternalPaymentProviderPlugin.java). It records payments made outside any
 * gateway (checks, wires, cash): every transaction is PROCESSED for the requested amount and currency,
 * payment methods are accepted and kept nowhere, and it knows no payment of its own (getPaymentInfo []).
 *
 * Kill Bill's test switches are plugin properties on the call (any value but "false" turns one on):
 *   killbill.external.payment.fail.error         -> ERROR     (REST 402, PAYMENT_FAILURE)
 *   killbill.external.payment.fail.cancellation  -> CANCELED  (REST 502, PLUGIN_FAILURE)
 *   killbill.external.payment.fail.exception     -> throws    (PLUGIN_FAILURE)
 *   killbill.external.payment.fail.timeout       -> never answers; the host's deadline ends the call (UNKNOWN)
 */

/** @typedef {import('@billwright/plugin-api').PluginDefinition} PluginDefinition */
/** @typedef {import('@billwright/plugin-api').PaymentResult} PaymentResult */
/** @typedef {import('@billwright/plugin-api').PluginProperty} PluginProperty */

const PREFIX = 'killbill.external.payment.fail.';

/**
 * @param {readonly PluginProperty[]} properties
 * @param {string} name
 */
function switchOn(properties, name) {
  return properties.some((p) => p.key === PREFIX + name && p.value !== null && String(p.value).toLowerCase() !== 'false');
}

/**
 * One answer for every transaction call (authorize, capture, purchase, void, credit, refund): the host
 * fills ids, type, amount and currency from the request, so PROCESSED alone records the requested amount.
 * @param {{ readonly properties: readonly PluginProperty[] }} req
 * @returns {Promise<PaymentResult>}
 */
async function transaction(req) {
  const { properties } = req;
  if (switchOn(properties, 'exception')) throw new Error(`${PREFIX}exception was set`);
  // A promise that never settles: only the host's per-call deadline (payment: 30 s) ends it, as in Kill Bill.
  if (switchOn(properties, 'timeout')) return new Promise(() => {});
  if (switchOn(properties, 'error')) return { status: 'ERROR', gatewayErrorCode: 'error', gatewayError: `${PREFIX}error was set` };
  if (switchOn(properties, 'cancellation')) return { status: 'CANCELED', gatewayErrorCode: 'cancellation', gatewayError: `${PREFIX}cancellation was set` };
  return { status: 'PROCESSED' };
}

/** @type {PluginDefinition} */
export default {
  name: 'external-payment',

  payment: {
    authorize: transaction,
    capture: transaction,
    purchase: transaction,
    void: transaction,
    credit: transaction,
    refund: transaction,
    getPaymentInfo: () => [],
    searchPayments: () => [],
    addPaymentMethod: () => {},
    deletePaymentMethod: () => {},
    getPaymentMethodDetail: ({ kbPaymentMethodId }) => ({ kbPaymentMethodId, externalPaymentMethodId: null, isDefaultPaymentMethod: false, properties: [] }),
    getPaymentMethods: () => [],
  },
};
