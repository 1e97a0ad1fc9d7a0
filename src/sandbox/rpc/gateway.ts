/**
 * The RPC half of the sandbox: RAM (2015-05-01), ECS (2014-05-26) and STS (2015-04-01) the way the
 * POP gateway serves them. Picks the product by API version, verifies the signature, authorizes
 * the caller (`<product>:<Action>` on the action's resources; root always passes), runs the
 * action's handler from its product's table, and answers JSON — errors in the gateway's shape
 * {RequestId, HostId, Code, Message, Recommend} (the RPC error body every Alibaba Cloud API answers with; docs/SANDBOX.md).
 */
import { SandboxError } from '../core/errors';
import { ecsProduct } from './ecs';
import { header, jsonPieces, requestId, type SandboxRequest, type SandboxResponse } from '../core/http';
import { authorize, type Principal } from '../core/principal';
import { ramProduct } from './ram';
import { authenticate, parseFormPairs } from './signature';
import { RpcError, RpcParams, type RpcAction, type RpcBody, type RpcProduct, type RpcContext } from './product';
import type { ServiceModule } from '../core/service';
import { now } from '../core/state';
import { stsProduct } from './sts';
import { actionTrailProduct } from './actiontrail';
import { recordRpcEvent } from './trailRecorder';

const PRODUCTS: readonly RpcProduct[] = [ramProduct, ecsProduct, stsProduct, actionTrailProduct];

interface Identified {
  action: string;
  product?: RpcProduct;
  params: Map<string, string>;
  query: Map<string, string>;
  body: Map<string, string>;
}

/** The server asks match() twice and then handle(); parse each request once. */
const identified = new WeakMap<SandboxRequest, Identified | null>();

function identify(req: SandboxRequest): Identified | undefined {
  let id = identified.get(req);
  if (id === undefined) {
    id = parseIdentity(req) ?? null;
    identified.set(req, id);
  }
  return id ?? undefined;
}

/** Action and version come from the V3 headers or, for V1, from the parameters. */
function parseIdentity(req: SandboxRequest): Identified | undefined {
  const query = parseFormPairs(req.rawQuery);
  const isForm = (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  const body = isForm && req.body.length ? parseFormPairs(req.body.toString('utf8')) : new Map<string, string>();
  const params = new Map([...query, ...body]);
  const action = header(req, 'x-acs-action') ?? params.get('Action');
  if (!action) {
    return undefined;
  }
  const version = header(req, 'x-acs-version') ?? params.get('Version');
  return { action, product: PRODUCTS.find((p) => p.version === version), params, query, body };
}

const hasAction = (p: RpcProduct, action: string) => Object.prototype.hasOwnProperty.call(p.actions, action);

/** For the request log and faults when the version is unknown: whoever has an action by that name. */
function guessProduct(action: string): RpcProduct {
  return PRODUCTS.find((p) => hasAction(p, action)) ?? ramProduct;
}

/** The gateway echoes no protocol parameters back to handlers. */
const PROTOCOL_PARAMS = [
  'Action',
  'Version',
  'Format',
  'Timestamp',
  'SignatureNonce',
  'SignatureMethod',
  'SignatureVersion',
  'Signature',
  'AccessKeyId',
  'SecurityToken',
  'SignatureType',
];

function handlerParams(all: Map<string, string>): RpcParams {
  const m = new Map(all);
  for (const k of PROTOCOL_PARAMS) {
    m.delete(k);
  }
  return new RpcParams(m);
}

function principalType(p: Principal): string {
  return p.kind === 'root' ? 'Account' : p.kind === 'user' ? 'SubUser' : 'AssumedRoleUser';
}

function principalName(p: Principal): string {
  return p.kind === 'root' ? p.accountId : p.kind === 'user' ? p.userName : `${p.roleName}/${p.sessionName}`;
}

function json(status: number, id: string, body: RpcBody): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': id },
    // Built now, while the request's latency runs, as pieces the socket takes without copying.
    body: jsonPieces(body),
  };
}

