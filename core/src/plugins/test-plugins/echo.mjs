// A well-behaved plugin: answers at once or after a delay.
import { definePlugin } from '@billwright/plugin-api';
import { behaviourRoutes } from './behaviours.mjs';

export default definePlugin({
  healthcheck: () => ({ healthy: true }),
  routes: behaviourRoutes({
    echo: (ctx, value) => ({ value, tenantId: ctx.tenant?.tenantId ?? null, deadlineMs: ctx.deadlineMs }),
    add: (_ctx, a, b) => a + b,
    slow: (_ctx, ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
  }),
});
