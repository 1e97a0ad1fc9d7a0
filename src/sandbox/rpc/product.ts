/**
 * The contract between the RPC gateway (rpc.ts) and the products behind it (ram.ts, ecs.ts,
 * sts.ts): what a handler sees, what a product declares, and its errors. Its own module so that
 * the gateway can list the products and the products can use the contract without a circle.
 */
import { SandboxError } from '../core/errors';
import type { Principal } from '../core/principal';
import type { SandboxHost } from '../core/service';
import type { SandboxState } from '../core/state';

export type RpcServiceName = 'ram' | 'ecs' | 'sts' | 'actiontrail';
export type RpcBody = Record<string, unknown>;

/** What a handler sees: the caller, its parameters and the account it acts on. */
export interface RpcContext {
  readonly sandbox: SandboxHost;
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
  /** The product's own condition keys this request carries (e.g. `ecs:SecurityHardeningMode`), checked with the globals. */
  conditions?(ctx: RpcContext): Record<string, string>;
  /**
   * Called without a signature (the SDK's authType "Anonymous", e.g. STS AssumeRoleWithOIDC): no
   * credential is checked and the handler must not read `ctx.principal`.
   */
  anonymous?: boolean;
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

/** An error carrying extra top-level JSON fields (AccessDeniedDetail). */
export class RpcError extends SandboxError {
  constructor(
    code: string,
    status: number,
    message: string,
    readonly fields: RpcBody = {},
  ) {
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
      throw new SandboxError(
        'MissingParameter',
        400,
        `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      );
    }
    return v;
  }

  int(name: string, opts: { min?: number; max?: number; invalid?: () => SandboxError } = {}): number | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === '') {
      return undefined;
    }
    const n = Number(v);
    const bad =
      !/^-?\d+$/.test(v.trim()) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
    if (bad) {
      throw (opts.invalid ?? (() => invalidParameter(name)))();
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.values.get(name)?.toLowerCase();
    if (v === undefined || v === '') {
      return undefined;
    }
    if (v !== 'true' && v !== 'false') {
      throw invalidParameter(name);
    }
    return v === 'true';
  }

  /** Repeat-list values `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    const out: Array<[number, string]> = [];
    for (const [k, v] of this.values) {
      const m = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)$`).exec(k);
      if (m) {
        out.push([Number(m[1]), v]);
      }
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** Repeat-list objects `Tag.1.Key`/`Tag.1.Value` → [{Key, Value}], in index order. */
  objects(name: string): Array<Record<string, string>> {
    const byIndex = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)\\.(.+)$`);
    for (const [k, v] of this.values) {
      const m = re.exec(k);
      if (!m) {
        continue;
      }
      const entry = byIndex.get(Number(m[1])) ?? {};
      entry[m[2]] = v;
      byIndex.set(Number(m[1]), entry);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }
}
