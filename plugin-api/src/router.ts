/** Serves a plugin's `routes` for `$handle`: method + path patterns with `:name` parameters. */
import type { PluginContext, RouteHandler, RouteRequest, RouteResponse, Routes } from './define-plugin.js';
import type { HttpRequestDto, HttpResponseDto } from './protocol.js';

interface CompiledRoute {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

const compiled = new WeakMap<object, readonly CompiledRoute[]>();

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function compile(routes: Exclude<Routes, RouteHandler>): readonly CompiledRoute[] {
  let table = compiled.get(routes);
  if (!table) {
    table = Object.entries(routes).map(([key, handler]) => {
      const [method = '', path = '/'] = key.trim().split(/\s+/, 2);
      return { method: method.toUpperCase(), segments: split(path), handler };
    });
    compiled.set(routes, table);
  }
  return table;
}

function match(route: CompiledRoute, segments: readonly string[]): Record<string, string> | null {
  if (route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = route.segments[i]!;
    const got = segments[i]!;
    if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(got);
    else if (want !== got) return null;
  }
  return params;
}

function routeRequest(request: HttpRequestDto, params: Record<string, string>): RouteRequest {
  return {
    ...request,
    params,
    json<T>() {
      return request.body === null || request.body.trim() === '' ? null : (JSON.parse(request.body) as T);
    },
  };
}

/** A string body goes as is; anything else as JSON (the route's own content-type wins). */
export function toHttpResponse(response: RouteResponse): HttpResponseDto {
  const headers: Record<string, string> = { ...response.headers };
  let body: string | null = null;
  if (typeof response.body === 'string') body = response.body;
  else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return { status: response.status ?? 200, headers, body };
}

export async function handleRequest(routes: Routes | undefined, request: HttpRequestDto, ctx: PluginContext): Promise<HttpResponseDto> {
  if (routes === undefined) return toHttpResponse({ status: 404, body: { message: 'this plugin serves no routes' } });
  if (typeof routes === 'function') return toHttpResponse(await routes(routeRequest(request, {}), ctx));
  const segments = split(request.path);
  const method = request.method.toUpperCase();
  const allowed: string[] = [];
  for (const route of compile(routes)) {
    const params = match(route, segments);
    if (!params) continue;
    // HEAD is answered by the GET route, as HTTP servers do.
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
      return toHttpResponse(await route.handler(routeRequest(request, params), ctx));
    }
    allowed.push(route.method);
  }
  if (allowed.length > 0) return toHttpResponse({ status: 405, headers: { allow: allowed.join(', ') }, body: { message: `${method} not allowed on ${request.path}` } });
  return toHttpResponse({ status: 404, body: { message: `no route for ${method} ${request.path}` } });
}
