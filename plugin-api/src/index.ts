/**
 * The contract between Billwright and its plugins. `PLUGIN_API_VERSION` is what a plugin's
 * `billwright.apiVersion` range is checked against at install. See protocol.ts for what crosses the
 * boundary, and README.md for writing, testing and installing a plugin.
 */
export const PLUGIN_API_VERSION = '0.1.0';
export * from './protocol.js';
export { definePlugin } from './define-plugin.js';
export type * from './define-plugin.js';
export { HostCallError, PluginCallError, UnsupportedOperationError } from './errors.js';
export { parseProperties } from './context.js';
