/**
 * The contract between Billwright and its plugins. The extension points (payment, invoice,
 * paymentControl, notification, routes, healthcheck), definePlugin() and the test host arrive with the
 * plugin host issue; this version is what a plugin's `billwright.apiVersion` range is checked against.
 */
export const PLUGIN_API_VERSION = '0.1.0';
