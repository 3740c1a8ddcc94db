/**
 * Runs inside a plugin pool's worker thread: piscina calls the default export once per PluginCallTask.
 * The plugin-api runtime does the work (loads the definePlugin module, builds ctx.killbill over the
 * task's port, dispatches the protocol method) and resolves a PluginCallResult for everything the plugin
 * does on purpose; only a dead worker or the host's deadline abort makes piscina reject (pool.ts maps those).
 */
import { runPluginCall } from '@billwright/plugin-api/worker';

export default runPluginCall;
