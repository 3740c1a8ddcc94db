// Shared by the test plugins: one route per behaviour, `POST /<name>` with a JSON array of arguments,
// answered 200 with the behaviour's result as JSON. A throw is the plugin throwing.
export function behaviourRoutes(behaviours) {
  return async (req, ctx) => {
    const behaviour = behaviours[req.path.slice(1)];
    if (behaviour === undefined) return { status: 404, body: { message: `no behaviour ${req.path}` } };
    return { status: 200, body: { result: (await behaviour(ctx, ...(req.json() ?? []))) ?? null } };
  };
}
