/**
 * ECS 2014-05-26 over the sandbox state: regions and network lookups, instances (create, run,
 * start/stop, modify, public IP) and instance RAM roles, with ECS's error codes and both paging
 * styles (PageNumber/PageSize and NextToken/MaxResults). See the DescribeInstances API reference (paging).
 *
 * Instance-level failures of the batch role APIs are reported per instance (Success:false with
 * the error code), but when every instance failed the whole call fails with the first error, so a
 * one-instance call — what the console and terraform make — gets a real error code back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { roleArn } from '../../policy/builders';
import { SandboxError } from '../core/errors';
import { JsonText } from '../core/http';
import { terminalSessionActions } from './terminalSessions';
import { cloudAssistantActions } from './cloudAssistant';
import { schedule, settleInstances } from './lifecycle';
import { visibleRole } from '../core/propagation';
import { valuesIn } from '../core/lazyMap';
import { findRole } from './ram';
import { realismOf } from '../core/realism';
import type { RpcAction, RpcBody, RpcContext, RpcProduct } from './product';
import { securityGroupActions } from './securityGroups';
import { priceActions } from './ecsPrice';
import { revokeInstanceSessions } from './sessions';
import type { Image, Instance, InstanceStatus, RamRole, Region, SandboxState } from '../core/state';
import { trustsService } from '../../policy/trust';

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);

/**
 * An instance may hold one role. ECS documents the refusal without a code, so this one is ours:
 * in the InvalidInstance.* family of instance-state refusals, 403 like IncorrectInstanceStatus.
 */
export const ROLE_ALREADY_ATTACHED = 'InvalidInstance.RamRoleAttached';

const E = {
  instanceNotFound: () => err('InvalidInstanceId.NotFound', 404, 'The specified InstanceId does not exist.'),
  idsMalformed: () => err('InvalidInstanceIds.Malformed', 400, 'The specified instanceIds are not valid.'),
  status: () =>
    err('IncorrectInstanceStatus', 403, 'The current status of the resource does not support this operation.'),
  /**
   * An instance still being created (Pending). The code is the one terraform-provider-alicloud and
   * packer retry on for instances that are initializing; its message is not documented.
   */
  initializing: () =>
    err('IncorrectInstanceStatus.Initializing', 403, 'The specified instance is in Initializing status.'),
  classic: () =>
    err('InvalidNetworkType.MismatchRamRole', 403, 'Ram role cannot be applied to instances of Classic network type.'),
  roleNotFound: () => err('InvalidRamRole.NotFound', 404, 'The specified RAMRoleName does not exist.'),
  notEcsRole: (status: number) =>
    err(
      'InvalidRamRole.NotEcsRole',
      status,
      'The specified ram role is not authorized for ecs, please check your role policy.',
    ),
  passRole: () =>
    err('InvalidUser.PassRoleForbidden', 403, 'The RAM user does not have the privilege to pass a RAM role.'),
  attached: () =>
    err(
      ROLE_ALREADY_ATTACHED,
      403,
      'The instance already has an instance RAM role; detach it before attaching another one.',
    ),
  notAttached: () => err('InvalidRamRole.NotFound', 404, 'The specified RAMRoleName is not attached to the instance.'),
  malformed: (what: string, text: string) => err(`Invalid${what}.Malformed`, 400, text),
  dryRun: () => err('DryRunOperation', 400, 'Request validation has been passed with DryRun flag set.'),
};

// ---- parameters ----

function region(ctx: RpcContext): Region {
  const id = ctx.params.required('RegionId');
  return (
    ctx.state.regions.find((r) => r.regionId === id) ??
    (() => {
      throw err('InvalidRegionId.NotFound', 404, 'The specified RegionId does not exist.');
    })()
  );
}

/** A JSON array string (`["i-a","i-b"]`); the docs' examples also show a bare comma list. */
function idList(raw: string | undefined, malformed: () => SandboxError): string[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  let ids: unknown;
  if (raw.trim().startsWith('[')) {
    try {
      ids = JSON.parse(raw);
    } catch {
      throw malformed();
    }
  } else {
    ids = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (!Array.isArray(ids) || ids.length > 100 || !ids.every((x) => typeof x === 'string' && x)) {
    throw malformed();
  }
  return ids as string[];
}

const instanceIds = (ctx: RpcContext, required: boolean) =>
  idList(required ? ctx.params.required('InstanceIds') : ctx.params.str('InstanceIds'), E.idsMalformed);

function instanceIn(ctx: RpcContext, regionId: string | undefined, id: string): Instance {
  const i = ctx.state.instances.get(id);
  if (!i || (regionId && i.regionId !== regionId)) {
    throw E.instanceNotFound();
  }
  return i;
}

/** Single-instance actions are addressed by InstanceId alone; the region is the instance's. */
const theInstance = (ctx: RpcContext) => instanceIn(ctx, undefined, ctx.params.required('InstanceId'));

const PASSWORD_SPECIALS = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";

/** 8–30 characters, at least three of upper, lower, digit, special; nothing else. */
function password(ctx: RpcContext): string | undefined {
  const p = ctx.params.str('Password');
  if (p === undefined) {
    return undefined;
  }
  const classes =
    [/[A-Z]/, /[a-z]/, /\d/].filter((re) => re.test(p)).length +
    ([...p].some((c) => PASSWORD_SPECIALS.includes(c)) ? 1 : 0);
  const allowed = [...p].every((c) => /[A-Za-z0-9]/.test(c) || PASSWORD_SPECIALS.includes(c));
  if (p.length < 8 || p.length > 30 || classes < 3 || !allowed || p.startsWith('/')) {
    throw E.malformed('Password', 'The specified parameter "Password" is not valid.');
  }
  return p;
}

function names(ctx: RpcContext): { instanceName?: string; hostName?: string; description?: string } {
  const instanceName = ctx.params.str('InstanceName');
  if (
    instanceName !== undefined &&
    (!/^[A-Za-z\u4e00-\u9fa5][\w.:\u4e00-\u9fa5-]{1,127}$/.test(instanceName) || /^https?:\/\//.test(instanceName))
  ) {
    throw E.malformed('InstanceName', 'Specified instance name is not valid.');
  }
  const hostName = ctx.params.str('HostName');
  if (
    hostName !== undefined &&
    (!/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}[A-Za-z0-9]$/.test(hostName) || /[.-]{2}/.test(hostName))
  ) {
    throw E.malformed('HostName', 'Specified host name is not valid.');
  }
  const description = ctx.params.str('Description');
  if (
    description !== undefined &&
    (description.length < 2 || description.length > 256 || /^https?:\/\//.test(description))
  ) {
    throw E.malformed('Description', 'Specified description is not valid.');
  }
  return { instanceName, hostName, description };
}

function dryRun(ctx: RpcContext): void {
  if (ctx.params.bool('DryRun')) {
    throw E.dryRun();
  }
}

/**
 * The role checks shared by AttachInstanceRamRole, RunInstances and CreateInstance: it exists, ECS
 * may assume it, and a RAM user or role session may pass it (ram:PassRole on the role ARN). ECS
 * sees the role as it has propagated from RAM (propagation.ts), and evaluates PassRole with the
 * service it passes the role to, so the documented PassRole policy with
 * `"Condition": {"StringEquals": {"acs:Service": "ecs.aliyuncs.com"}}` allows it.
 */
function passableEcsRole(ctx: RpcContext, name: string, notEcsStatus: number): RamRole {
  const role = visibleRole(ctx.state, name);
  if (!role) {
    throw E.roleNotFound();
  }
  if (!trustsService(role.assumeRolePolicyDocument, 'ecs.aliyuncs.com')) {
    throw E.notEcsRole(notEcsStatus);
  }
  if (!ctx.allows('ram:PassRole', roleArn(ctx.accountId, role.roleName), { 'acs:Service': 'ecs.aliyuncs.com' })) {
    throw E.passRole();
  }
  return role;
}

// ---- paging ----

interface Paged<T> {
  items: T[];
  fields: RpcBody;
}

/**
 * NextToken/MaxResults paging. DescribeInstances and DescribeSecurityGroups: MaxResults 10–100
 * (smaller values count as 10), default 10. DescribeInstanceTypes: at most 100, and without
 * NextToken only the first 100 entries (its API reference, "Usage notes").
 */
function tokenPaged<T>(ctx: RpcContext, all: T[], sizes: { min: number; max: number; fallback: number }): Paged<T> {
  const size = Math.min(sizes.max, Math.max(sizes.min, ctx.params.int('MaxResults') ?? sizes.fallback));
  const token = ctx.params.str('NextToken');
  const offset = token ? Number(/^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))?.[1] ?? NaN) : 0;
  if (Number.isNaN(offset)) {
    throw err('InvalidParameter.NextToken', 400, 'The specified parameter "NextToken" is not valid.');
  }
  const next = offset + size < all.length ? Buffer.from(`o${offset + size}`).toString('base64url') : '';
  return { items: all.slice(offset, offset + size), fields: { TotalCount: all.length, NextToken: next } };
}