function authorizeAll(
  ctx: RpcContext,
  product: RpcProduct,
  entry: RpcAction,
  authAction: string,
  principal: Principal,
  globals: Record<string, string>,
): void {
  const state = ctx.state;
  for (const resource of entry.resources ? entry.resources(ctx) : [product.defaultResource(ctx)]) {
    const decision = authorize(state, principal, { action: authAction, resource, conditions: globals });
    if (decision.effect === 'Allow') {
      continue;
    }
    // The same diagnostic block the real gateway adds; the SDK surfaces it as accessDeniedDetail.
    throw new RpcError(product.denied.code, product.denied.status, product.denied.message, {
      AccessDeniedDetail: {
        AuthAction: authAction,
        AuthPrincipalType: principalType(principal),
        AuthPrincipalDisplayName: principalName(principal),
        AuthPrincipalOwnerId: state.accountId,
        PolicyType: 'AccountLevelIdentityBasedPolicy',
        NoPermissionType: decision.effect,
        EncodedDiagnosticMessage: Buffer.from(JSON.stringify({ action: authAction, resource })).toString('base64'),
      },
    });
  }
}

export const rpcService: ServiceModule = {
  match(req) {
    const id = identify(req);
    return (
      id && {
        service: (id.product ?? guessProduct(id.action)).name,
        action: id.action,
        region: id.params.get('RegionId'),
      }
    );
  },

  handle(req, sandbox) {
    const id = identify(req);
    if (!id) {
      throw new SandboxError(
        'MissingParameter',
        400,
        'The input parameter "Action" that is mandatory for processing this request is not supplied.',
      );
    }
    const product = id.product;
    if (!product) {
      throw new SandboxError('InvalidVersion', 400, 'Specified parameter Version is not valid.');
    }
    const entry = hasAction(product, id.action) ? product.actions[id.action] : undefined;
    if (!entry) {
      throw new SandboxError(
        'InvalidAction.NotFound',
        404,
        'Specified api is not found, please check your url and method.',
      );
    }

    const state = sandbox.state;
    if (entry.anonymous) {
      const ctx: RpcContext = {
        sandbox,
        state,
        action: id.action,
        accountId: state.accountId,
        params: handlerParams(id.params),
        now: () => now(state),
        get principal(): Principal {
          throw new Error(`${id.action} is anonymous: it has no caller`);
        },
        allows: () => false,
      };
      const rid = requestId();
      return json(200, rid, { RequestId: rid, ...entry.handle(ctx) });
    }
    const { accessKeyId, credential } = authenticate(req, state, id.query, id.body);
    const principal = credential.principal;
    // The global condition keys every request carries (RAM "Policy elements": acs:SourceIp,
    // acs:CurrentTime, acs:SecureTransport); the sandbox serves plain HTTP on loopback.
    const globals = {
      'acs:SourceIp': req.remoteAddress ?? '127.0.0.1',
      'acs:CurrentTime': new Date(now(state)).toISOString(),
      'acs:SecureTransport': 'false',
    };
    const ctx: RpcContext = {
      sandbox,
      state,
      principal,
      action: id.action,
      accountId: state.accountId,
      params: handlerParams(id.params),
      now: () => now(state),
      allows: (action, resource, conditions = {}) =>
        authorize(state, principal, { action, resource, conditions: { ...globals, ...conditions } }).effect === 'Allow',
    };

    const authAction = `${product.name}:${id.action}`;
    const rid = requestId();
    // Every request served is an ActionTrail event, refused ones with their errorCode.
    try {
      authorizeAll(ctx, product, entry, authAction, principal, { ...globals, ...entry.conditions?.(ctx) });
      const body = entry.handle(ctx);
      recordRpcEvent(ctx, product, rid, authAction, undefined, accessKeyId);
      return json(200, rid, { RequestId: rid, ...body });
    } catch (e) {
      if (e instanceof SandboxError) {
        recordRpcEvent(ctx, product, rid, authAction, e, accessKeyId);
      }
      throw e;
    }
  },

  errorResponse(err, req) {
    const id = identify(req);
    const product = id ? (id.product ?? guessProduct(id.action)) : ramProduct;
    const rid = requestId();
    return json(err.status, rid, {
      RequestId: rid,
      HostId: product.hostId,
      Code: err.code,
      Message: err.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${product.productCode}&requestId=${rid}`,
      ...err.extra,
      ...(err instanceof RpcError ? err.fields : {}),
    });
  },
};
