/**
 * The RPC half of the sandbox: RAM (2015-05-01), ECS (2014-05-26) and STS (2015-04-01) the way the
 * POP gateway serves them. Picks the product by API version, verifies the signature, authorizes
 * the caller (`<product>:<Action>` on the action's resources; root always passes), runs the
 * action's handler from its product's table, and answers JSON — errors in the gateway's shape
 * {RequestId, HostId, Code, Message, Recommend} (WIRE §1.5).
 */
import { SandboxError } from './errors';
import { ecsProduct } from './ecs';
import { header, requestId, type SandboxRequest, type SandboxResponse } from './http';
import { authorize, type Principal } from './principal';
import { ramProduct } from './ram';
import { authenticate, parseFormPairs } from './rpcSignature';
import type { Sandbox, ServiceModule } from './server';
import { now, type SandboxState } from './state';
import { stsProduct } from './sts';

export type RpcServiceName = 'ram' | 'ecs' | 'sts';
export type RpcBody = Record<string, unknown>;

/** What a handler sees: the caller, its parameters and the account it acts on. */
export interface RpcContext {
  readonly sandbox: Sandbox;
  readonly state: SandboxState;
  readonly principal: Principal;
  readonly params: RpcParams;
  readonly action: string;
  readonly accountId: string;
  /** ms since epoch on the sandbox clock. */
  now(): number;
  /**
   * Whether the caller may perform `action` on `resource` (root always may), with the request's
   * global condition keys plus `conditions` (e.g. `acs:Service` when a service acts for the caller).
   */
  allows(action: string, resource: string, conditions?: Record<string, string>): boolean;
}

export interface RpcAction {
  /**
   * Full resource ARNs the caller needs `<product>:<Action>` on, checked before the handler
   * runs. Omitted: the product's `defaultResource`. Empty list: the handler checks itself.
   */
  resources?(ctx: RpcContext): string[];
  handle(ctx: RpcContext): RpcBody;
}

export interface RpcProduct {
  name: RpcServiceName;
  version: string;
  /** HostId in error bodies and `product=` in the Recommend link. */
  hostId: string;
  productCode: string;
  actions: Readonly<Record<string, RpcAction>>;
  defaultResource(ctx: RpcContext): string;
  /** The product's own wording for "not authorized" (RAM/STS: NoPermission; ECS: Forbidden.RAM). */
  denied: { code: string; status: number; message: string };
}

const PRODUCTS: readonly RpcProduct[] = [ramProduct, ecsProduct, stsProduct];

/** An error carrying extra top-level JSON fields (AccessDeniedDetail). */
export class RpcError extends SandboxError {
  constructor(code: string, status: number, message: string, readonly fields: RpcBody = {}) {
    super(code, status, message);
  }
}

const invalidParameter = (name: string) =>
  new SandboxError('InvalidParameter', 400, `The specified parameter "${name}" is not valid.`);

/** Typed access to the flattened request parameters (`Tag.1.Key`, `InstanceIds` as JSON…). */
export class RpcParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Every parameter, sorted by name (to compare two requests). */
  entries(): Array<[string, string]> {
    return [...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  str(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A present, non-empty value, or the gateway's MissingParameter. */
  required(name: string): string {
    const v = this.values.get(name);
    if (v === undefined || v === '') {
      throw new SandboxError('MissingParameter', 400, `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);
    }
    return v;
  }

  int(name: string, opts: { min?: number; max?: number; invalid?: () => SandboxError } = {}): number | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === '') { return undefined; }
    const n = Number(v);
    const bad = !/^-?\d+$/.test(v.trim()) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
    if (bad) { throw (opts.invalid ?? (() => invalidParameter(name)))(); }
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.values.get(name)?.toLowerCase();
    if (v === undefined || v === '') { return undefined; }
    if (v !== 'true' && v !== 'false') { throw invalidParameter(name); }
    return v === 'true';
  }

  /** Repeat-list values `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    const out: Array<[number, string]> = [];
    for (const [k, v] of this.values) {
      const m = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)$`).exec(k);
      if (m) { out.push([Number(m[1]), v]); }
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** Repeat-list objects `Tag.1.Key`/`Tag.1.Value` → [{Key, Value}], in index order. */
  objects(name: string): Array<Record<string, string>> {
    const byIndex = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of this.values) {
      const m = re.exec(k);
      if (!m) { continue; }
      const entry = byIndex.get(Number(m[1])) ?? {};
      entry[m[2]] = v;
      byIndex.set(Number(m[1]), entry);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }
}

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
  if (!action) { return undefined; }
  const version = header(req, 'x-acs-version') ?? params.get('Version');
  return { action, product: PRODUCTS.find((p) => p.version === version), params, query, body };
}

const hasAction = (p: RpcProduct, action: string) => Object.prototype.hasOwnProperty.call(p.actions, action);

/** For the request log and faults when the version is unknown: whoever has an action by that name. */
function guessProduct(action: string): RpcProduct {
  return PRODUCTS.find((p) => hasAction(p, action)) ?? ramProduct;
}

/** The gateway echoes no protocol parameters back to handlers. */
const PROTOCOL_PARAMS = ['Action', 'Version', 'Format', 'Timestamp', 'SignatureNonce', 'SignatureMethod',
  'SignatureVersion', 'Signature', 'AccessKeyId', 'SecurityToken', 'SignatureType'];

function handlerParams(all: Map<string, string>): RpcParams {
  const m = new Map(all);
  for (const k of PROTOCOL_PARAMS) { m.delete(k); }
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
    body: JSON.stringify(body),
  };
}

export const rpcService: ServiceModule = {
  match(req) {
    const id = identify(req);
    return id && { service: (id.product ?? guessProduct(id.action)).name, action: id.action };
  },

  handle(req, sandbox) {
    const id = identify(req);
    if (!id) { throw new SandboxError('MissingParameter', 400, 'The input parameter "Action" that is mandatory for processing this request is not supplied.'); }
    const product = id.product;
    if (!product) { throw new SandboxError('InvalidVersion', 400, 'Specified parameter Version is not valid.'); }
    const entry = hasAction(product, id.action) ? product.actions[id.action] : undefined;
    if (!entry) { throw new SandboxError('InvalidAction.NotFound', 404, 'Specified api is not found, please check your url and method.'); }

    const state = sandbox.state;
    const { credential } = authenticate(req, state, id.query, id.body);
    const principal = credential.principal;
    // The global condition keys every request carries (RAM "Policy elements": acs:SourceIp,
    // acs:CurrentTime, acs:SecureTransport); the sandbox serves plain HTTP on loopback.
    const globals = { 'acs:SourceIp': req.remoteAddress ?? '127.0.0.1', 'acs:CurrentTime': new Date(now(state)).toISOString(), 'acs:SecureTransport': 'false' };
    const ctx: RpcContext = {
      sandbox, state, principal, action: id.action, accountId: state.accountId,
      params: handlerParams(id.params),
      now: () => now(state),
      allows: (action, resource, conditions = {}) => authorize(state, principal, { action, resource, conditions: { ...globals, ...conditions } }).effect === 'Allow',
    };

    const authAction = `${product.name}:${id.action}`;
    for (const resource of entry.resources ? entry.resources(ctx) : [product.defaultResource(ctx)]) {
      const decision = authorize(state, principal, { action: authAction, resource, conditions: globals });
      if (decision.effect === 'Allow') { continue; }
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

    const rid = requestId();
    return json(200, rid, { RequestId: rid, ...entry.handle(ctx) });
  },

  errorResponse(err, req) {
    const id = identify(req);
    const product = id ? id.product ?? guessProduct(id.action) : ramProduct;
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
