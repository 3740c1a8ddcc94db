import type { PaymentMethodPluginDto, PaymentPluginStatus, PaymentRequestDto, PaymentTransactionInfoDto, PluginProperty, TransactionType } from '@billwright/plugin-api';
import { PluginCallError } from '../plugins/errors.js';
import { EXTERNAL_PAYMENT_PLUGIN } from './payment-service.js';

/**
 * Kill Bill's built-in `__EXTERNAL_PAYMENT__` provider (ExternalPaymentProviderPlugin), in-process: no
 * worker, not listed by pluginsInfo (§13). It records payments made outside any gateway, so every call
 * answers PROCESSED for the requested amount. Kill Bill's test switches are plugin properties (any value
 * but false): `killbill.external.payment.fail.error` → ERROR, `.fail.cancellation` → CANCELED,
 * `.fail.exception` → the call fails as a plugin exception (PLUGIN_FAILURE), `.fail.timeout` → the call
 * fails as timed out (UNKNOWN) at once, rather than holding the request for the 30 s deadline.
 *
 * plugins/external-payment is the same behaviour as a worker package; it is an example and a protocol
 * test, and is never registered under the reserved name (the built-in always wins, see plugin-call.ts).
 */

const SWITCH = 'killbill.external.payment.fail.';

function switched(properties: readonly PluginProperty[], what: string): boolean {
  return properties.some((p) => p.key === SWITCH + what && p.value !== null && String(p.value).toLowerCase() !== 'false');
}

export function externalTransaction(type: TransactionType, req: PaymentRequestDto | Omit<PaymentRequestDto, 'amount' | 'currency'>): PaymentTransactionInfoDto {
  const props = req.properties;
  if (switched(props, 'exception')) throw new PluginCallError('PLUGIN_ERROR', `${EXTERNAL_PAYMENT_PLUGIN}: ${SWITCH}exception`, { plugin: EXTERNAL_PAYMENT_PLUGIN });
  if (switched(props, 'timeout')) throw new PluginCallError('PLUGIN_TIMEOUT', `${EXTERNAL_PAYMENT_PLUGIN}: ${SWITCH}timeout`, { plugin: EXTERNAL_PAYMENT_PLUGIN });
  const status: PaymentPluginStatus = switched(props, 'error') ? 'ERROR' : switched(props, 'cancellation') ? 'CANCELED' : 'PROCESSED';
  return {
    kbPaymentId: req.kbPaymentId,
    kbTransactionPaymentId: req.kbTransactionId,
    transactionType: type,
    amount: 'amount' in req ? req.amount : null,
    currency: 'currency' in req ? req.currency : null,
    createdDate: null,
    effectiveDate: null,
    status,
    gatewayError: null,
    gatewayErrorCode: null,
    firstPaymentReferenceId: null,
    secondPaymentReferenceId: null,
    properties: [],
  };
}

export function externalMethodDetail(kbPaymentMethodId: string): PaymentMethodPluginDto {
  return { kbPaymentMethodId, externalPaymentMethodId: null, isDefaultPaymentMethod: false, properties: [] };
}
