/**
 * Addresses of the Alibaba Cloud console pages and OpenAPI Explorer entries the extension opens.
 * One module so each form is pinned by a test. The documentation names no deep-link format for
 * console pages; these are the addresses the consoles themselves navigate to (RAM role and policy
 * detail, ECS instance detail with its region, OSS bucket objects with the bucket's region), and
 * OpenAPI Explorer's `api.aliyun.com/api/<Product>/<Version>/<Action>` form, which the API
 * references link to ("Try it now").
 * No `vscode` here.
 */

const enc = encodeURIComponent;

export type ConsoleTarget =
  | { kind: 'role'; roleName: string }
  | { kind: 'policy'; policyName: string; policyType: 'Custom' | 'System' }
  | { kind: 'instance'; instanceId: string; regionId: string }
  | { kind: 'bucket'; bucket: string; regionId: string };

export function consoleUrl(t: ConsoleTarget): string {
  switch (t.kind) {
    case 'role':
      return `https://ram.console.aliyun.com/roles/detail?roleName=${enc(t.roleName)}`;
    case 'policy':
      return `https://ram.console.aliyun.com/policies/detail?policyName=${enc(t.policyName)}&policyType=${enc(t.policyType)}`;
    case 'instance':
      return `https://ecs.console.aliyun.com/server/${enc(t.instanceId)}/detail?regionId=${enc(t.regionId)}`;
    case 'bucket':
      return `https://oss.console.aliyun.com/bucket/oss-${enc(t.regionId)}/${enc(t.bucket)}/object`;
  }
}

/** The API versions the extension calls, by product as OpenAPI Explorer names them. */
const API_VERSIONS = { Ram: '2015-05-01', Ecs: '2014-05-26', Sts: '2015-04-01', Oss: '2019-05-17' } as const;
export type ApiProduct = keyof typeof API_VERSIONS;

export function openApiExplorerUrl(product: ApiProduct, action: string, regionId?: string): string {
  const base = `https://api.aliyun.com/api/${product}/${API_VERSIONS[product]}/${enc(action)}`;
  return regionId && product !== 'Ram' && product !== 'Oss' ? `${base}?RegionId=${enc(regionId)}` : base;
}

/** The API behind each command that calls one (what "Open in OpenAPI Explorer" offers). */
export const COMMAND_APIS: Record<string, { product: ApiProduct; action: string }> = {
  'alibabaCloud.ram.createEcsRole': { product: 'Ram', action: 'CreateRole' },
  'alibabaCloud.ram.createPolicy': { product: 'Ram', action: 'CreatePolicy' },
  'alibabaCloud.ram.attachPolicy': { product: 'Ram', action: 'AttachPolicyToRole' },
  'alibabaCloud.ram.detachPolicy': { product: 'Ram', action: 'DetachPolicyFromRole' },
  'alibabaCloud.ram.deleteRole': { product: 'Ram', action: 'DeleteRole' },
  'alibabaCloud.ram.deletePolicy': { product: 'Ram', action: 'DeletePolicy' },
  'alibabaCloud.ram.createPolicyVersion': { product: 'Ram', action: 'CreatePolicyVersion' },
  'alibabaCloud.ecs.attachRole': { product: 'Ecs', action: 'AttachInstanceRamRole' },
  'alibabaCloud.ecs.detachRole': { product: 'Ecs', action: 'DetachInstanceRamRole' },
  'alibabaCloud.ecs.createInstance': { product: 'Ecs', action: 'RunInstances' },
  'alibabaCloud.ecs.startInstance': { product: 'Ecs', action: 'StartInstance' },
  'alibabaCloud.ecs.stopInstance': { product: 'Ecs', action: 'StopInstance' },
  'alibabaCloud.ecs.rebootInstance': { product: 'Ecs', action: 'RebootInstance' },
  'alibabaCloud.ecs.releaseInstance': { product: 'Ecs', action: 'DeleteInstance' },
  'alibabaCloud.oss.createBucket': { product: 'Oss', action: 'PutBucket' },
  'alibabaCloud.oss.deleteBucket': { product: 'Oss', action: 'DeleteBucket' },
};
