// The benchmark's plugin: a trivial healthcheck, and a route that times `n` sequential host API calls
// from inside the worker (so the figure is the MessagePort round trip, not the task's).
import { definePlugin } from '@billwright/plugin-api';

export default definePlugin({
  healthcheck: () => ({ healthy: true }),
  routes: async (req, ctx) => {
    const n = Number(req.query.n ?? 1);
    const samples = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await ctx.killbill.getPluginValue('k');
      samples.push(performance.now() - start);
    }
    return { status: 200, body: samples };
  },
});
