/** ECS over the real SDK: instances, their RAM role, and what creating an instance needs. */
import { randomUUID } from 'node:crypto';
import { CloudError, isCloudError } from './errors';
import { l10n } from './l10n';
import { collectAll, type Page } from './paging';
import { deferredPage, scanAnswer, type DeferredPage } from './deferredAnswer';
import { callRpcJson, callRpcParts, loadDara, loadEcsSdk, type RpcJson } from './sdk';
import type { CallOptions, CloudSession } from './session';

export interface EcsInstance {
  instanceId: string;
  instanceName: string;
  regionId: string;
  zoneId: string;
  status: string;
  networkType: 'vpc' | 'classic' | string;
  instanceType: string;
  osName: string;
  vpcId?: string;
  vSwitchId?: string;
  privateIps: string[];
  publicIps: string[];
  /** The elastic IP associated with the instance, if any (also listed in publicIps). */
  eip?: string;
  /** Filled by describeInstanceRoles; ECS does not return it with the instance. */
  ramRoleName?: string;
  httpTokens?: string;
  /** "disabled": nothing answers at 100.100.100.200 on the instance. */
  httpEndpoint?: string;
  tags?: Array<{ key: string; value: string }>;
}

export interface RoleChangeResult {
  instanceId: string;
  success: boolean;
  code: string;
  message: string;
}

export interface RegionInfo {
  regionId: string;
  localName: string;
}
export interface ZoneInfo {
  zoneId: string;
  localName: string;
}
export interface VpcInfo {
  vpcId: string;
  vpcName: string;
  cidrBlock: string;
  isDefault: boolean;
}
export interface VSwitchInfo {
  vSwitchId: string;
  vSwitchName: string;
  vpcId: string;
  zoneId: string;
  cidrBlock: string;
  availableIps?: number;
}
export interface SecurityGroupInfo {
  securityGroupId: string;
  securityGroupName: string;
  vpcId: string;
  description: string;
}
export interface ImageInfo {
  imageId: string;
  imageName: string;
  osName: string;
  osType: string;
  architecture: string;
}
export interface InstanceTypeInfo {
  instanceTypeId: string;
  cpuCoreCount: number;
  memorySize: number;
  family: string;
}

export interface KeyPairInfo {
  keyPairName: string;
  fingerprint: string;
  creationTime: string;
}

/**
 * A pay-as-you-go price (DescribePrice, ECS 2014-05-26, PriceInfo.Price:
 * https://help.aliyun.com/en/ecs/developer-reference/api-ecs-2014-05-26-describeprice): what it
 * lists at, the discount, and what is charged per `unit`.
 */
export interface PriceEstimate {
  originalPrice: number;
  discountPrice: number;
  tradePrice: number;
  currency: string;
  unit: 'Hour' | 'Month';
}

/**
 * The system disk new instances get, named on RunInstances and on its price estimate alike so the
 * two agree (ESSD is what current instance families take; RunInstances API reference, SystemDisk.Category).
 */
export const SYSTEM_DISK_CATEGORY = 'cloud_essd';

export interface NewInstance {
  regionId: string;
  zoneId: string;
  imageId: string;
  instanceType: string;
  vSwitchId: string;
  securityGroupId: string;
  instanceName: string;
  /** Optional with a key pair: ECS then creates the instance with no password (set one later). */
  password?: string;
  /** An SSH key pair of the region (Linux images); Connect then looks for its private key. */
  keyPairName?: string;
  ramRoleName?: string;
  /** >0 gives the instance a public IP (pay-by-traffic). */
  internetMaxBandwidthOut?: number;
  /** Hardened IMDS only (recommended). */
  hardenedMetadata?: boolean;
  /**
   * ECS's idempotency token: one per user action, the same for every retry of it, so a request
   * that timed out and is sent again returns the instance the first one made instead of a second.
   */
  clientToken?: string;
  tags?: Array<{ key: string; value: string }>;
}

const PASSWORD_SPECIALS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";

