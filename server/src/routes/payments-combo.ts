import { BillingError, parseId, requirePermission, type Account, type ComboPaymentRequest } from '@billwright/core';
import { Decimal } from 'decimal.js';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext } from '../http/call-context.js';
import { decimalJsonObject, isDecimalObject, type DecimalJson, type DecimalObject } from '../http/decimal-json.js';
import { accountInput } from '../json/account.js';
import { paymentMethodInput, pluginPropertiesField, required, transactionInput } from '../json/payment-request.js';
import { controlPluginNames, paymentResponse } from './payments-shared.js';

/**
 * `POST /1.0/kb/payments/combo` (Kill Bill's ComboPaymentResource): the account (found by id, by external
 * key, else created), its payment method (found by id or external key among the account's, else added),
 * and an AUTHORIZE, PURCHASE or CREDIT on it, in one call. Answers as any payment write.
 */
export const paymentsCombo = new Hono<AppEnv>();

function objectField(body: DecimalObject, field: string): DecimalObject | null {
  const v: DecimalJson | undefined = body[field];
  if (v === undefined || v === null) return null;
  if (!isDecimalObject(v)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an object`, { field });
  return v;
}

/**
 * The AccountJson part as JSON.parse would give it, for the account reader: its numbers (billCycleDayLocal,
 * firstNameLength) are small integers, so a JS number holds them exactly.
 */
function plain(v: DecimalJson): unknown {
  if (v instanceof Decimal) return v.toNumber();
  if (Array.isArray(v)) return v.map(plain);
  if (isDecimalObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Kill Bill's getOrCreateAccount (also the combo hosted payment page's, payment-gateways.ts). */
export async function getOrCreateAccount(c: Context<AppEnv>, json: DecimalObject): Promise<Account> {
  const ctx = callContext(c);
  const accounts = c.get('engine').accounts;
  const body = plain(json) as Record<string, unknown>;
  if (typeof body['accountId'] === 'string' && body['accountId'] !== '') return accounts.getById(ctx, parseId<'Account'>(body['accountId'], 'accountId'));
  if (typeof body['externalKey'] === 'string' && body['externalKey'] !== '') {
    try {
      return await accounts.getByExternalKey(ctx, body['externalKey']);
    } catch (e) {
      if (!(e instanceof BillingError) || e.code !== 'ACCOUNT_DOES_NOT_EXIST_FOR_KEY') throw e;
    }
  }
  return accounts.create(ctx, accountInput(body));
}

/**
 * Kill Bill's getOrCreatePaymentMethod: no method or no pluginName leaves the account's default; an id must
 * be one of the account's; an external key finds one of them; otherwise the method is added.
 */
function comboMethod(json: DecimalObject | null): ComboPaymentRequest['paymentMethod'] | null {
  if (json === null) return null;
  const input = paymentMethodInput(json);
  if (input.pluginName === null) return null;
  const pluginInfo = { externalPaymentMethodId: input.externalPaymentMethodId, isDefaultPaymentMethod: false, properties: input.properties };
  if (input.paymentMethodId !== null) return { paymentMethodId: input.paymentMethodId };
  if (input.externalKey !== null) return { externalKey: input.externalKey, pluginName: input.pluginName, pluginInfo };
  return { pluginName: input.pluginName, pluginInfo };
}

paymentsCombo.post('/combo', async (c) => {
  const body = await decimalJsonObject(c);
  const accountJson = required(objectField(body, 'account'), 'ComboPaymentTransactionJson account needs to be set', 'account');
  const transactionJson = required(objectField(body, 'transaction'), 'ComboPaymentTransactionJson transaction needs to be set', 'transaction');
  const transaction = transactionInput(transactionJson);
  const transactionType = required(transaction.transactionType, 'PaymentTransactionJson transactionType needs to be set', 'transactionType');
  const amount = required(transaction.amount, 'PaymentTransactionJson amount needs to be set', 'amount');
  if (transactionType !== 'AUTHORIZE' && transactionType !== 'PURCHASE' && transactionType !== 'CREDIT') {
    return c.text(`TransactionType ${transactionType} is not allowed for an account`, 412);
  }
  requirePermission(callContext(c), 'payment:trigger');
  const account = await getOrCreateAccount(c, accountJson);
  const paymentMethod = comboMethod(objectField(body, 'paymentMethod'));
  const request = {
    transactionType,
    amount,
    currency: transaction.currency,
    effectiveDate: transaction.effectiveDate,
    paymentExternalKey: transaction.paymentExternalKey,
    transactionExternalKey: transaction.transactionExternalKey,
    // Kill Bill's combo call never takes a paymentId (3DS-style completions use the regular API).
    paymentId: null,
    properties: pluginPropertiesField(body, 'transactionPluginProperties'),
    controlPluginNames: controlPluginNames(c),
  };
  const payments = c.get('engine').payments;
  const outcome =
    paymentMethod === null
      ? await payments.createPayment(callContext(c), { ...request, accountId: account.id, paymentMethodId: null })
      : await payments.comboPayment(callContext(c), {
          accountId: account.id,
          paymentMethod,
          transaction: request,
          paymentMethodProperties: pluginPropertiesField(body, 'paymentMethodPluginProperties'),
        });
  return paymentResponse(c, outcome);
});