/**
 * PageNumber/PageSize (deprecated but common; default 10, at most `maxPageSize`: 100 for
 * DescribeInstances and DescribeImages, 50 for DescribeVpcs, DescribeVSwitches,
 * DescribeSecurityGroups and DescribeInstanceRamRole) unless NextToken or MaxResults is given.
 */
function paged<T>(ctx: RpcContext, all: T[], maxPageSize: number, allowToken: boolean): Paged<T> {
  if (allowToken && (ctx.params.has('NextToken') || ctx.params.has('MaxResults'))) {
    return tokenPaged(ctx, all, { min: 10, max: 100, fallback: 10 });
  }
  const pageNumber = ctx.params.int('PageNumber', { min: 1 }) ?? 1;
  const pageSize = Math.min(maxPageSize, ctx.params.int('PageSize', { min: 1 }) ?? 10);
  const start = (pageNumber - 1) * pageSize;
  return {
    items: all.slice(start, start + pageSize),
    fields: { TotalCount: all.length, PageNumber: pageNumber, PageSize: pageSize },
  };
}

// ---- shapes ----

const ips = (...list: Array<string | undefined>) => ({ IpAddress: list.filter((x): x is string => !!x) });

function macOf(id: string): string {
  const h = Buffer.from(id).toString('hex').padEnd(10, '0');
  return `00:16:3e:${h.slice(-6, -4)}:${h.slice(-4, -2)}:${h.slice(-2)}`;
}

const familyOf = (state: SandboxState, i: Instance) =>
  state.instanceTypes.find((t) => t.instanceTypeId === i.instanceType)?.instanceTypeFamily ??
  i.instanceType.split('.').slice(0, 2).join('.');
const osTypeOf = (state: SandboxState, i: Instance) =>
  state.images.find((im) => im.imageId === i.imageId)?.osType ?? 'linux';

function instanceJson(state: SandboxState, i: Instance): RpcBody {
  const vpc = i.networkType === 'vpc';
  const family = familyOf(state, i);
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    HostName: i.hostName,
    Description: i.description ?? '',
    Status: i.status,
    InstanceNetworkType: i.networkType,
    RegionId: i.regionId,
    ZoneId: i.zoneId,
    InstanceType: i.instanceType,
    InstanceTypeFamily: family,
    ImageId: i.imageId,
    OSName: i.osName,
    OSNameEn: i.osName,
    OSType: osTypeOf(state, i),
    Cpu: i.cpu,
    Memory: i.memory,
    CreationTime: i.creationTime,
    StartTime: i.creationTime,
    ExpiredTime: '2099-12-31T15:59Z',
    InstanceChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    InternetMaxBandwidthOut: i.internetMaxBandwidthOut,
    InternetMaxBandwidthIn: 100,
    IoOptimized: true,
    DeletionProtection: false,
    Recyclable: false,
    SpotStrategy: 'NoSpot',
    StoppedMode: i.status === 'Stopped' ? (i.stoppedMode ?? 'KeepCharging') : 'Not-applicable',
    SerialNumber: `sn-${i.instanceId.slice(2)}`,
    ResourceGroupId: '',
    KeyPairName: i.keyPairName ?? '',
    DeviceAvailable: true,
    ImageOptions: { LoginAsNonRoot: !!i.loginAsNonRoot },
    VpcAttributes: {
      VpcId: i.vpcId ?? '',
      VSwitchId: i.vSwitchId ?? '',
      PrivateIpAddress: ips(vpc ? i.privateIp : undefined),
      NatIpAddress: '',
    },
    InnerIpAddress: ips(vpc ? undefined : i.privateIp),
    PublicIpAddress: ips(i.publicIp),
    EipAddress: { AllocationId: '', IpAddress: '', Bandwidth: 0, InternetChargeType: '', IsSupportUnassociate: false },
    SecurityGroupIds: { SecurityGroupId: i.securityGroupIds },
    NetworkInterfaces: {
      NetworkInterface: vpc
        ? [
            {
              Type: 'Primary',
              NetworkInterfaceId: `eni-${i.instanceId.slice(2)}`,
              MacAddress: macOf(i.instanceId),
              PrimaryIpAddress: i.privateIp,
              PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: i.privateIp, Primary: true }] },
            },
          ]
        : [],
    },
    MetadataOptions: { HttpEndpoint: i.httpEndpoint, HttpTokens: i.httpTokens, HttpPutResponseHopLimit: 1 },
    Tags: { Tag: i.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) },
    OperationLocks: { LockReason: [] },
  };
}

