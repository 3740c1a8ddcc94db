// Every way a plugin can go wrong; each must fail only its own call.
import { definePlugin } from '@billwright/plugin-api';
import { behaviourRoutes } from './behaviours.mjs';

export default definePlugin({
  routes: behaviourRoutes({
    ok: () => 'ok',
    throw: (_ctx, message) => {
      throw new Error(message);
    },
    // A busy loop, not a pending promise: only terminating the worker stops it.
    hang: () => {
      for (;;);
    },
    hangAsync: () => new Promise(() => undefined),
    allocate: () => {
      const hoard = [];
      for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
    },
    exit: (_ctx, code) => process.exit(code),
  }),
});
