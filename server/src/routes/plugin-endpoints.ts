import { BillingError, type TenantRef } from '@billwright/core';
import type { HttpRequestDto, HttpResponseDto } from '@billwright/plugin-api';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';

/**
 * `/plugins/<name>/*`, every verb (Kill Bill's PluginResource): basic auth (mounted in app.ts), the
 * tenant resolved when X-Killbill-ApiKey/-ApiSecret are sent, the tenant's configuration of the plugin
 * (uploadPluginConfig), then the request as an HttpRequestDto to the plugin's `$handle` on its active
 * pool. 404 when no such plugin is installed or it has no `routes`; 503 when it is not running here.
 */
export const pluginEndpoints = new Hono<AppEnv>();

pluginEndpoints.all('/:name/*', async (c) => handle(c.req.param('name'), c));
pluginEndpoints.all('/:name', async (c) => handle(c.req.param('name'), c));

async function handle(name: string, c: Context<AppEnv>): Promise<Response> {
  const engine = c.get('engine');
  // The running version decides; only when none runs is the disk read, to tell 404 from 503.
  const running = engine.plugins.running(name);
  const manifest = running?.manifest ?? (await engine.plugins.store.versions(name))[0]?.manifest;
  if (!manifest) throw new BillingError('NOT_FOUND', `No plugin named ${name}`);
  if (!manifest.extensionPoints.includes('routes')) throw new BillingError('NOT_FOUND', `Plugin ${name} serves no HTTP endpoints`);

  const tenant = await resolveTenant(c);
  const apiKey = c.req.header('X-Killbill-ApiKey') ?? '';
  const actor = c.get('actor');
  const pluginConfig = tenant ? ((await engine.tenants.getValues({ ...actor, tenant }, `PLUGIN_CONFIG_${name}`)).values[0] ?? null) : null;

  const url = new URL(c.req.url);
  const prefix = `/plugins/${name}`;
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    if (key !== 'authorization' && key !== 'x-killbill-apisecret') headers[key] = value;
  });
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? null : await c.req.text();
  const request: HttpRequestDto = {
    method: c.req.method,
    path: url.pathname.slice(prefix.length) || '/',
    query: Object.fromEntries(url.searchParams),
    headers,
    body: body === '' ? null : body,
  };

  const tenantCtx = tenant ? { ...actor, tenant } : null;
  // A tenant pinned to a version (PLUGIN_VERSION_<name>) is served by that version's pool.
  const outcome = await engine.plugins.use(
    name,
    (pool, plugin) =>
      pool.call<HttpResponseDto>('$handle', [request], {
        ctx: {
          tenant: tenant ? { tenantId: tenant.id, apiKey } : null,
          pluginConfig,
          userName: actor.subject.username,
          userToken: actor.userToken,
        },
        host: engine.plugins.hostFor(plugin, tenantCtx),
      }),
    tenantCtx,
  );
  if (outcome.kind === 'failed') throw outcome.error;
  const response = outcome.value;
  return new Response(response.body ?? null, { status: response.status, headers: response.headers ?? {} });
}

async function resolveTenant(c: Context<AppEnv>): Promise<TenantRef | null> {
  const apiKey = c.req.header('X-Killbill-ApiKey');
  const apiSecret = c.req.header('X-Killbill-ApiSecret');
  if (!apiKey && !apiSecret) return null;
  if (!apiKey || !apiSecret) throw new BillingError('TENANT_NOT_SUPPLIED', 'Send both X-Killbill-ApiKey and X-Killbill-ApiSecret, or neither');
  const tenant = await c.get('engine').tenants.authenticate(apiKey, apiSecret);
  if (!tenant) throw new BillingError('NOT_AUTHENTICATED', 'Invalid X-Killbill-ApiKey / X-Killbill-ApiSecret');
  return tenant;
}