/** ECS password rules: 8–30 characters with at least three of upper, lower, digit, special. */
export function checkInstancePassword(password: string): string | undefined {
  if (password.length < 8 || password.length > 30) {
    return l10n.t('The password must be 8 to 30 characters long.');
  }
  const invalid = [...password].find((ch) => !/[A-Za-z0-9]/.test(ch) && !PASSWORD_SPECIALS.includes(ch));
  if (invalid) {
    return l10n.t('The character "{0}" is not allowed in an ECS password.', invalid);
  }
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) {
    return l10n.t('The password needs at least three of: upper case, lower case, digits, special characters.');
  }
  return undefined;
}

/** A new instance needs a way in: a valid password, or a key pair (then no password is set). */
export function checkInstanceLogin(spec: { password?: string; keyPairName?: string }): string | undefined {
  if (spec.password !== undefined) {
    return checkInstancePassword(spec.password);
  }
  return spec.keyPairName ? undefined : l10n.t('Give the new instance a password or an SSH key pair.');
}

const ECS_VERSION = '2014-05-26';

/** The fields of a DescribeInstances answer that listInstances reads (ECS API reference names). */
interface RawInstancePage {
  NextToken?: string;
  /** DescribeInstances API reference, response parameters: the number of instances that match. */
  TotalCount?: number;
  Instances?: { Instance?: RawInstance[] };
}

interface RawInstance {
  InstanceId?: string;
  InstanceName?: string;
  RegionId?: string;
  ZoneId?: string;
  Status?: string;
  InstanceNetworkType?: string;
  InstanceType?: string;
  OSName?: string;
  VpcAttributes?: { VpcId?: string; VSwitchId?: string; PrivateIpAddress?: { IpAddress?: string[] } };
  InnerIpAddress?: { IpAddress?: string[] };
  PublicIpAddress?: { IpAddress?: string[] };
  EipAddress?: { IpAddress?: string };
  MetadataOptions?: { HttpTokens?: string; HttpEndpoint?: string };
  Tags?: { Tag?: Array<{ TagKey?: string; TagValue?: string }> };
}

interface RawRoleSets {
  InstanceRamRoleSets?: { InstanceRamRoleSet?: Array<{ InstanceId?: string; RamRoleName?: string }> };
}

function instanceRows(b: RawInstancePage | undefined, regionId: string): EcsInstance[] {
  return (b?.Instances?.Instance ?? []).map((i) => ({
    instanceId: i.InstanceId ?? '',
    instanceName: i.InstanceName ?? '',
    regionId: i.RegionId ?? regionId,
    zoneId: i.ZoneId ?? '',
    status: i.Status ?? '',
    networkType: i.InstanceNetworkType ?? '',
    instanceType: i.InstanceType ?? '',
    osName: i.OSName ?? '',
    vpcId: i.VpcAttributes?.VpcId || undefined,
    vSwitchId: i.VpcAttributes?.VSwitchId || undefined,
    privateIps: [...(i.VpcAttributes?.PrivateIpAddress?.IpAddress ?? []), ...(i.InnerIpAddress?.IpAddress ?? [])],
    publicIps: [...(i.PublicIpAddress?.IpAddress ?? []), ...(i.EipAddress?.IpAddress ? [i.EipAddress.IpAddress] : [])],
    eip: i.EipAddress?.IpAddress || undefined,
    httpTokens: i.MetadataOptions?.HttpTokens,
    httpEndpoint: i.MetadataOptions?.HttpEndpoint,
    tags: (i.Tags?.Tag ?? []).map((t) => ({ key: t.TagKey ?? '', value: t.TagValue ?? '' })),
  }));
}

export class EcsApi {
  constructor(private readonly session: CloudSession) {}

  private call<T>(
    action: string,
    regionId: string,
    fn: (client: ReturnType<CloudSession['ecsClient']>, sdk: ReturnType<typeof loadEcsSdk>) => Promise<T>,
    opts?: CallOptions,
  ): Promise<T> {
    return this.session.call('ecs', action, regionId, () => fn(this.session.ecsClient(regionId), loadEcsSdk()), opts);
  }

  /** The listings that run by the hundred (the inventory): plain JSON, see callRpcJson. */
  private json<B>(action: string, regionId: string, query: Record<string, unknown>): Promise<RpcJson<B>> {
    return this.call(action, regionId, (c) => callRpcJson<B>(c, action, ECS_VERSION, query));
  }

