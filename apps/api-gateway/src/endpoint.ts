import {
  applyDecorators,
  createParamDecorator,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Post,
  UseGuards,
  UsePipes,
  type ArgumentMetadata,
  type CanActivate,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import { check, type Endpoint as Contract } from '@subtrack/api-contract';
import { ADMIN_TOKEN } from '@subtrack/config';
import { CATALOG_STORE, type Account, type CatalogStore } from '@subtrack/ports';
import { sameSecret } from '@subtrack/runtime';
import type { Request } from 'express';
import { ApiError, badParam } from './api-error';
import { authenticate } from './auth';

type AuthenticatedRequest = Request & { account?: Account };

/** The account of the API key (query `id` or `Authorization: Bearer`); 401 without a valid one. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(CATALOG_STORE) private readonly catalog: CatalogStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.account = await authenticate(this.catalog, req.query, req.headers.authorization);
    return true;
  }
}

/** The admin endpoints: the `X-Admin-Token` header must hold the admin token. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKEN) private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<Request>().headers['x-admin-token'];
    if (!sameSecret(typeof given === 'string' ? given : '', this.token))
      throw new ApiError(401, 'admin', 'missing or wrong X-Admin-Token header');
    return true;
  }
}

/** The account the request's API key belongs to (set by ApiKeyGuard). */
export const CurrentAccount = createParamDecorator((_: unknown, context: ExecutionContext): Account => {
  const account = context.switchToHttp().getRequest<AuthenticatedRequest>().account;
  if (!account) throw new Error('CurrentAccount used on an endpoint without an API key');
  return account;
});

/**
 * Checks a handler's query and body against its endpoint's schemas and hands it the parsed values;
 * a refusal is a 400 `param` naming the parameter, as `<name>: <problem>`.
 */
export class ContractPipe implements PipeTransform {
  constructor(private readonly endpoint: Contract) {}

  transform(value: unknown, meta: ArgumentMetadata): unknown {
    const schema =
      meta.type === 'query' ? this.endpoint.query : meta.type === 'body' ? this.endpoint.body : undefined;
    if (!schema) return value;
    const checked = check(schema, value);
    if (!checked.ok) throw badParam(checked.name, checked.problem);
    return checked.value;
  }
}

/** Serves a handler as the contract's endpoint: its route, its authentication, its validation. */
export function Endpoint(endpoint: Contract): MethodDecorator {
  const path = endpoint.path.replace(/^\//, '');
  return applyDecorators(
    ...(endpoint.method === 'GET' ? [Get(path)] : [Post(path), HttpCode(200)]),
    ...(endpoint.auth === 'key' ? [UseGuards(ApiKeyGuard)] : []),
    ...(endpoint.auth === 'admin' ? [UseGuards(AdminGuard)] : []),
    UsePipes(new ContractPipe(endpoint)),
  );
}
