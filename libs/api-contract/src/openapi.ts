import { z } from 'zod/v4';
import { endpoints, type Endpoint } from './endpoints';
import { wireSchemaOf, type JsonSchema } from './fields';
import { errorEnvelope } from './responses';

type Io = 'input' | 'output';

/** JSON Schema of a zod schema: requests as they are sent (input), answers as they come (output). */
export function jsonSchemaOf(schema: z.ZodType, io: Io): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      const wire = wireSchemaOf(ctx.zodSchema);
      if (!wire) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
      Object.assign(ctx.jsonSchema, wire);
    },
  }) as JsonSchema;
  delete out['$schema'];
  return out;
}

const STATUS_WORDS: Record<number, string> = {
  400: 'a refused parameter or body (the message names it)',
  401: 'missing or wrong credentials',
  404: 'not found among the caller’s own',
  409: 'belongs to another account',
  413: 'the body is too large',
  415: 'the body is in an unsupported encoding or charset',
  429: 'request or failed-authentication limit reached; Retry-After says how many seconds to wait',
  500: 'an unexpected failure (see the server log)',
  502: 'Telegram did not answer',
  503: 'not ready: a dependency does not answer',
};

const SECURITY: Record<Endpoint['auth'], object[]> = {
  key: [{ apiKeyQuery: [] }, { bearer: [] }],
  admin: [{ admin: [] }],
  none: [],
};

function parameters(e: Endpoint): object[] {
  const out: object[] = [];
  for (const m of e.path.matchAll(/\{(\w+)\}/g))
    out.push({ name: m[1], in: 'path', required: true, schema: { type: 'integer' } });
  if (e.query) {
    const object = jsonSchemaOf(e.query, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(object.properties ?? {}))
      out.push({ name, in: 'query', required: object.required?.includes(name) ?? false, schema });
  }
  return out;
}

function responses(e: Endpoint): Record<string, object> {
  const success =
    'mediaType' in e.response
      ? {
          description: e.response.description,
          content: { [e.response.mediaType]: { schema: { type: 'string' } } },
        }
      : {
          description: 'ok',
          content: { 'application/json': { schema: jsonSchemaOf(e.response, 'output') } },
        };
  const out: Record<string, object> = { '200': success };
  for (const [status, codes] of Object.entries(e.errors)) {
    out[status] = {
      description: `${STATUS_WORDS[Number(status)] ?? 'error'} (error: ${codes.join(' or ')})`,
      ...(status === '429'
        ? { headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } } }
        : {}),
      content: { 'application/json': { schema: jsonSchemaOf(errorEnvelope(codes), 'output') } },
    };
  }
  return out;
}

/** The OpenAPI 3.1 description of every endpoint of the table, served at /api/docs. */
export function openApiDocument(table: Readonly<Record<string, Endpoint>> = endpoints) {
  const paths: Record<string, Record<string, object>> = {};
  for (const [name, e] of Object.entries(table)) {
    const params = parameters(e);
    const operation = {
      operationId: name,
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      security: SECURITY[e.auth],
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(e.body, 'input') } },
            },
          }
        : {}),
      responses: responses(e),
    };
    (paths[e.path] ??= {})[e.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Telegram subscriber tracker API', version: '1' },
    security: SECURITY.key,
    components: {
      securitySchemes: {
        apiKeyQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'id',
          description: 'API key {account_id}-{secret}',
        },
        bearer: { type: 'http', scheme: 'bearer' },
        admin: { type: 'apiKey', in: 'header', name: 'X-Admin-Token' },
      },
    },
    paths,
  };
}
