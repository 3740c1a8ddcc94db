import type { Engine } from '@billwright/core';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './env.js';
import { notFound, onError } from './errors.js';
import { BillingError } from '@billwright/core';
import { authenticate } from './middleware/authenticate.js';
import { bodyLimit } from './middleware/body-limit.js';
import { requestContext } from './middleware/request-id.js';
import { requireTenant } from './middleware/tenant.js';
import { accounts } from './routes/accounts.js';
import { admin } from './routes/admin.js';
import { healthcheck } from './routes/healthcheck.js';
import { tenants } from './routes/tenants.js';
import { pushNotifications } from './routes/push-notifications.js';
import { security } from './routes/security.js';
import { testClock } from './routes/test-clock.js';
import { customFields } from './routes/custom-fields.js';
import { accountCustomFields } from './routes/object-custom-fields.js';
import { bundleCustomFields, bundleTags, subscriptionCustomFields, subscriptionTags } from './routes/bundle-subscription-tags.js';
import { accountTags } from './routes/object-tags.js';
import { tagDefinitions } from './routes/tag-definitions.js';
import { tags } from './routes/tags.js';
import { catalog } from './routes/catalog.js';
import { catalogTranslations } from './routes/catalog-translations.js';
import { invoiceTemplates } from './routes/invoice-templates.js';
import { invoiceHtml } from './routes/invoice-html.js';
import { invoices } from './routes/invoices.js';
import { invoicePaymentRoutes } from './routes/invoice-payments.js';
import { invoiceWrites } from './routes/invoices-writes.js';
import { usages } from './routes/usages.js';
import { credits } from './routes/credits.js';
import { accountInvoices } from './routes/accounts-invoices.js';
import { accountPayments } from './routes/accounts-payments.js';
import { paymentMethods } from './routes/payment-methods.js';
import { payments } from './routes/payments.js';
import { paymentsCombo } from './routes/payments-combo.js';
import { paymentTransactions } from './routes/payment-transactions.js';
import { paymentGateways } from './routes/payment-gateways.js';
import { invoiceCustomFields, invoiceItemAudit, invoiceItemCustomFields, invoiceItemTags, invoiceTags } from './routes/invoice-items.js';
import { catalogSimplePlan } from './routes/catalog-simple-plan.js';
import { subscriptions } from './routes/subscriptions.js';
import { bundles } from './routes/bundles.js';
import { accountBundles } from './routes/accounts-bundles.js';
import { accountBlocking, bundleBlocking, subscriptionBlocking } from './routes/blocking.js';
import { bundleActions } from './routes/bundles-actions.js';
import { subscriptionUpdates } from './routes/subscriptions-updates.js';
import { subscriptionChanges } from './routes/subscriptions-change.js';
import { nodesInfo } from './routes/nodes-info.js';
import { pluginsInfo } from './routes/plugins-info.js';
import { pluginEndpoints } from './routes/plugin-endpoints.js';

/**
 * The Kill Bill REST API on hono. Each resource is a sub-app in routes/; this file only orders the
 * middleware: request id and log, body limit, basic auth, then the tenant for routes that hold tenant data.
 */
