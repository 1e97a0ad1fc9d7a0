/** Turns a served RPC request into its ActionTrail event (core/trail.ts holds the shape and the store). */
import type { SandboxError } from '../core/errors';
import { recordEvent } from '../core/trail';
import type { RpcContext, RpcProduct } from './product';

/** ActionTrail's serviceName for each product (the sample events: "Ecs", "Actiontrail"). */
const SERVICE_NAMES: Record<string, string> = { ram: 'Ram', ecs: 'Ecs', sts: 'Sts', actiontrail: 'Actiontrail' };
/** RAM and STS are global: their events carry the region of the endpoint, cn-hangzhou by default. */
const GLOBAL_REGION = 'cn-hangzhou';
/** Parameters never copied into an event: what a log must not hold. */
const SECRET_PARAMS = /password|secret|token|privatekey|userdata/i;

function instanceIds(ctx: RpcContext): string[] {
  const one = ctx.params.str('InstanceId');
  if (one) {
    return [one];
  }
  try {
    const many = JSON.parse(ctx.params.str('InstanceIds') ?? '[]') as unknown;
    return Array.isArray(many) ? many.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function recordRpcEvent(
  ctx: RpcContext,
  product: RpcProduct,
  requestId: string,
  authAction: string,
  error?: SandboxError,
  accessKeyId?: string,
): void {
  let principal;
  try {
    principal = ctx.principal;
  } catch {
    return;
  }
  const regionId = ctx.params.str('RegionId');
  const acsRegion = product.name === 'ram' || product.name === 'sts' ? GLOBAL_REGION : (regionId ?? GLOBAL_REGION);
  const requestParameters = Object.fromEntries(
    ctx.params.entries().filter(([k, v]) => !SECRET_PARAMS.test(k) && v.length <= 1024),
  );
  const ids = product.name === 'ecs' ? instanceIds(ctx) : [];
  const roleName = product.name === 'ram' ? ctx.params.str('RoleName') : undefined;
  recordEvent(ctx.state, {
    at: ctx.now(),
    caller: { principal, accessKeyId },
    serviceName: SERVICE_NAMES[product.name] ?? product.name,
    eventSource: `${product.name}.${product.name === 'ecs' || product.name === 'actiontrail' ? `${acsRegion}.` : ''}aliyuncs.com`,
    action: ctx.action,
    acsRegion,
    apiVersion: product.version,
    requestId,
    requestParameters,
    errorCode: error?.code,
    errorMessage: error?.message,
    ...(ids.length
      ? { resourceName: ids.join(';'), resourceType: 'ACS::ECS::Instance' }
      : roleName
        ? { resourceName: roleName, resourceType: 'ACS::RAM::Role' }
        : {}),
    authAction,
  });
}