/**
 * Each instance's DescribeInstances entry as JSON text, kept while what it is made of is the
 * same: the instance record (every field, as JSON) and the two values instanceJson looks up
 * elsewhere. Comparing that key costs about a quarter of building and serialising the entry, and
 * it stays exact when anything (a handler, a lifecycle step, a test) changes the record in place.
 * The large seed's 6,000 instances are listed again on every inventory; the real ECS does not
 * share the client's CPU, this sandbox does.
 */
const entryTexts = new WeakMap<Instance, { key: string; entry: JsonText }>();

export function instanceEntry(state: SandboxState, i: Instance): JsonText {
  const key = `${familyOf(state, i)}\u0000${osTypeOf(state, i)}\u0000${JSON.stringify(i)}`;
  const kept = entryTexts.get(i);
  if (kept?.key === key) {
    return kept.entry;
  }
  const entry = new JsonText(JSON.stringify(instanceJson(state, i)));
  entryTexts.set(i, { key, entry });
  return entry;
}

// ---- filters ----

/** ECS name filters take `*` as "any characters". */
const nameMatches = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(value);

const regionOf = (i: Instance) => i.regionId;

const STATUSES: InstanceStatus[] = ['Pending', 'Running', 'Starting', 'Stopping', 'Stopped'];

function describeInstances(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const p = ctx.params;
  const ids = instanceIds(ctx, false);
  const status = p.str('Status');
  if (status !== undefined && !STATUSES.includes(status as InstanceStatus)) {
    throw err('InvalidStatus.NotFound', 404, 'The specified Status is not found.');
  }
  const network = p.str('InstanceNetworkType');
  if (network !== undefined && network !== 'vpc' && network !== 'classic') {
    throw err('InvalidNetworkType.NotFound', 404, 'The specified InstanceNetworkType is not found.');
  }
  const privateIps = idList(p.str('PrivateIpAddresses'), () =>
    E.malformed('PrivateIpAddresses', 'The specified PrivateIpAddresses are not valid.'),
  );
  const publicIps = idList(p.str('PublicIpAddresses'), () =>
    E.malformed('PublicIpAddresses', 'The specified PublicIpAddresses are not valid.'),
  );
  const tags = p.objects('Tag');
  const eq = (param: string, value: string | undefined) => p.str(param) === undefined || p.str(param) === value;
  const all = valuesIn(ctx.state.instances, r.regionId, regionOf).filter(
    (i) =>
      (!ids || ids.includes(i.instanceId)) &&
      eq('VpcId', i.vpcId) &&
      eq('VSwitchId', i.vSwitchId) &&
      eq('ZoneId', i.zoneId) &&
      eq('Status', i.status) &&
      eq('InstanceNetworkType', i.networkType) &&
      eq('ImageId', i.imageId) &&
      eq('InstanceType', i.instanceType) &&
      (p.str('SecurityGroupId') === undefined || i.securityGroupIds.includes(p.str('SecurityGroupId')!)) &&
      (p.str('InstanceName') === undefined || nameMatches(p.str('InstanceName')!, i.instanceName)) &&
      (!privateIps || privateIps.includes(i.privateIp)) &&
      (!publicIps || (!!i.publicIp && publicIps.includes(i.publicIp))) &&
      tags.every((t) => i.tags.some((x) => x.key === t.Key && (t.Value === undefined || x.value === t.Value))),
  );
  const { items, fields } = paged(ctx, all, 100, true);
  return { ...fields, Instances: { Instance: items.map((i) => instanceEntry(ctx.state, i)) } };
}

/**
 * DescribeInstanceAttribute: one instance, flat, in the fields of its API reference (the ECS SDK's
 * DescribeInstanceAttributeResponseBody): DescribeInstances' entry without the fields that belong
 * to that list only (no KeyPairName, OSName, NetworkInterfaces, Tags…).
 */
function describeInstanceAttribute(ctx: RpcContext): RpcBody {
  const full = instanceJson(ctx.state, theInstance(ctx));
  const pick = [
    'InstanceId',
    'InstanceName',
    'HostName',
    'Description',
    'Status',
    'InstanceNetworkType',
    'RegionId',
    'ZoneId',
    'InstanceType',
    'ImageId',
    'Cpu',
    'Memory',
    'CreationTime',
    'ExpiredTime',
    'InstanceChargeType',
    'InternetChargeType',
    'InternetMaxBandwidthOut',
    'InternetMaxBandwidthIn',
    'IoOptimized',
    'StoppedMode',
    'SerialNumber',
    'VpcAttributes',
    'InnerIpAddress',
    'PublicIpAddress',
    'SecurityGroupIds',
    'OperationLocks',
  ];
  const { IsSupportUnassociate: _, ...eip } = full.EipAddress as Record<string, unknown>;
  return {
    ...Object.fromEntries(pick.map((k) => [k, full[k]])),
    EipAddress: eip,
    ClusterId: '',
    VlanId: '',
    CreditSpecification: '',
    EnableJumboFrame: false,
    EnableNetworkEncryption: false,
    DedicatedHostAttribute: { DedicatedHostId: '', DedicatedHostName: '' },
    SecurityOptions: { EnableSecureBoot: false },
    NetworkOptions: { EnableJumboFrame: false, EnableNetworkEncryption: false, BandwidthWeighting: '' },
  };
}

/**
 * DescribeKeyPairs. The sandbox keeps no key pair store (it has no CreateKeyPair): a region's key
 * pairs are the ones its instances were created with, dated by the first of them, with a
 * fingerprint derived from the name. KeyPairName takes `*` as a wildcard (API reference); pages
 * of 10 by default, at most 50.
 */
function keyPairsIn(state: SandboxState, regionId: string): Map<string, string> {
  const byName = new Map<string, string>();
  for (const i of valuesIn(state.instances, regionId, regionOf)) {
    if (i.keyPairName && (!byName.has(i.keyPairName) || i.creationTime < byName.get(i.keyPairName)!)) {
      byName.set(i.keyPairName, i.creationTime);
    }
  }
  return byName;
}

