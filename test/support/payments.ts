import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@billwright/core';
import type { Account, NodeCommand, Payment, PaymentMethod, PaymentTransaction } from 'killbill';
import { killbill, newTenant, writingHttp } from './killbill.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * The payment e2e tests' setup: a test-mode server with plugins/test-payment installed and started by
 * node commands (as an operator would), and per test a fresh tenant with one account. `__EXTERNAL_PAYMENT__`
 * is built in and needs no install.
 */
export const TEST_PAYMENT = 'test-payment';
export const EXTERNAL_PAYMENT = '__EXTERNAL_PAYMENT__';

const testPaymentPlugin = fileURLToPath(new URL('../../plugins/test-payment', import.meta.url));

const command = (nodeCommandType: string, props: Record<string, string>): NodeCommand => ({
  nodeCommandType,
  isSystemCommandType: false,
  nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value: value as unknown as object })),
});

export interface PaymentServer {
  readonly server: TestServer;
  close(): Promise<void>;
}

export async function startPaymentServer(file: string, overrides: Partial<Config> = {}): Promise<PaymentServer> {
  const work = await mkdtemp(join(tmpdir(), 'payments-e2e-'));
  const server = await startTestServer(file, { testMode: true, pluginsDir: join(work, 'plugins'), ...overrides });
  const admin = killbill(server.url);
  await admin.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginUri: testPaymentPlugin }), 'test');
  await admin.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: TEST_PAYMENT }), 'test');
  return {
    server,
    async close() {
      await server.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A fresh tenant and one account in `currency`, with helpers to add payment methods and read payments. */
export async function paymentTenant(url: string, currency = 'USD') {
  const t = await newTenant(url);
  const http = writingHttp(url, t.credentials);
  const newAccount = async (accountCurrency = currency) =>
    (await t.kb.accounts.createAccount({ name: 'Payer', externalKey: `payer-${randomUUID()}`, currency: accountCurrency } as Account, 'test')).data;
  const account = await newAccount();
  const addMethod = async (pluginName: string, isDefault: boolean, extra: Partial<PaymentMethod> = {}, accountId = account.accountId!) =>
    (await t.kb.accounts.createPaymentMethod({ pluginName, ...extra } as PaymentMethod, accountId, 'test', isDefault)).data;
  return { ...t, http, account, accountId: account.accountId!, newAccount, addMethod };
}

export type PaymentTenant = Awaited<ReturnType<typeof paymentTenant>>;

/** A transaction body for the client's typed calls, with only the fields a test sets. */
export const tx = (body: Partial<PaymentTransaction>) => body as PaymentTransaction;

/** `TYPE STATUS amount/processedAmount` per transaction, in order: a compact picture of a payment. */
export function transactionLines(payment: Payment): string[] {
  return (payment.transactions ?? []).map((tx: PaymentTransaction) => `${tx.transactionType} ${tx.status} ${tx.amount}/${tx.processedAmount}`);
}

/** The aggregate amounts of a payment, as numbers (the JSON numbers Kill Bill sends). */
export function aggregates(payment: Payment) {
  return {
    authAmount: payment.authAmount,
    capturedAmount: payment.capturedAmount,
    purchasedAmount: payment.purchasedAmount,
    refundedAmount: payment.refundedAmount,
    creditedAmount: payment.creditedAmount,
  };
}

