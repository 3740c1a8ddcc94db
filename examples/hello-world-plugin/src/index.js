// @ts-check
/**
 * hello-world: the template a plugin author copies. Plain JavaScript with JSDoc types, so an installed
 * copy runs on node as is (no build step, no runtime dependency: definePlugin only adds types).
 *
 *   GET /plugins/hello-world/hello?accountId=<id>  ->  { "greeting": "Hello, Ada!", "eventsSeen": 3 }
 *
 * The greeting word comes from the tenant's plugin config (uploadPluginConfig/hello-world), e.g.
 * `greeting=Bonjour`; every bus event of the tenant is counted in the plugin's own storage.
 */

/** @typedef {import('@billwright/plugin-api').PluginDefinition} PluginDefinition */
/** @typedef {import('@billwright/plugin-api').PluginContext} PluginContext */

const EVENTS_SEEN = 'events-seen';

/** @param {PluginContext} ctx */
async function eventsSeen(ctx) {
  return Number((await ctx.killbill.getPluginValue(EVENTS_SEEN)) ?? '0');
}

/** @type {PluginDefinition} */
export default {
  name: 'hello-world',

  routes: {
    'GET /hello': async (req, ctx) => {
      const accountId = req.query['accountId'];
      if (!accountId) return { status: 400, body: { message: 'accountId is required' } };
      // Accounts belong to a tenant: without the tenant headers there is no account to read (ctx.killbill
      // is bound to the call's tenant), which is the caller's mistake, not a plugin failure.
      if (!ctx.tenant) return { status: 400, body: { message: 'X-Killbill-ApiKey and X-Killbill-ApiSecret are required' } };
      let account;
      try {
        account = await ctx.killbill.getAccount(accountId);
      } catch (error) {
        // The host answers an unknown (or other tenant's) account with Kill Bill's error code.
        if (error instanceof Error && 'code' in error && error.code === 'ACCOUNT_DOES_NOT_EXIST_FOR_ID') {
          return { status: 404, body: { message: error.message } };
        }
        throw error;
      }
      const word = ctx.config.properties()['greeting'] ?? 'Hello';
      return { status: 200, body: { greeting: `${word}, ${account.name ?? account.externalKey}!`, eventsSeen: await eventsSeen(ctx) } };
    },
  },

  notification: {
    // Storage is per tenant already, so one key counts this tenant's events. Read-then-write is fine
    // here because the host delivers a plugin's notifications one at a time per tenant.
    async onEvent(event, ctx) {
      const seen = (await eventsSeen(ctx)) + 1;
      await ctx.killbill.putPluginValue(EVENTS_SEEN, String(seen));
      ctx.logger.debug('event seen', { eventType: event.eventType, seen });
    },
  },
};
