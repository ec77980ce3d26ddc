import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account, CatalogStore } from '@subtrack/ports';
import { ApiError } from './api-error';

/** A request's query string as Express parses it. */
type Query = Record<string, unknown>;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new API key `{account_id}-{secret}` and the hash that is stored in its place. */
export function newApiKey(account: number): { key: string; hash: string } {
  const secret = randomBytes(24).toString('base64url').replace(/[-_]/g, 'x');
  return { key: `${account}-${secret}`, hash: hashSecret(secret) };
}

function keyFrom(query: Query, authorization: string | undefined): string | undefined {
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  const inQuery = typeof query['id'] === 'string' && query['id'] !== '' ? query['id'] : undefined;
  // Two different keys in one request: trusting either one would be a guess.
  if (bearer && inQuery && bearer !== inQuery)
    throw new ApiError(401, 'key', 'two different API keys given (Authorization header and id parameter)');
  return bearer ?? inQuery;
}

/** Resolves the account of an API key (query `id` or `Authorization: Bearer`), or fails with 401. */
export async function authenticate(
  catalog: CatalogStore,
  query: Query,
  authorization: string | undefined,
): Promise<Account> {
  const key = keyFrom(query, authorization);
  if (!key) throw new ApiError(401, 'key', 'API key required: pass ?id=<key> or Authorization: Bearer <key>');
  const match = /^(\d+)-(.+)$/.exec(key);
  const account = match ? await catalog.getAccount(Number(match[1])) : null;
  if (!account || !match) throw new ApiError(401, 'key', 'invalid API key');
  const given = Buffer.from(hashSecret(match[2]!), 'hex');
  const stored = Buffer.from(account.keyHash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored))
    throw new ApiError(401, 'key', 'invalid API key');
  return account;
}
