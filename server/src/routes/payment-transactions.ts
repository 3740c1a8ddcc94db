import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalJsonObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { created } from '../http/responses.js';
import { required, transactionInput } from '../json/payment-request.js';
import { paymentReadOptions, renderPayments } from './payments-render.js';
import { ID, idParam, PAYMENTS, requiredQuery } from './payments-shared.js';

/**
 * `/1.0/kb/paymentTransactions` (Kill Bill's TransactionResource): the payment of a transaction, by the
 * transaction's id or external key, and notifyStateChanged, which settles a PENDING transaction from
 * outside (a gateway notification read by the caller): SUCCESS or not, 201 + Location of the payment. As
 * Kill Bill, only PENDING: an UNKNOWN (or settled) transaction is 404 PAYMENT_NO_SUCH_SUCCESS_PAYMENT (7024).
 */
export const paymentTransactions = new Hono<AppEnv>();

paymentTransactions.get('/', async (c) => {
  const key = requiredQuery(c, 'transactionExternalKey', 'Payment transactionExternalKey needs to be specified');
  const payment = await c.get('engine').payments.getPaymentByTransactionExternalKey(tenantContext(c), key, paymentReadOptions(c));
  const [json] = await renderPayments(c, [payment]);
  return kbJson(c, json);
});

paymentTransactions.get(`/:transactionId${ID}`, async (c) => {
  const payment = await c.get('engine').payments.getPaymentByTransactionId(tenantContext(c), idParam(c, 'transactionId'), paymentReadOptions(c));
  const [json] = await renderPayments(c, [payment]);
  return kbJson(c, json);
});

paymentTransactions.post(`/:transactionId${ID}`, async (c: Context<AppEnv>) => {
  const transactionId = idParam(c, 'transactionId');
  const body = transactionInput(await decimalJsonObject(c));
  const paymentId = required(body.paymentId, 'PaymentTransactionJson paymentId needs to be set', 'paymentId');
  const status = required(body.status, 'PaymentTransactionJson status needs to be set', 'status');
  const ctx = callContext(c);
  const engine = c.get('engine');
  // Kill Bill reads the body's payment first: an unknown paymentId is a 404 before anything changes.
  await engine.payments.getPayment(ctx, paymentId);
  const { payment } = await engine.payments.notifyStateChanged(ctx, transactionId, status === 'SUCCESS');
  const [json] = await renderPayments(c, [payment], 'NONE');
  return created(c, `${PAYMENTS}/${payment.id}`, json);
});
