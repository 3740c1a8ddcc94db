import type { HostShape, HttpResponseDto } from '@billwright/plugin-api';
import type { PluginCallOptions, PluginOutcome, PluginPool } from '@billwright/core';

export const testCallContext: PluginCallOptions['ctx'] = { tenant: { tenantId: 't-1', apiKey: 'k' }, pluginConfig: null, userName: 'admin', userToken: null };

/**
 * Runs one behaviour of a test plugin (core/src/plugins/test-plugins/behaviours.mjs) through the pool as the `/plugins/<name>/...`
 * routes will: `$handle` with `POST /<behaviour>` and the arguments as a JSON body; an ok outcome
 * carries the behaviour's result.
 */
export async function behave(
  pool: PluginPool,
  behaviour: string,
  args: readonly unknown[] = [],
  options: { readonly deadlineMs?: number; readonly host?: HostShape | null; readonly ctx?: PluginCallOptions['ctx'] } = {},
): Promise<PluginOutcome> {
  const request = { method: 'POST', path: `/${behaviour}`, query: {}, headers: {}, body: JSON.stringify(args) };
  const outcome = await pool.call<HttpResponseDto>('$handle', [request], { ctx: options.ctx ?? testCallContext, deadlineMs: options.deadlineMs ?? 5_000, host: options.host ?? null });
  if (outcome.kind === 'failed') return outcome;
  const body = JSON.parse(outcome.value.body ?? 'null') as { result?: unknown; message?: string };
  return { kind: 'ok', value: outcome.value.status === 200 ? body.result : { status: outcome.value.status, ...body } };
}

export function codeOf(outcome: PluginOutcome): string {
  return outcome.kind === 'ok' ? 'ok' : outcome.error.code;
}