function describeKeyPairs(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const byName = keyPairsIn(ctx.state, r.regionId);
  const pattern = ctx.params.str('KeyPairName');
  const fingerprint = ctx.params.str('KeyPairFingerPrint');
  const all = [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, created]) => ({
      name,
      created,
      fp: createHash('md5').update(`sandbox-key-pair:${name}`).digest('hex'),
    }))
    .filter((k) => (!pattern || nameMatches(pattern, k.name)) && (!fingerprint || fingerprint === k.fp));
  const { items, fields } = paged(ctx, all, 50, false);
  return {
    ...fields,
    KeyPairs: {
      KeyPair: items.map((k) => ({
        KeyPairName: k.name,
        KeyPairFingerPrint: k.fp,
        CreationTime: k.created,
        ResourceGroupId: '',
        Tags: { Tag: [] },
      })),
    },
  };
}

// ---- instance RAM roles ----

type Outcome = { instanceId: string; error?: SandboxError; roleName?: string };

/** Per-instance results; if none succeeded, the first failure is the call's error (see header). */
function batch(ids: string[], one: (id: string) => Outcome): Outcome[] {
  const outcomes = ids.map((id) => {
    try {
      return one(id);
    } catch (e) {
      if (e instanceof SandboxError) {
        return { instanceId: id, error: e };
      }
      throw e;
    }
  });
  const failed = outcomes.filter((o) => o.error);
  if (failed.length === outcomes.length && failed[0]?.error) {
    throw failed[0].error;
  }
  return outcomes;
}

const resultJson = (o: Outcome, okMessage: string) => ({
  InstanceId: o.instanceId,
  Success: !o.error,
  Code: o.error ? o.error.code : '200',
  Message: o.error ? o.error.message : okMessage,
});

function attachInstanceRamRole(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const role = passableEcsRole(ctx, ctx.params.required('RamRoleName'), 404);
  const ids = instanceIds(ctx, true)!;
  const policy = ctx.params.str('Policy');
  if (policy !== undefined && (policy.length < 1 || policy.length > 1024)) {
    throw err('InvalidParameter.Policy', 400, 'The specified parameter "Policy" is not valid.');
  }
  const outcomes = batch(ids, (id) => {
    const i = instanceIn(ctx, r.regionId, id);
    if (i.networkType === 'classic') {
      throw E.classic();
    }
    // Re-attaching the role an instance already has is a no-op; only *another* role is refused.
    if (i.ramRoleName && i.ramRoleName.toLowerCase() !== role.roleName.toLowerCase()) {
      throw E.attached();
    }
    i.ramRoleName = role.roleName;
    return { instanceId: id };
  });
  return {
    RamRoleName: role.roleName,
    TotalCount: outcomes.length,
    FailCount: outcomes.filter((o) => o.error).length,
    AttachInstanceRamRoleResults: { AttachInstanceRamRoleResult: outcomes.map((o) => resultJson(o, 'success')) },
  };
}

function detachInstanceRamRole(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const wanted = ctx.params.str('RamRoleName') || undefined;
  if (wanted && !findRole(ctx.state, wanted)) {
    throw E.roleNotFound();
  }
  const outcomes = batch(instanceIds(ctx, true)!, (id) => {
    const i = instanceIn(ctx, r.regionId, id);
    if (i.networkType === 'classic') {
      throw E.classic();
    }
    const had = i.ramRoleName;
    if (!had || (wanted && had.toLowerCase() !== wanted.toLowerCase())) {
      throw E.notAttached();
    }
    i.ramRoleName = undefined;
    // The instance stops serving the role's credentials at once.
    revokeInstanceSessions(ctx.state, id);
    return { instanceId: id, roleName: had };
  });
  return {
    RamRoleName: wanted ?? outcomes.find((o) => o.roleName)?.roleName ?? '',
    TotalCount: outcomes.length,
    FailCount: outcomes.filter((o) => o.error).length,
    DetachInstanceRamRoleResults: {
      DetachInstanceRamRoleResult: outcomes.map((o) => ({
        ...resultJson(o, 'Success'),
        InstanceRamRoleSets: {
          InstanceRamRoleSet: o.roleName ? [{ InstanceId: o.instanceId, RamRoleName: o.roleName }] : [],
        },
      })),
    },
  };
}

function describeInstanceRamRole(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const ids = instanceIds(ctx, false);
  const roleName = ctx.params.str('RamRoleName') || undefined;
  if (!ids && !roleName) {
    throw err('InvalidParameter.AllEmpty', 403, 'At least one of InstanceIds and RamRoleName must be specified.');
  }
  const candidates = ids
    ? ids.map((id) => instanceIn(ctx, r.regionId, id))
    : valuesIn(ctx.state.instances, r.regionId, regionOf);
  if (ids && candidates.some((i) => i.networkType === 'classic')) {
    throw E.classic();
  }
  const withRole = candidates.filter(
    (i) => i.ramRoleName && (!roleName || i.ramRoleName.toLowerCase() === roleName.toLowerCase()),
  );
  const { items, fields } = paged(ctx, withRole, 50, false);
  return {
    RegionId: r.regionId,
    TotalCount: fields.TotalCount,
    InstanceRamRoleSets: {
      InstanceRamRoleSet: items.map((i) => ({ InstanceId: i.instanceId, RamRoleName: i.ramRoleName })),
    },
  };
}

// ---- instance lifecycle ----

const ID_PREFIX: Record<string, string> = {
  'cn-hangzhou': 'bp1',
  'cn-shanghai': 'uf6',
  'cn-beijing': '2ze',
  'cn-shenzhen': 'wz9',
};
const hex = (n: number) => randomBytes(n).toString('hex').slice(0, n);

