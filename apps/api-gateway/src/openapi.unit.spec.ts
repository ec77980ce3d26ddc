import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod, type Type } from '@nestjs/common';
import { endpoints, openApiDocument } from '@subtrack/api-contract';
import { HealthController } from '@subtrack/runtime';
import { ApiGatewayModule } from './api-gateway.module';

type Operation = { responses: Record<string, unknown>; security?: unknown[] };
const doc = openApiDocument(endpoints) as unknown as {
  paths: Record<string, Record<string, Operation>>;
};

/** Every route the gateway's controllers declare, as "METHOD /path" (read from their decorators). */
function routes(controllers: Type[]): string[] {
  const out: string[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '/').replace(/^\/?/, '/');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const full = `${base}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      out.push(`${method} ${full}`);
    }
  }
  return out;
}

const described = (route: string): boolean => {
  const [method, path] = route.split(' ') as [string, string];
  return doc.paths[path]?.[method.toLowerCase()] !== undefined;
};

describe('the generated OpenAPI description', () => {
  const served = routes([
    ...(Reflect.getMetadata('controllers', ApiGatewayModule) as Type[]),
    HealthController,
  ]);

  it('describes every API route the gateway serves, and nothing it does not', () => {
    const api = served.filter((r) => / \/api\//.test(r) || / \/(health|ready)$/.test(r));
    expect(api.length).toBeGreaterThanOrEqual(24);
    expect(api.filter((r) => !described(r))).toEqual([]);
    const outside = Object.values(endpoints)
      .filter((e) => !('outsideRouter' in e))
      .map((e) => `${e.method} ${e.path}`);
    expect(outside.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('lists every status the e2e suites see an endpoint answer', () => {
    // Gathered from apps/embedded/test: each status a suite asserts or provokes on a route.
    const seen: [string, string, number[]][] = [
      ['get', '/api/leads/list.json', [200, 400, 401, 429]],
      ['get', '/api/leads/export.csv', [200, 400, 401]],
      ['get', '/api/journal/list.json', [200, 400, 401]],
      ['get', '/api/stats/summary.json', [200, 400, 401]],
      ['get', '/api/stats/series.json', [200, 400, 401]],
      ['post', '/api/admin/accounts/add.json', [200, 400, 401, 429]],
      ['post', '/api/admin/accounts/rotate.json', [200, 401, 404]],
      ['get', '/api/account/info.json', [200, 401]],
      ['post', '/api/account/rotate.json', [200, 401]],
      ['get', '/api/setup.json', [200]],
      ['post', '/api/bots/add.json', [200, 400, 401, 409, 502]],
      ['get', '/api/bots/list.json', [200, 401]],
      ['get', '/api/chats/list.json', [200, 401, 404]],
      ['post', '/api/campaigns/add.json', [200, 400, 401, 404]],
      ['post', '/api/campaigns/edit.json', [200, 400, 401, 404]],
      ['get', '/api/campaigns/list.json', [200, 401]],
      ['post', '/api/postbacks/global.json', [200, 400, 401]],
      ['get', '/api/postbacks/list.json', [200, 400, 401]],
      ['post', '/api/postbacks/resend.json', [200, 400, 401, 404]],
      ['post', '/api/postbacks/secret.json', [200, 400, 401, 404]],
      ['post', '/api/postbacks/test.json', [200, 400, 401, 404]],
      ['get', '/health', [200]],
      ['get', '/ready', [200, 503]],
      ['post', '/telegram/webhook/{botId}', [200, 400, 401, 404, 413]],
    ];
    const missing = seen.flatMap(([method, path, statuses]) =>
      statuses
        .filter((s) => doc.paths[path]?.[method]?.responses[String(s)] === undefined)
        .map((s) => `${method} ${path} ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('lists the limit, the body refusals and an internal failure on every API route', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/') || path === '/api/docs') continue;
      for (const [method, op] of Object.entries(operations))
        expect({ route: `${method} ${path}`, statuses: Object.keys(op.responses) }).toEqual({
          route: `${method} ${path}`,
          statuses: expect.arrayContaining(['200', '400', '413', '415', '429', '500']),
        });
    }
  });

  it('takes its enums from the contracts and the ports', () => {
    const action = (
      doc.paths['/api/journal/list.json']!.get as unknown as {
        parameters: { name: string; schema: unknown }[];
      }
    ).parameters.find((p) => p.name === 'action');
    expect(action?.schema).toEqual({ enum: ['request', 'approve', 'join', 'leave', 'ban', ''] });
    const body = JSON.stringify(doc.paths['/api/postbacks/test.json']!.post);
    expect(body).toContain('["wait","hold","approve","cancel","trash"]');
  });

  it('asks for the API key, the admin token or nothing, as each endpoint does', () => {
    expect(doc.paths['/api/admin/accounts/add.json']!.post!.security).toEqual([{ admin: [] }]);
    expect(doc.paths['/api/setup.json']!.get!.security).toEqual([]);
    expect(doc.paths['/api/leads/list.json']!.get!.security).toEqual([{ apiKeyQuery: [] }, { bearer: [] }]);
  });
});