  async describeRegions(): Promise<RegionInfo[]> {
    const r = await this.call('DescribeRegions', this.session.regionId, (c, m) =>
      c.describeRegions(new m.DescribeRegionsRequest({})),
    );
    return (r.body?.regions?.region ?? []).map((x) => ({ regionId: x.regionId ?? '', localName: x.localName ?? '' }));
  }

  async describeZones(regionId: string): Promise<ZoneInfo[]> {
    const r = await this.call('DescribeZones', regionId, (c, m) =>
      c.describeZones(new m.DescribeZonesRequest({ regionId })),
    );
    return (r.body?.zones?.zone ?? []).map((z) => ({ zoneId: z.zoneId ?? '', localName: z.localName ?? '' }));
  }

  async listInstances(
    regionId: string,
    nextToken?: string,
    maxResults = 50,
    filter: { instanceIds?: string[]; vpcOnly?: boolean } = {},
  ): Promise<Page<EcsInstance>> {
    const r = await this.json<RawInstancePage>('DescribeInstances', regionId, {
      RegionId: regionId,
      NextToken: nextToken,
      MaxResults: maxResults,
      InstanceIds: filter.instanceIds ? JSON.stringify(filter.instanceIds) : undefined,
      InstanceNetworkType: filter.vpcOnly ? 'vpc' : undefined,
    });
    const b = r.body;
    return {
      items: instanceRows(b, regionId),
      next: b?.NextToken || undefined,
      total: typeof b?.TotalCount === 'number' ? b.TotalCount : undefined,
    };
  }

  /**
   * listInstances for the inventory: the answer is kept as text and its NextToken read from the
   * top level, so the region's next page can be asked for before this one is parsed; the rows are
   * built when `items()` is first called.
   */
  async listInstancesDeferred(
    regionId: string,
    nextToken?: string,
    maxResults = 50,
  ): Promise<DeferredPage<EcsInstance>> {
    const { page } = await this.call('DescribeInstances', regionId, async (c) => {
      const r = await callRpcParts(c, 'DescribeInstances', ECS_VERSION, {
        RegionId: regionId,
        NextToken: nextToken,
        MaxResults: maxResults,
      });
      const parts = r.body ?? [];
      const top = scanAnswer(parts, { scalars: ['NextToken', 'RequestId'] }).scalars;
      const next = typeof top.NextToken === 'string' && top.NextToken ? top.NextToken : undefined;
      // body.RequestId for the session's log line.
      return {
        body: { RequestId: top.RequestId as string | undefined },
        headers: r.headers,
        page: deferredPage(parts, next, ['Instances', 'Instance'], (rows: RawInstance[]) =>
          instanceRows({ Instances: { Instance: rows } }, regionId),
        ),
      };
    });
    return page;
  }

  async getInstance(regionId: string, instanceId: string): Promise<EcsInstance> {
    const page = await this.listInstances(regionId, undefined, 10, { instanceIds: [instanceId] });
    const found = page.items.find((i) => i.instanceId === instanceId);
    if (!found) {
      throw new CloudError({
        code: 'InvalidInstanceId.NotFound',
        service: 'ecs',
        action: 'DescribeInstances',
        status: 404,
        message: l10n.t('Instance {0} was not found in {1}.', instanceId, regionId),
      });
    }
    return found;
  }