/** The next free address of a vSwitch's CIDR, from .10 up (lower addresses are reserved). */
function nextPrivateIp(state: SandboxState, cidr: string, vSwitchId: string): string {
  const [base, bits] = cidr.split('/');
  const start = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const used = new Set([...state.instances.values()].filter((i) => i.vSwitchId === vSwitchId).map((i) => i.privateIp));
  const size = 2 ** (32 - Number(bits));
  for (let n = 10; n < size - 1; n++) {
    const v = start + n;
    const ip = [24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.');
    if (!used.has(ip)) {
      return ip;
    }
  }
  throw err('InvalidVSwitchId.IpNotEnough', 403, 'The specified VSwitch has not enough IP addresses.');
}

function newPublicIp(state: SandboxState): string {
  const used = new Set([...state.instances.values()].map((i) => i.publicIp));
  for (;;) {
    const ip = `47.${96 + (randomBytes(1)[0] % 8)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 254)}`;
    if (!used.has(ip)) {
      return ip;
    }
  }
}

/**
 * HttpTokens / HttpEndpoint as RunInstances, CreateInstance and ModifyInstanceMetadataOptions take
 * them, with the codes their references list (InvalidHttpTokens.NotSupported, InvalidHttpEndpoint.
 * NotSupported: "ModifyInstanceMetadataOptions", ECS API reference, error codes). "Only some of the
 * latest public image versions support" hardened-only mode ("Access instance metadata in security
 * hardening mode only", ECS user guide); no page names the code for an image that does not, so the
 * sandbox answers HttpTokens' own InvalidHttpTokens.NotSupported (a guess, docs/SANDBOX.md).
 */
function metadataOptions(
  ctx: RpcContext,
  image: Image | undefined,
  current: Pick<Instance, 'httpTokens' | 'httpEndpoint'>,
): Pick<Instance, 'httpTokens' | 'httpEndpoint'> {
  const httpTokens = ctx.params.str('HttpTokens') || current.httpTokens;
  const httpEndpoint = ctx.params.str('HttpEndpoint') || current.httpEndpoint;
  if (httpTokens !== 'optional' && httpTokens !== 'required') {
    throw err(
      'InvalidHttpTokens.NotSupported',
      400,
      'The specified HttpTokens not supported, you can use optional(default) or required.',
    );
  }
  if (httpEndpoint !== 'enabled' && httpEndpoint !== 'disabled') {
    throw err(
      'InvalidHttpEndpoint.NotSupported',
      400,
      'The specified HttpEndpoint not supported, you can use enabled(default) or disabled.',
    );
  }
  if (httpTokens === 'required' && image?.hardenedMetadata === false) {
    throw err(
      'InvalidHttpTokens.NotSupported',
      400,
      `The specified HttpTokens not supported, the image ${image.imageId} does not support required.`,
    );
  }
  return { httpTokens, httpEndpoint };
}

/**
 * `ecs:SecurityHardeningMode`, the condition key of RunInstances, CreateInstance (their API
 * references' authorization tables) and ModifyInstanceMetadataOptions (the documented guardrail,
 * "Access instance metadata in security hardening mode only": a Deny on all three with
 * StringEquals ["false"]): "true" when the request asks for hardened-only mode. A request without
 * HttpTokens asks for the default, optional (for ModifyInstanceMetadataOptions a guess: no page says).
 */
const hardeningMode = (ctx: RpcContext) => ({
  'ecs:SecurityHardeningMode': ctx.params.str('HttpTokens') === 'required' ? 'true' : 'false',
});

/** ModifyInstanceMetadataOptions: RegionId, InstanceId, HttpEndpoint, HttpTokens (ECS API reference). */
function modifyInstanceMetadataOptions(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const i = instanceIn(ctx, r.regionId, ctx.params.str('InstanceId') ?? '');
  const image = ctx.state.images.find((im) => im.imageId === i.imageId);
  Object.assign(i, metadataOptions(ctx, image, i));
  return {};
}

/** RunInstances and CreateInstance share everything but the start, the count and the public IP. */
function launch(ctx: RpcContext, mode: 'run' | 'create'): Instance[] {
  const r = region(ctx);
  const p = ctx.params;
  const image = ctx.state.images.find(
    (im) => im.imageId === p.required('ImageId') && (!im.regionId || im.regionId === r.regionId),
  );
  if (!image) {
    throw err('InvalidImageId.NotFound', 404, 'The specified ImageId does not exist.');
  }
  const type = ctx.state.instanceTypes.find((t) => t.instanceTypeId === p.required('InstanceType'));
  if (!type) {
    throw err('InvalidInstanceType.ValueNotSupported', 400, 'The specified InstanceType beyond the permitted range.');
  }
  // The classic network is closed to new accounts: a vSwitch is effectively mandatory.
  const vsw = ctx.state.vswitches.find((v) => v.vSwitchId === p.required('VSwitchId') && v.regionId === r.regionId);
  if (!vsw) {
    throw err('InvalidVSwitchId.NotFound', 404, 'Specified virtual switch does not exist.');
  }
  const sgIds = [p.str('SecurityGroupId'), ...p.list('SecurityGroupIds')].filter((x): x is string => !!x);
  if (sgIds.length === 0) {
    p.required('SecurityGroupId');
  }
  for (const id of sgIds) {
    const sg = ctx.state.securityGroups.find((g) => g.securityGroupId === id && g.regionId === r.regionId);
    if (!sg) {
      throw err('InvalidSecurityGroupId.NotFound', 404, 'The specified SecurityGroupId does not exist.');
    }
    if (sg.vpcId !== vsw.vpcId) {
      throw err(
        'InvalidSecurityGroupId.VPCMismatch',
        400,
        'The specified security group and vSwitch are not in the same VPC.',
      );
    }
  }
  password(ctx);
  const keyPairName = p.str('KeyPairName') || undefined;
  // A key pair of another region or none at all: RunInstances API reference, error codes
  // (404 InvalidKeyPairName.NotFound); key pairs are regional.
  if (keyPairName && !keyPairsIn(ctx.state, r.regionId).has(keyPairName)) {
    throw err('InvalidKeyPairName.NotFound', 404, 'The specified KeyPairName does not exist.');
  }
  const { instanceName, hostName, description } = names(ctx);
  const bandwidth = p.int('InternetMaxBandwidthOut', { min: 0, max: 100 }) ?? 0;
  const amount = mode === 'run' ? (p.int('Amount', { min: 1, max: 100 }) ?? 1) : 1;
  const { httpTokens, httpEndpoint } = metadataOptions(ctx, image, { httpTokens: 'optional', httpEndpoint: 'enabled' });
  const roleName = p.str('RamRoleName') || undefined;
  const role = roleName ? passableEcsRole(ctx, roleName, 401) : undefined;
  const tags = p.objects('Tag').map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  dryRun(ctx);

  const life = realismOf(ctx.state).lifecycle;
  const created: Instance[] = [];
  for (let n = 0; n < amount; n++) {
    const id = `i-${ID_PREFIX[r.regionId] ?? 'xx0'}${hex(17)}`;
    const instance: Instance = {
      instanceId: id,
      instanceName: instanceName ?? id,
      hostName: hostName ?? `iZ${id.slice(2)}Z`,
      regionId: r.regionId,
      zoneId: vsw.zoneId,
      status: 'Pending',
      networkType: 'vpc',
      vpcId: vsw.vpcId,
      vSwitchId: vsw.vSwitchId,
      securityGroupIds: sgIds,
      privateIp: nextPrivateIp(ctx.state, vsw.cidrBlock, vsw.vSwitchId),
      imageId: image.imageId,
      instanceType: type.instanceTypeId,
      osName: image.osName,
      cpu: type.cpuCoreCount,
      memory: type.memorySize * 1024,
      creationTime: new Date(ctx.now()).toISOString().slice(0, 16) + 'Z',
      internetMaxBandwidthOut: bandwidth,
      httpTokens,
      httpEndpoint,
      ramRoleName: role?.roleName,
      passwordSet: p.has('Password'),
      description,
      tags,
      keyPairName,
      loginAsNonRoot: p.bool('ImageOptions.LoginAsNonRoot') || undefined,
    };
    // RunInstances starts the instance and gives it the public IP it asked for once Running;
    // CreateInstance leaves it Stopped, to be started and given an IP (AllocatePublicIpAddress).
    if (mode === 'run') {
      const publicIp = bandwidth > 0 ? newPublicIp(ctx.state) : undefined;
      schedule(ctx.state, instance, 'Pending', [
        { status: 'Starting', afterMs: life.pendingMs },
        { status: 'Running', afterMs: life.startingMs, publicIp },
      ]);
    } else {
      schedule(ctx.state, instance, 'Pending', [{ status: 'Stopped', afterMs: life.pendingMs }]);
    }
    ctx.state.instances.set(id, instance);
    created.push(instance);
  }
  return created;
}

/** Refuses an instance that is not `wanted`, with the code ECS gives for one still being created. */
function requireStatus(i: Instance, ...wanted: InstanceStatus[]): void {
  if (wanted.includes(i.status)) {
    return;
  }
  throw i.status === 'Pending' ? E.initializing() : E.status();
}

/**
 * StartInstance (Stopped → Starting → Running). An instance stopped with StopCharging gave its
 * public IP back; it gets a new one when it runs again ("the public IP address may change",
 * StopInstance API reference, StoppedMode).
 */
function startInstance(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  requireStatus(i, 'Stopped');
  dryRun(ctx);
  const publicIp = !i.publicIp && i.internetMaxBandwidthOut > 0 ? newPublicIp(ctx.state) : undefined;
  delete i.stoppedMode;
  schedule(ctx.state, i, 'Starting', [
    { status: 'Running', afterMs: realismOf(ctx.state).lifecycle.startingMs, publicIp },
  ]);
  return {};
}

/**
 * StopInstance (Running → Stopping → Stopped). StoppedMode (StopInstance API reference):
 * KeepCharging keeps the instance type resources and the public IP; StopCharging (economical mode,
 * VPC pay-as-you-go instances only) releases them. A classic instance always keeps charging.
 */
function stopInstance(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  const mode = ctx.params.str('StoppedMode');
  if (mode !== undefined && mode !== 'StopCharging' && mode !== 'KeepCharging') {
    throw err('InvalidParameter', 400, 'The specified parameter "StoppedMode" is not valid.');
  }
  requireStatus(i, 'Running');
  dryRun(ctx);
  const stopCharging = mode === 'StopCharging' && i.networkType === 'vpc';
  i.stoppedMode = stopCharging ? 'StopCharging' : 'KeepCharging';
  schedule(ctx.state, i, 'Stopping', [{ status: 'Stopped', afterMs: realismOf(ctx.state).lifecycle.stoppingMs }]);
  if (stopCharging) {
    i.publicIp = undefined;
  }
  return {};
}

/** RebootInstance: only a Running instance; it goes through Starting back to Running (API reference). */
function rebootInstance(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  requireStatus(i, 'Running');
  dryRun(ctx);
  const life = realismOf(ctx.state).lifecycle;
  schedule(ctx.state, i, 'Starting', [{ status: 'Running', afterMs: life.stoppingMs + life.startingMs }]);
  return {};
}

/**
 * DeleteInstance (release). Without Force the instance must be Stopped; Force releases a Running
 * one too, like pulling the plug (DeleteInstance API reference, Force). An instance in transition
 * is refused either way. The instance's role sessions end with it.
 */
function deleteInstance(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  if (ctx.params.bool('Force')) {
    requireStatus(i, 'Stopped', 'Running');
  } else {
    requireStatus(i, 'Stopped');
  }
  dryRun(ctx);
  ctx.state.instances.delete(i.instanceId);
  revokeInstanceSessions(ctx.state, i.instanceId);
  return {};
}

function modifyInstanceAttribute(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  const pw = password(ctx);
  const { instanceName, hostName, description } = names(ctx);
  const sgIds = ctx.params.list('SecurityGroupIds');
  for (const id of sgIds) {
    if (
      !ctx.state.securityGroups.some(
        (g) => g.securityGroupId === id && g.regionId === i.regionId && g.vpcId === i.vpcId,
      )
    ) {
      throw err('InvalidSecurityGroupId.NotFound', 404, 'The specified SecurityGroupId does not exist.');
    }
  }
  if (pw !== undefined) {
    requireStatus(i, 'Running', 'Stopped', 'Stopping');
  }
  if (pw !== undefined) {
    i.passwordSet = true;
  }
  if (instanceName !== undefined) {
    i.instanceName = instanceName;
  }
  if (hostName !== undefined) {
    i.hostName = hostName;
  }
  if (description !== undefined) {
    i.description = description;
  }
  if (sgIds.length) {
    i.securityGroupIds = sgIds;
  }
  return {};
}

/** Newer docs: an instance that already has a public IP gets it back instead of AllocatedAlready. */
function allocatePublicIpAddress(ctx: RpcContext): RpcBody {
  const i = theInstance(ctx);
  requireStatus(i, 'Running', 'Stopped');
  i.publicIp ??= ctx.params.str('IpAddress') || newPublicIp(ctx.state);
  return { IpAddress: i.publicIp };
}

// ---- regions and network ----

const ENGLISH_NAMES: Record<string, string> = {
  'cn-hangzhou': 'China (Hangzhou)',
  'cn-shanghai': 'China (Shanghai)',
  'cn-beijing': 'China (Beijing)',
  'cn-shenzhen': 'China (Shenzhen)',
};
const english = (ctx: RpcContext) => (ctx.params.str('AcceptLanguage') ?? 'zh-CN').toLowerCase().startsWith('en');

function describeRegions(ctx: RpcContext): RpcBody {
  return {
    Regions: {
      Region: ctx.state.regions.map((r) => ({
        RegionId: r.regionId,
        LocalName: english(ctx) ? (ENGLISH_NAMES[r.regionId] ?? r.regionId) : r.localName,
        RegionEndpoint: `ecs.${r.regionId}.aliyuncs.com`,
        Status: 'available',
      })),
    },
  };
}

function describeZones(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const types = ctx.state.instanceTypes.map((t) => t.instanceTypeId);
  return {
    Zones: {
      Zone: r.zones.map((z) => {
        const letter = z.slice(-1).toUpperCase();
        return {
          ZoneId: z,
          ZoneType: 'AvailabilityZone',
          LocalName: english(ctx)
            ? `${ENGLISH_NAMES[r.regionId] ?? r.regionId} Zone ${letter}`
            : `${r.localName.replace(/（.*）/, '')} 可用区${letter}`,
          AvailableResourceCreation: { ResourceTypes: ['Instance', 'Disk', 'VSwitch'] },
          AvailableInstanceTypes: { InstanceTypes: types },
          AvailableDiskCategories: { DiskCategories: ['cloud_essd', 'cloud_efficiency'] },
        };
      }),
    },
  };
}

const inList = (raw: string | undefined, value: string) =>
  raw === undefined ||
  raw
    .split(',')
    .map((s) => s.trim())
    .includes(value);

function describeVpcs(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const isDefault = ctx.params.bool('IsDefault');
  const all = ctx.state.vpcs.filter(
    (v) =>
      v.regionId === r.regionId &&
      inList(ctx.params.str('VpcId'), v.vpcId) &&
      (isDefault === undefined || v.isDefault === isDefault),
  );
  const { items, fields } = paged(ctx, all, 50, false);
  return {
    ...fields,
    Vpcs: {
      Vpc: items.map((v) => ({
        VpcId: v.vpcId,
        VpcName: v.vpcName,
        CidrBlock: v.cidrBlock,
        RegionId: v.regionId,
        Status: 'Available',
        IsDefault: v.isDefault,
        VRouterId: `vrt-${v.vpcId.slice(4)}`,
        Description: '',
        CreationTime: v.creationTime,
        UserCidrs: { UserCidr: [] },
        VSwitchIds: { VSwitchId: ctx.state.vswitches.filter((s) => s.vpcId === v.vpcId).map((s) => s.vSwitchId) },
      })),
    },
  };
}

function describeVSwitches(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const p = ctx.params;
  const isDefault = p.bool('IsDefault');
  const all = ctx.state.vswitches.filter(
    (s) =>
      s.regionId === r.regionId &&
      inList(p.str('VpcId'), s.vpcId) &&
      inList(p.str('ZoneId'), s.zoneId) &&
      inList(p.str('VSwitchId'), s.vSwitchId) &&
      (isDefault === undefined || s.isDefault === isDefault),
  );
  const { items, fields } = paged(ctx, all, 50, false);
  return {
    ...fields,
    VSwitches: {
      VSwitch: items.map((s) => {
        const size = 2 ** (32 - Number(s.cidrBlock.split('/')[1]));
        const used = [...ctx.state.instances.values()].filter((i) => i.vSwitchId === s.vSwitchId).length;
        return {
          VSwitchId: s.vSwitchId,
          VpcId: s.vpcId,
          ZoneId: s.zoneId,
          CidrBlock: s.cidrBlock,
          VSwitchName: s.vSwitchName,
          IsDefault: s.isDefault,
          Status: 'Available',
          Description: '',
          ResourceGroupId: '',
          AvailableIpAddressCount: Math.max(0, size - 4 - used),
          CreationTime: ctx.state.vpcs.find((v) => v.vpcId === s.vpcId)?.creationTime ?? '',
        };
      }),
    },
  };
}

function describeSecurityGroups(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const p = ctx.params;
  const ids = idList(p.str('SecurityGroupIds'), () =>
    E.malformed('SecurityGroupIds', 'The specified SecurityGroupIds are not valid.'),
  );
  const all = ctx.state.securityGroups.filter(
    (g) =>
      g.regionId === r.regionId &&
      inList(p.str('VpcId'), g.vpcId) &&
      inList(p.str('SecurityGroupId'), g.securityGroupId) &&
      (!ids || ids.includes(g.securityGroupId)) &&
      (p.str('SecurityGroupName') === undefined || nameMatches(p.str('SecurityGroupName')!, g.securityGroupName)),
  );
  const { items, fields } = paged(ctx, all, 50, true);
  return {
    RegionId: r.regionId,
    ...fields,
    SecurityGroups: {
      SecurityGroup: items.map((g) => ({
        SecurityGroupId: g.securityGroupId,
        SecurityGroupName: g.securityGroupName,
        Description: g.description,
        VpcId: g.vpcId,
        SecurityGroupType: 'normal',
        ServiceManaged: false,
        ResourceGroupId: '',
        Tags: { Tag: [] },
        EcsCount: [...ctx.state.instances.values()].filter((i) => i.securityGroupIds.includes(g.securityGroupId))
          .length,
        CreationTime: ctx.state.vpcs.find((v) => v.vpcId === g.vpcId)?.creationTime ?? '',
      })),
    },
  };
}

function describeImages(ctx: RpcContext): RpcBody {
  const r = region(ctx);
  const p = ctx.params;
  const eq = (param: string, value: string) => p.str(param) === undefined || p.str(param) === value;
  const all = ctx.state.images.filter(
    (im) =>
      (!im.regionId || im.regionId === r.regionId) &&
      inList(p.str('ImageId'), im.imageId) &&
      eq('OSType', im.osType) &&
      eq('Architecture', im.architecture) &&
      eq('ImageOwnerAlias', im.ownerAlias) &&
      (p.str('ImageName') === undefined || nameMatches(p.str('ImageName')!, im.imageName)),
  );
  const { items, fields } = paged(ctx, all, 100, false);
  return {
    RegionId: r.regionId,
    ...fields,
    Images: {
      Image: items.map((im) => ({
        ImageId: im.imageId,
        ImageName: im.imageName,
        OSName: im.osName,
        OSNameEn: im.osName,
        OSType: im.osType,
        Architecture: im.architecture,
        Size: im.size,
        ImageOwnerAlias: im.ownerAlias,
        Status: 'Available',
        IsPublic: im.ownerAlias === 'system',
        Platform: im.osName
          .split(' ')
          .slice(0, im.osName.startsWith('Alibaba') ? 3 : 1)
          .join(' '),
        Usage: 'instance',
        IsSupportCloudinit: true,
        IsSupportIoOptimized: true,
        Description: '',
        CreationTime: '2026-01-01T00:00:00Z',
        Tags: { Tag: [] },
      })),
    },
  };
}

function describeInstanceTypes(ctx: RpcContext): RpcBody {
  const wanted = ctx.params.list('InstanceTypes');
  const family = ctx.params.str('InstanceTypeFamily');
  const all = ctx.state.instanceTypes.filter(
    (t) => (!wanted.length || wanted.includes(t.instanceTypeId)) && (!family || t.instanceTypeFamily === family),
  );
  const { items, fields } = tokenPaged(ctx, all, { min: 1, max: 100, fallback: 100 });
  return {
    NextToken: fields.NextToken ?? '',
    InstanceTypes: {
      InstanceType: items.map((t) => ({
        InstanceTypeId: t.instanceTypeId,
        CpuCoreCount: t.cpuCoreCount,
        MemorySize: t.memorySize,
        InstanceTypeFamily: t.instanceTypeFamily,
        InstanceCategory: 'General-purpose',
        CpuArchitecture: 'X86',
        EniQuantity: 2,
        GPUAmount: 0,
        GPUSpec: '',
      })),
    },
  };
}

// ---- idempotency ----

/**
 * ClientToken as ECS documents it ("How to ensure idempotence", doc-detail/25693): the same token
 * with the same parameters returns the first request's result (same instance ids, a new
 * RequestId) and creates nothing; with other parameters it is IdempotentParameterMismatch. The
 * docs give no HTTP status or message for that code: 400 and our wording, like other parameter errors.
 * A request that fails (a dry run included) claims no token.
 */
function idempotent(handler: (ctx: RpcContext) => RpcBody): (ctx: RpcContext) => RpcBody {
  return (ctx) => {
    const token = ctx.params.str('ClientToken');
    if (!token) {
      return handler(ctx);
    }
    const key = `${ctx.action}:${ctx.params.str('RegionId') ?? ''}:${token}`;
    // Hashed: the parameters hold the instance password, and the state may be saved to disk.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(ctx.params.entries().filter(([k]) => k !== 'ClientToken')))
      .digest('hex');
    const seen = ctx.state.clientTokens.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      throw err(
        'IdempotentParameterMismatch',
        400,
        'The specified ClientToken has already been used with different request parameters.',
      );
    }
    if (seen) {
      return { ...seen.response };
    }
    const response = handler(ctx);
    ctx.state.clientTokens.set(key, { fingerprint, response });
    return response;
  };
}

