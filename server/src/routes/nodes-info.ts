import { BillingError, PLUGIN_API_VERSION_OF_HOST, PLUGIN_NODE_COMMANDS, type PluginCommand, type PluginNodeCommand } from '@billwright/core';
import { Hono } from 'hono';
import { hostname } from 'node:os';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { queryBoolean } from '../http/query.js';
import { pluginInfoJson } from './plugins-info.js';

const BOOT_TIME = new Date().toISOString();
const KB_API_VERSION = '0.24.0';

/**
 * `GET/POST /1.0/kb/nodesInfo`. GET reports this node (nodes do not keep a shared roster). POST runs a
 * plugin node command on this node first — so a bad command is a 400/404 here, not a silent log line —
 * then broadcasts it to every other node unless `localNodeOnly`; 202 as Kill Bill.
 */
export const nodesInfo = new Hono<AppEnv>();

nodesInfo.get('/', async (c) => {
  const plugins = await c.get('engine').plugins.list();
  return c.json([
    {
      nodeName: hostname(),
      bootTime: BOOT_TIME,
      lastUpdatedDate: new Date().toISOString(),
      kbVersion: KB_API_VERSION,
      apiVersion: KB_API_VERSION,
      pluginApiVersion: PLUGIN_API_VERSION_OF_HOST,
      commonVersion: null,
      platformVersion: null,
      pluginsInfo: plugins.map(pluginInfoJson),
    },
  ]);
});

nodesInfo.post('/', async (c) => {
  // X-Killbill-CreatedBy is required on this write, which belongs to no tenant.
  if (!c.req.header('X-Killbill-CreatedBy')?.trim()) throw new BillingError('INVALID_PARAMETER', 'Header X-Killbill-CreatedBy needs to be set');
  const body = await jsonObject(c);
  await c.get('engine').plugins.command(parseCommand(body), queryBoolean(c, 'localNodeOnly', false));
  return c.body(null, 202);
});

function parseCommand(body: Record<string, unknown>): PluginCommand {
  const type = body['nodeCommandType'];
  if (typeof type !== 'string' || !(PLUGIN_NODE_COMMANDS as readonly string[]).includes(type)) {
    throw new BillingError('INVALID_PARAMETER', `nodeCommandType must be one of ${PLUGIN_NODE_COMMANDS.join(', ')}`);
  }
  const props = new Map<string, unknown>();
  const raw = body['nodeCommandProperties'] ?? [];
  if (!Array.isArray(raw)) throw new BillingError('INVALID_PARAMETER', 'nodeCommandProperties must be an array');
  for (const p of raw) {
    if (typeof p === 'object' && p !== null && typeof (p as { key?: unknown }).key === 'string') props.set((p as { key: string }).key, (p as { value?: unknown }).value);
  }
  const text = (key: string): string | null => {
    const v = props.get(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  // Kill Bill's PluginNodeCommandMetadata: pluginKey (the install key) and pluginName both name the plugin here.
  const pluginName = text('pluginName') ?? text('pluginKey');
  // INSTALL_PLUGIN without a pluginUri installs by key, as Kill Bill does from its plugin directory:
  // here the key is an npm package name and pluginVersion its version (npm pack <key>@<version>).
  const installKey = text('pluginKey') ?? text('pluginName');
  const pluginUri = text('pluginUri') ?? (type === 'INSTALL_PLUGIN' && installKey ? `${installKey}${text('pluginVersion') ? `@${text('pluginVersion')}` : ''}` : null);
  if (!pluginName && !(type === 'INSTALL_PLUGIN' && pluginUri)) {
    throw new BillingError('INVALID_PARAMETER', `${type} needs the nodeCommandProperty pluginName (or pluginKey)`);
  }
  return { type: type as PluginNodeCommand, pluginName: pluginName ?? '', pluginVersion: text('pluginVersion'), pluginUri };
}