  /** The role attached to each of the given instances (absent = none). Classic instances are skipped by the caller. */
  async describeInstanceRoles(regionId: string, instanceIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < instanceIds.length; i += 50) {
      const ids = instanceIds.slice(i, i + 50);
      const r = await this.json<RawRoleSets>('DescribeInstanceRamRole', regionId, {
        RegionId: regionId,
        InstanceIds: JSON.stringify(ids),
        PageSize: 50,
      });
      for (const s of r.body?.InstanceRamRoleSets?.InstanceRamRoleSet ?? []) {
        if (s.InstanceId && s.RamRoleName) {
          out.set(s.InstanceId, s.RamRoleName);
        }
      }
    }
    return out;
  }

  /**
   * The ids of the instances in `regionId` that hold `ramRoleName`. DescribeInstanceRamRole takes
   * RamRoleName without InstanceIds and then answers for the whole region, 50 a page at most
   * (DescribeInstanceRamRole API reference: PageSize 1-50, TotalCount).
   */
  async instancesWithRole(regionId: string, ramRoleName: string): Promise<string[]> {
    const sets = await collectAll(
      this.numbered(50, async (pageNumber) => {
        const r = await this.call('DescribeInstanceRamRole', regionId, (c, m) =>
          c.describeInstanceRamRole(
            new m.DescribeInstanceRamRoleRequest({ regionId, ramRoleName, pageSize: 50, pageNumber }),
          ),
        );
        return { items: r.body?.instanceRamRoleSets?.instanceRamRoleSet ?? [], totalCount: r.body?.totalCount };
      }),
    );
    return sets
      .filter((x) => x.instanceId && x.ramRoleName?.toLowerCase() === ramRoleName.toLowerCase())
      .map((x) => x.instanceId!);
  }

  async attachRole(regionId: string, instanceId: string, ramRoleName: string): Promise<RoleChangeResult> {
    const r = await this.call('AttachInstanceRamRole', regionId, (c, m) =>
      c.attachInstanceRamRole(
        new m.AttachInstanceRamRoleRequest({ regionId, ramRoleName, instanceIds: JSON.stringify([instanceId]) }),
      ),
    );
    const res = r.body?.attachInstanceRamRoleResults?.attachInstanceRamRoleResult?.find(
      (x) => x.instanceId === instanceId,
    );
    return this.perInstance('AttachInstanceRamRole', instanceId, res, r.body?.requestId);
  }

  /**
   * Detaches `ramRoleName` from the instance. RamRoleName is optional in DetachInstanceRamRole
   * (ECS API reference, DetachInstanceRamRole: "RamRoleName … Required: No"); ECS refuses a name
   * RAM no longer knows (InvalidRamRole.NotFound), which would strand an instance whose role was
   * deleted. So when the instance still holds exactly that role, detach it without naming it.
   */
  async detachRole(regionId: string, instanceId: string, ramRoleName?: string): Promise<RoleChangeResult> {
    try {
      return await this.detachOnce(regionId, instanceId, ramRoleName);
    } catch (e) {
      if (!ramRoleName || !isCloudError(e, 'InvalidRamRole.NotFound')) {
        throw e;
      }
      const held = (await this.describeInstanceRoles(regionId, [instanceId])).get(instanceId);
      if (held?.toLowerCase() !== ramRoleName.toLowerCase()) {
        throw e;
      }
      return this.detachOnce(regionId, instanceId, undefined);
    }
  }

  private async detachOnce(
    regionId: string,
    instanceId: string,
    ramRoleName: string | undefined,
  ): Promise<RoleChangeResult> {
    const r = await this.call('DetachInstanceRamRole', regionId, (c, m) =>
      c.detachInstanceRamRole(
        new m.DetachInstanceRamRoleRequest({ regionId, ramRoleName, instanceIds: JSON.stringify([instanceId]) }),
      ),
    );
    const res = r.body?.detachInstanceRamRoleResults?.detachInstanceRamRoleResult?.find(
      (x) => x.instanceId === instanceId,
    );
    return this.perInstance('DetachInstanceRamRole', instanceId, res, r.body?.requestId);
  }

  /** ECS reports per-instance failures inside a 200 response; surface them as errors. */
  private perInstance(
    action: string,
    instanceId: string,
    res: { success?: boolean; code?: string; message?: string } | undefined,
    requestId?: string,
  ): RoleChangeResult {
    if (!res) {
      throw new CloudError({
        code: 'InvalidResponse',
        service: 'ecs',
        action,
        requestId,
        message: l10n.t('ECS returned no result for {0}.', instanceId),
      });
    }
    if (!res.success) {
      throw new CloudError({
        code: res.code ?? 'UnknownError',
        service: 'ecs',
        action,
        requestId,
        status: Number(res.code) || undefined,
        message: res.message ?? '',
      });
    }
    return { instanceId, success: true, code: res.code ?? '200', message: res.message ?? '' };
  }

  /**
   * RunInstances; with dryRun the API answers DryRunOperation when the request would pass. A real
   * run always carries a ClientToken (ECS keeps at most one instance per token: "How to ensure
   * idempotence", https://www.alibabacloud.com/help/doc-detail/25693.html), so it is safe to retry.
   * Of the other ECS writes the product makes, only CreateInstance also takes one (SDK request models).
   */
  async runInstance(spec: NewInstance, dryRun = false): Promise<string | undefined> {
    // A dry run creates nothing, and it must not claim the token of the run that follows it.
    const clientToken = dryRun ? undefined : (spec.clientToken ?? randomUUID());
    const r = await this.call(
      'RunInstances',
      spec.regionId,
      (c, m) =>
        c.runInstances(
          new m.RunInstancesRequest({
            regionId: spec.regionId,
            zoneId: spec.zoneId,
            imageId: spec.imageId,
            instanceType: spec.instanceType,
            vSwitchId: spec.vSwitchId,
            securityGroupId: spec.securityGroupId,
            instanceName: spec.instanceName,
            hostName: spec.instanceName.replace(/[^A-Za-z0-9-]/g, '-'),
            password: spec.password,
            keyPairName: spec.keyPairName,
            systemDisk: new m.RunInstancesRequestSystemDisk({ category: SYSTEM_DISK_CATEGORY }),
            ramRoleName: spec.ramRoleName,
            internetMaxBandwidthOut: spec.internetMaxBandwidthOut ?? 0,
            httpTokens: spec.hardenedMetadata === false ? undefined : 'required',
            amount: 1,
            dryRun,
            clientToken,
            tag: spec.tags?.map((t) => new m.RunInstancesRequestTag(t)),
          }),
        ),
      { idempotent: true },
    );
    return r.body?.instanceIdSets?.instanceIdSet?.[0];
  }

  /**
   * ModifyInstanceMetadataOptions (ECS API reference): HttpTokens "required" allows only
   * hardened-mode (token) reads, "optional" normal mode too. HttpEndpoint is a required parameter,
   * so the instance's current one is sent with it. One call, safe to repeat.
   */
  async modifyMetadataOptions(
    regionId: string,
    instanceId: string,
    options: { httpTokens: 'optional' | 'required'; httpEndpoint: 'enabled' | 'disabled' },
  ): Promise<void> {
    await this.call(
      'ModifyInstanceMetadataOptions',
      regionId,
      (c, m) =>
        c.modifyInstanceMetadataOptions(
          new m.ModifyInstanceMetadataOptionsRequest({
            regionId,
            instanceId,
            httpTokens: options.httpTokens,
            httpEndpoint: options.httpEndpoint,
          }),
        ),
      { idempotent: true },
    );
  }

  async startInstance(regionId: string, instanceId: string): Promise<void> {
    await this.call('StartInstance', regionId, (c, m) => c.startInstance(new m.StartInstanceRequest({ instanceId })));
  }

  /**
   * StopInstance. `stoppedMode` StopCharging (economical mode) releases the instance type resources
   * and the public IP, which may differ on the next start; KeepCharging keeps both.
   */
  async stopInstance(
    regionId: string,
    instanceId: string,
    stoppedMode?: 'StopCharging' | 'KeepCharging',
  ): Promise<void> {
    await this.call('StopInstance', regionId, (c, m) =>
      c.stopInstance(new m.StopInstanceRequest({ instanceId, stoppedMode })),
    );
  }

  async rebootInstance(regionId: string, instanceId: string): Promise<void> {
    await this.call('RebootInstance', regionId, (c, m) =>
      c.rebootInstance(new m.RebootInstanceRequest({ instanceId })),
    );
  }

  /** DeleteInstance (release): without `force` the instance must be Stopped. Irreversible. */
  async deleteInstance(regionId: string, instanceId: string, force = false): Promise<void> {
    await this.call('DeleteInstance', regionId, (c, m) =>
      c.deleteInstance(new m.DeleteInstanceRequest({ instanceId, force })),
    );
  }

  /**
   * Every field DescribeInstances returns for one instance, with the API's own names (the SDK
   * model's toMap()), or undefined when the instance is gone.
   */
  async describeInstanceFields(regionId: string, instanceId: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.call('DescribeInstances', regionId, (c, m) =>
      c.describeInstances(new m.DescribeInstancesRequest({ regionId, instanceIds: JSON.stringify([instanceId]) })),
    );
    const found = r.body?.instances?.instance?.find((i) => i.instanceId === instanceId);
    return found ? found.toMap() : undefined;
  }

  /** A security group's rules (DescribeSecurityGroupAttribute), with the API's own field names. */
  async describeSecurityGroupRules(
    regionId: string,
    securityGroupId: string,
    direction: 'ingress' | 'egress' | 'all' = 'ingress',
  ): Promise<{ name: string; rules: Array<Record<string, unknown>> }> {
    const r = await this.call('DescribeSecurityGroupAttribute', regionId, (c, m) =>
      c.describeSecurityGroupAttribute(
        new m.DescribeSecurityGroupAttributeRequest({ regionId, securityGroupId, direction }),
      ),
    );
    return {
      name: r.body?.securityGroupName ?? '',
      rules: (r.body?.permissions?.permission ?? []).map((p) => p.toMap()),
    };
  }

  async allocatePublicIp(regionId: string, instanceId: string): Promise<string> {
    // Documented: an instance that already has a public IP gets that address back, so a repeat is harmless.
    const r = await this.call(
      'AllocatePublicIpAddress',
      regionId,
      (c, m) => c.allocatePublicIpAddress(new m.AllocatePublicIpAddressRequest({ instanceId })),
      { idempotent: true },
    );
    return r.body?.ipAddress ?? '';
  }

  /*
   * Catalogues are read to the end: a real region has hundreds of instance types and images and
   * dozens of vSwitches and security groups, more than one page of any of them. Page sizes are each
   * API's maximum (its API reference): PageSize 50 for DescribeVpcs and DescribeVSwitches, 100 for
   * DescribeImages, MaxResults 100 for DescribeSecurityGroups and DescribeInstanceTypes (which,
   * without NextToken, returns only its first 100 types). DescribeRegions and DescribeZones are not
   * paged: one answer holds them all.
   */

  /** PageNumber/PageSize paging as one Page<T> loader: the token is the next page number. */
  private numbered<T>(pageSize: number, load: (pageNumber: number) => Promise<{ items: T[]; totalCount?: number }>) {
    return async (token: string | undefined): Promise<Page<T>> => {
      const pageNumber = token ? Number(token) : 1;
      const { items, totalCount } = await load(pageNumber);
      const more = items.length === pageSize && (totalCount === undefined || pageNumber * pageSize < totalCount);
      return { items, next: more ? String(pageNumber + 1) : undefined };
    };
  }

  async describeVpcs(regionId: string): Promise<VpcInfo[]> {
    return collectAll(
      this.numbered(50, async (pageNumber) => {
        const r = await this.call('DescribeVpcs', regionId, (c, m) =>
          c.describeVpcs(new m.DescribeVpcsRequest({ regionId, pageSize: 50, pageNumber })),
        );
        return {
          totalCount: r.body?.totalCount,
          items: (r.body?.vpcs?.vpc ?? []).map((v) => ({
            vpcId: v.vpcId ?? '',
            vpcName: v.vpcName ?? '',
            cidrBlock: v.cidrBlock ?? '',
            isDefault: !!v.isDefault,
          })),
        };
      }),
    );
  }

  async describeVSwitches(regionId: string, vpcId?: string, zoneId?: string): Promise<VSwitchInfo[]> {
    return collectAll(
      this.numbered(50, async (pageNumber) => {
        const r = await this.call('DescribeVSwitches', regionId, (c, m) =>
          c.describeVSwitches(new m.DescribeVSwitchesRequest({ regionId, vpcId, zoneId, pageSize: 50, pageNumber })),
        );
        return {
          totalCount: r.body?.totalCount,
          items: (r.body?.vSwitches?.vSwitch ?? []).map((v) => ({
            vSwitchId: v.vSwitchId ?? '',
            vSwitchName: v.vSwitchName ?? '',
            vpcId: v.vpcId ?? '',
            zoneId: v.zoneId ?? '',
            cidrBlock: v.cidrBlock ?? '',
            availableIps: v.availableIpAddressCount,
          })),
        };
      }),
    );
  }

  async describeSecurityGroups(regionId: string, vpcId?: string): Promise<SecurityGroupInfo[]> {
    return collectAll(async (nextToken) => {
      const r = await this.call('DescribeSecurityGroups', regionId, (c, m) =>
        c.describeSecurityGroups(new m.DescribeSecurityGroupsRequest({ regionId, vpcId, maxResults: 100, nextToken })),
      );
      return {
        items: (r.body?.securityGroups?.securityGroup ?? []).map((g) => ({
          securityGroupId: g.securityGroupId ?? '',
          securityGroupName: g.securityGroupName ?? '',
          vpcId: g.vpcId ?? '',
          description: g.description ?? '',
        })),
        next: r.body?.nextToken || undefined,
      };
    });
  }

  async describeImages(regionId: string): Promise<ImageInfo[]> {
    return collectAll(
      this.numbered(100, async (pageNumber) => {
        const r = await this.call('DescribeImages', regionId, (c, m) =>
          c.describeImages(
            new m.DescribeImagesRequest({ regionId, imageOwnerAlias: 'system', pageSize: 100, pageNumber }),
          ),
        );
        return {
          totalCount: r.body?.totalCount,
          items: (r.body?.images?.image ?? []).map((i) => ({
            imageId: i.imageId ?? '',
            imageName: i.imageName ?? '',
            osName: i.OSName ?? '',
            osType: i.OSType ?? '',
            architecture: i.architecture ?? '',
          })),
        };
      }),
    );
  }

  async describeInstanceTypes(regionId: string): Promise<InstanceTypeInfo[]> {
    return collectAll(async (nextToken) => {
      const r = await this.call('DescribeInstanceTypes', regionId, (c, m) =>
        c.describeInstanceTypesWithOptions(
          new m.DescribeInstanceTypesRequest({ maxResults: 100, nextToken }),
          new (loadDara().RuntimeOptions)({}),
        ),
      );
      return {
        items: (r.body?.instanceTypes?.instanceType ?? []).map((t) => ({
          instanceTypeId: t.instanceTypeId ?? '',
          cpuCoreCount: t.cpuCoreCount ?? 0,
          memorySize: t.memorySize ?? 0,
          family: t.instanceTypeFamily ?? '',
        })),
        next: r.body?.nextToken || undefined,
      };
    });
  }

  /** The region's SSH key pairs, every page (DescribeKeyPairs: PageNumber/PageSize, at most 50 a page). */
  async describeKeyPairs(regionId: string): Promise<KeyPairInfo[]> {
    return collectAll(
      this.numbered(50, async (pageNumber) => {
        const r = await this.call('DescribeKeyPairs', regionId, (c, m) =>
          c.describeKeyPairs(new m.DescribeKeyPairsRequest({ regionId, pageSize: 50, pageNumber })),
        );
        return {
          totalCount: r.body?.totalCount,
          items: (r.body?.keyPairs?.keyPair ?? []).map((k) => ({
            keyPairName: k.keyPairName ?? '',
            fingerprint: k.keyPairFingerPrint ?? '',
            creationTime: k.creationTime ?? '',
          })),
        };
      }),
    );
  }

  /**
   * The pay-as-you-go price of an instance type with its system disk (DescribePrice with
   * ResourceType=instance, which requires InstanceType; PriceUnit Hour is the default). Read-only.
   */
  async describeInstancePrice(
    regionId: string,
    q: { instanceType: string; imageId?: string; systemDiskCategory?: string; unit?: 'Hour' | 'Month' },
  ): Promise<PriceEstimate> {
    const unit = q.unit ?? 'Hour';
    const r = await this.call('DescribePrice', regionId, (c, m) =>
      c.describePrice(
        new m.DescribePriceRequest({
          regionId,
          resourceType: 'instance',
          instanceType: q.instanceType,
          imageId: q.imageId,
          priceUnit: unit,
          systemDisk: new m.DescribePriceRequestSystemDisk({ category: q.systemDiskCategory ?? SYSTEM_DISK_CATEGORY }),
        }),
      ),
    );
    const p = r.body?.priceInfo?.price;
    if (p?.tradePrice === undefined || !p.currency) {
      throw new CloudError({
        code: 'UnreadableAnswer',
        service: 'ecs',
        action: 'DescribePrice',
        message: l10n.t('DescribePrice answered without a price.'),
      });
    }
    return {
      originalPrice: p.originalPrice ?? p.tradePrice,
      discountPrice: p.discountPrice ?? 0,
      tradePrice: p.tradePrice,
      currency: p.currency,
      unit,
    };
  }
}
