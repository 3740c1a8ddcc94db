// @ts-check
/**
 * How the test gateway behaves on one call: the tenant's config (uploadPluginConfig/test-payment,
 * `key=value` lines) gives the defaults, the call's plugin properties (`test.<key>`) override them, so
 * system payments (invoice runs, which carry no properties) follow the tenant config and an API caller
 * can still steer one call.
 *
 *   mode=succeed|decline|pending|cancel|undefined|throw|hang|slow|partial   (default succeed)
 *   sequence=decline,succeed    the next calls' modes, one each, then `mode` (counted per tenant in the
 *                               plugin's storage; uploading another sequence starts it again)
 *   partialAmount=5.00          what `partial` processes (PROCESSED with that amount)
 *   settle=processed|error      what getPaymentInfo reports for a PENDING / UNDEFINED / hung transaction
 *                               (the gateway settled it since), so the janitor can reconcile it
 *   slowMs=1000                 how long `slow` waits before succeeding
 *   declineCode=card_declined   gatewayErrorCode of `decline`
 *   declineMessage=...          gatewayError of `decline`
 */

/** @typedef {import('@billwright/plugin-api').PluginContext} PluginContext */
/** @typedef {import('@billwright/plugin-api').PluginProperty} PluginProperty */
/** @typedef {'succeed' | 'decline' | 'pending' | 'cancel' | 'undefined' | 'throw' | 'hang' | 'slow' | 'partial'} Mode */
/** @typedef {{ readonly mode: Mode, readonly slowMs: number, readonly declineCode: string, readonly declineMessage: string, readonly sequence: readonly Mode[], readonly partialAmount: string | null, readonly settle: 'PROCESSED' | 'ERROR' | null }} Settings */

/** @type {readonly Mode[]} */
export const MODES = ['succeed', 'decline', 'pending', 'cancel', 'undefined', 'throw', 'hang', 'slow', 'partial'];

/**
 * @param {string} value
 * @returns {value is Mode}
 */
function isMode(value) {
  return /** @type {readonly string[]} */ (MODES).includes(value);
}

/**
 * A misconfiguration throws (PLUGIN_FAILURE) rather than silently succeeding, so a typo in a test shows.
 * @param {PluginContext} ctx
 * @param {readonly PluginProperty[]} properties
 * @returns {Settings}
 */
export function settings(ctx, properties) {
  /** @type {Record<string, string>} */
  const merged = { ...ctx.config.properties() };
  for (const p of properties) {
    if (p.key.startsWith('test.') && p.value !== null) merged[p.key.slice('test.'.length)] = String(p.value);
  }
  const mode = (merged['mode'] ?? 'succeed').trim().toLowerCase();
  if (!isMode(mode)) throw new Error(`test-payment: unknown mode "${mode}" (known: ${MODES.join(', ')})`);
  const slowMs = Number(merged['slowMs'] ?? '1000');
  if (!Number.isInteger(slowMs) || slowMs < 0) throw new Error(`test-payment: slowMs must be a whole number of milliseconds, got "${merged['slowMs']}"`);
  const sequence = (merged['sequence'] ?? '').split(',').map((m) => m.trim().toLowerCase()).filter((m) => m !== '');
  for (const m of sequence) if (!isMode(m)) throw new Error(`test-payment: unknown mode "${m}" in sequence (known: ${MODES.join(', ')})`);
  const settle = (merged['settle'] ?? '').trim().toUpperCase();
  if (settle !== '' && settle !== 'PROCESSED' && settle !== 'ERROR') throw new Error(`test-payment: settle must be processed or error, got "${merged['settle']}"`);
  return {
    mode,
    sequence: /** @type {Mode[]} */ (sequence),
    partialAmount: merged['partialAmount']?.trim() || null,
    settle: settle === '' ? null : settle,
    slowMs,
    declineCode: merged['declineCode'] ?? 'card_declined',
    declineMessage: merged['declineMessage'] ?? 'Your card was declined.',
  };
}