export function createApp(engine: Engine, logger: Logger): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestContext(engine, logger));
  app.use('*', bodyLimit(engine.config.maxBodyBytes));

  app.route('/1.0/healthcheck', healthcheck);

  app.use('/1.0/kb/*', authenticate);
  // Before `tenants`: its `/:tenantId` would take `/registerNotificationCallback`.
  app.route('/1.0/kb/tenants', pushNotifications);
  app.route('/1.0/kb/tenants', tenants);
  app.route('/1.0/kb/security', security);
  // Answers 404 unless the server runs in test mode (KB_TEST_MODE); tenant headers are optional there.
  app.route('/1.0/kb/test', testClock);
  app.route('/1.0/kb/nodesInfo', nodesInfo);
  app.route('/1.0/kb/pluginsInfo', pluginsInfo);
  // Plugins' own endpoints live outside /1.0/kb (Kill Bill's PluginResource) but need a user all the same.
  app.use('/plugins/*', authenticate);
  app.route('/plugins', pluginEndpoints);

  // Everything below holds tenant data: X-Killbill-ApiKey / -ApiSecret are required.
  const tenantScoped = ['/1.0/kb/accounts/*', '/1.0/kb/tagDefinitions/*', '/1.0/kb/tags/*', '/1.0/kb/customFields/*', '/1.0/kb/invoices/*', '/1.0/kb/catalog/*', '/1.0/kb/admin/*', '/1.0/kb/subscriptions/*', '/1.0/kb/bundles/*', '/1.0/kb/credits/*', '/1.0/kb/invoiceItems/*', '/1.0/kb/paymentMethods/*', '/1.0/kb/payments/*', '/1.0/kb/paymentTransactions/*', '/1.0/kb/paymentGateways/*', '/1.0/kb/invoicePayments/*', '/1.0/kb/usages/*'];
  for (const path of tenantScoped) {
    app.use(path, requireTenant);
    app.use(path.replace(/\/\*$/, ''), requireTenant);
  }
  app.route('/1.0/kb/accounts', accounts);
  // Tags and custom fields of accounts: fully specific paths (`/:accountId/tags`...), beside the accounts sub-app.
  app.route('/1.0/kb/accounts', accountTags);
  app.route('/1.0/kb/accounts', accountCustomFields);
  app.route('/1.0/kb/accounts', accountBundles);
  // Blocking states, pause/resume/transfer/rename, BCD and quantity: specific paths beside the resource sub-apps.
  app.route('/1.0/kb/accounts', accountBlocking);
  app.route('/1.0/kb/bundles', bundleTags);
  app.route('/1.0/kb/bundles', bundleCustomFields);
  app.route('/1.0/kb/subscriptions', subscriptionTags);
  app.route('/1.0/kb/subscriptions', subscriptionCustomFields);
  app.route('/1.0/kb/bundles', bundleBlocking);
  app.route('/1.0/kb/bundles', bundleActions);
  app.route('/1.0/kb/subscriptions', subscriptionBlocking);
  app.route('/1.0/kb/subscriptions', subscriptionUpdates);
  // Change plan, undo change, cancel, uncancel: PUT/DELETE on the subscription and its action paths.
  app.route('/1.0/kb/subscriptions', subscriptionChanges);
  app.route('/1.0/kb/tagDefinitions', tagDefinitions);
  app.route('/1.0/kb/tags', tags);
  app.route('/1.0/kb/customFields', customFields);
  app.route('/1.0/kb/admin', admin);
  app.route('/1.0/kb/subscriptions', subscriptions);
  app.route('/1.0/kb/bundles', bundles);
  app.route('/1.0/kb/catalog', catalog);
  // addSimplePlan: one specific path (`/simplePlan`), beside the catalog sub-app.
  app.route('/1.0/kb/catalog', catalogSimplePlan);
  app.route('/1.0/kb/invoices', catalogTranslations);
  // Templates, translations and /{id}/html: fixed paths, so mounted before any `/:invoiceId` route of the invoices resource.
  app.route('/1.0/kb/invoices', invoiceTemplates);
  app.route('/1.0/kb/invoices', invoiceHtml);
  // The invoice resource itself (ids match only dashed values, so the fixed paths above stay theirs), its tags
  // and custom fields, credits, invoice items, and the invoice paths of accounts.
  // Invoice payments: full paths under /invoices, /accounts and /invoicePayments (routes/invoice-payments.ts).
  app.route('/1.0/kb', invoicePaymentRoutes);
  app.route('/1.0/kb/invoices', invoices);
  app.route('/1.0/kb/invoices', invoiceWrites);
  app.route('/1.0/kb/invoices', invoiceTags);
  app.route('/1.0/kb/invoices', invoiceCustomFields);
  app.route('/1.0/kb/credits', credits);
  app.route('/1.0/kb/usages', usages);
  app.route('/1.0/kb/invoiceItems', invoiceItemTags);
  app.route('/1.0/kb/invoiceItems', invoiceItemCustomFields);
  app.route('/1.0/kb/invoiceItems', invoiceItemAudit);
  app.route('/1.0/kb/accounts', accountInvoices);
  // Payments: the account's payment methods and payments, then the payment resources; combo is a fixed path.
  app.route('/1.0/kb/accounts', accountPayments);
  app.route('/1.0/kb/paymentMethods', paymentMethods);
  app.route('/1.0/kb/payments', paymentsCombo);
  app.route('/1.0/kb/payments', payments);
  app.route('/1.0/kb/paymentTransactions', paymentTransactions);
  app.route('/1.0/kb/paymentGateways', paymentGateways);
  return app;
}