// ---- the action table ----

const ecsArn = (ctx: RpcContext, path: string) =>
  `acs:ecs:${ctx.params.str('RegionId') || '*'}:${ctx.accountId}:${path}`;
const eachInstance = (ctx: RpcContext) => {
  let ids: string[] | undefined;
  try {
    ids = instanceIds(ctx, false);
  } catch {
    ids = undefined;
  } // malformed: the handler reports it
  return (ids?.length ? ids : ['*']).map((id) => ecsArn(ctx, `instance/${id}`));
};
const oneInstance = (ctx: RpcContext) => {
  const i = ctx.state.instances.get(ctx.params.str('InstanceId') ?? '');
  return [`acs:ecs:${i?.regionId ?? '*'}:${ctx.accountId}:instance/${ctx.params.str('InstanceId') ?? '*'}`];
};
const allInstances = (ctx: RpcContext) => [ecsArn(ctx, 'instance/*')];

const actions: Record<string, RpcAction> = {
  DescribeRegions: { handle: describeRegions },
  DescribeZones: { handle: describeZones },
  DescribeVpcs: { handle: describeVpcs },
  DescribeVSwitches: { handle: describeVSwitches },
  DescribeSecurityGroups: { handle: describeSecurityGroups },
  DescribeImages: { handle: describeImages },
  DescribeInstanceTypes: { handle: describeInstanceTypes },
  DescribeInstances: { resources: allInstances, handle: describeInstances },
  DescribeInstanceAttribute: { resources: oneInstance, handle: describeInstanceAttribute },
  DescribeKeyPairs: { resources: (ctx) => [ecsArn(ctx, 'keypair/*')], handle: describeKeyPairs },
  DescribeInstanceRamRole: { resources: eachInstance, handle: describeInstanceRamRole },
  AttachInstanceRamRole: { resources: eachInstance, handle: attachInstanceRamRole },
  DetachInstanceRamRole: { resources: eachInstance, handle: detachInstanceRamRole },
  RunInstances: {
    resources: allInstances,
    conditions: hardeningMode,
    handle: idempotent((ctx) => ({
      InstanceIdSets: { InstanceIdSet: launch(ctx, 'run').map((i) => i.instanceId) },
      OrderId: '',
      TradePrice: 0,
    })),
  },
  CreateInstance: {
    resources: allInstances,
    conditions: hardeningMode,
    handle: idempotent((ctx) => ({ InstanceId: launch(ctx, 'create')[0].instanceId, OrderId: '', TradePrice: 0 })),
  },
  StartInstance: { resources: oneInstance, handle: startInstance },
  StopInstance: { resources: oneInstance, handle: stopInstance },
  RebootInstance: { resources: oneInstance, handle: rebootInstance },
  DeleteInstance: { resources: oneInstance, handle: deleteInstance },
  ModifyInstanceAttribute: { resources: oneInstance, handle: modifyInstanceAttribute },
  ModifyInstanceMetadataOptions: {
    resources: oneInstance,
    conditions: hardeningMode,
    handle: modifyInstanceMetadataOptions,
  },
  AllocatePublicIpAddress: { resources: oneInstance, handle: allocatePublicIpAddress },
  ...securityGroupActions,
  ...priceActions,
  ...cloudAssistantActions,
  ...terminalSessionActions,
  // RunCommand takes a ClientToken too (its API reference), with the same rules as RunInstances.
  RunCommand: { ...cloudAssistantActions.RunCommand, handle: idempotent(cloudAssistantActions.RunCommand.handle) },
};

/** Every action first brings instances up to date with the transitions that are due. */
const settled = Object.fromEntries(
  Object.entries(actions).map(([name, a]) => [
    name,
    {
      ...a,
      handle: (ctx: RpcContext) => {
        settleInstances(ctx.state);
        return a.handle(ctx);
      },
    },
  ]),
);

export const ecsProduct: RpcProduct = {
  name: 'ecs',
  version: '2014-05-26',
  hostId: 'ecs.aliyuncs.com',
  productCode: 'Ecs',
  actions: settled,
  defaultResource: (ctx) => ecsArn(ctx, '*'),
  denied: {
    code: 'Forbidden.RAM',
    status: 403,
    message: "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
  },
};
