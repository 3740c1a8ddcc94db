import type { PluginStatus } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

/** Kill Bill's PluginInfoJson; `services` are the extension points the manifest declares. */
export function pluginInfoJson(status: PluginStatus) {
  const { manifest } = status.plugin;
  return {
    bundleSymbolicName: manifest.name,
    pluginKey: manifest.name,
    pluginName: manifest.name,
    version: manifest.version,
    state: status.state,
    isSelectedForStart: status.isSelectedForStart,
    services: manifest.extensionPoints.map((point) => ({ serviceTypeName: point, registrationName: manifest.name })),
    // Billwright's additions. Kill Bill's states are only RUNNING/STOPPED: a version whose circuit is open
    // is still started (it gets a trial call after the cool-down), so it stays RUNNING with `circuit: 'OPEN'`.
    circuit: status.circuit?.state ?? null,
    circuitRetryAt: status.circuit?.retryAt ? new Date(status.circuit.retryAt).toISOString() : null,
    consecutiveFailures: status.circuit?.consecutiveFailures ?? 0,
    pinnedOnly: status.pinnedOnly,
  };
}

/** `GET /1.0/kb/pluginsInfo`: every installed version on this node, with what runs. */
export const pluginsInfo = new Hono<AppEnv>();

pluginsInfo.get('/', async (c) => c.json((await c.get('engine').plugins.list()).map(pluginInfoJson)));
