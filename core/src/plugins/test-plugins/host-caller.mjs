// Calls ctx.killbill (the host API over the call's MessagePort) and returns what the host answered.
import { definePlugin } from '@billwright/plugin-api';
import { behaviourRoutes } from './behaviours.mjs';

export default definePlugin({
  healthcheck: async (ctx) => {
    ctx.logger.debug('checked');
    const value = await ctx.killbill.getPluginValue('health');
    return { healthy: true, message: value ?? undefined };
  },
  routes: behaviourRoutes({
    getAccount: (ctx, accountId) => ctx.killbill.getAccount(accountId),
    tryGetAccount: async (ctx, accountId) => {
      try {
        return { ok: true, value: await ctx.killbill.getAccount(accountId) };
      } catch (e) {
        return { ok: false, code: e.code, message: e.message };
      }
    },
    storeAndRead: async (ctx, key, value) => {
      await ctx.killbill.putPluginValue(key, value);
      ctx.logger.info('stored', { key });
      return ctx.killbill.getPluginValue(key);
    },
  }),
});
