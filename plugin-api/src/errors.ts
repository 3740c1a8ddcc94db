/** Errors a plugin may see or throw; they cross the boundary as `{ name, message }` (protocol.ts). */

/** A ctx.killbill call the host refused (`code`: Kill Bill's error code name, PERMISSION_DENIED, HOST_TIMEOUT, ...). */
export class HostCallError extends Error {
  override readonly name = 'HostCallError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A handler the plugin does not implement was called (Kill Bill's plugins throw UnsupportedOperationException). */
export class UnsupportedOperationError extends Error {
  override readonly name = 'UnsupportedOperationError';
}

/** A plugin call that ended in a plugin error, as the test host reports it. */
export class PluginCallError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly pluginStack: string | null,
  ) {
    super(`${errorName}: ${message}`);
    this.name = 'PluginCallError';
  }
}
