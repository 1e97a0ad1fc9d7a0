/**
 * A role with 90 days of history, for right-sizing (`--seed large` and `--seed activity`): an application role that was
 * given broad system policies (OSS and ECS full access, RAM read-only) and used a dozen actions on
 * a few buckets and instances, some refused. Its management events are in the trail LookupEvents
 * reads; its OSS object calls are data events (and in the access audit). Deterministic, relative to
 * the sandbox clock at seeding, so every run reads the same 90 days.
 */
import { formatPolicy, serviceTrustPolicy } from '../../policy/builders';
import type { Principal } from '../core/principal';
import { isoSeconds, now, roleKey, type SandboxState, type StsSession } from '../core/state';
import { recordEvent, recordLater, type EventInput } from '../core/trail';
import { logAccess, loggingOf } from '../oss/accessLog';
import { DEMO } from './demo';

export const ACTIVITY = {
  roleName: 'AppServerRole',
  roleId: '300000000000000042',
  policies: ['AliyunOSSFullAccess', 'AliyunECSFullAccess', 'AliyunRAMReadOnlyAccess'],
  days: 90,
  /** Buckets and prefixes the role's object calls used. */
  objects: [
    { bucket: DEMO.bucket, region: 'cn-hangzhou', prefix: 'reports/2026/' },
    { bucket: DEMO.shanghaiBucket, region: 'cn-shanghai', prefix: 'app/' },
  ],
  /**
   * The Hangzhou bucket has had its access log dumped for the whole 90 days (so its object calls
   * can be narrowed to prefixes); the Shanghai one never had (it stays bucket/*).
   */
  logging: { bucket: DEMO.bucket, targetBucket: 'app-access-logs', targetPrefix: 'oss-access-log/' },
  /** Keys another identity read in the logged bucket: in its log, never the role's. */
  otherIdentityPrefix: 'exports/',
  instances: [
    { id: DEMO.vpcInstanceId, region: 'cn-hangzhou' },
    { id: DEMO.shanghaiInstanceId, region: 'cn-shanghai' },
  ],
};

/** A small deterministic generator (mulberry32), so runs compare. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Call = Omit<EventInput, 'at' | 'caller' | 'requestId'>;

const ecs = (action: string, region: string, instanceId?: string): Call => ({
  serviceName: 'Ecs',
  eventSource: `ecs.${region}.aliyuncs.com`,
  action,
  acsRegion: region,
  apiVersion: '2014-05-26',
  requestParameters: { RegionId: region, ...(instanceId ? { InstanceId: instanceId } : {}) },
  ...(instanceId ? { resourceName: instanceId, resourceType: 'ACS::ECS::Instance' } : {}),
  authAction: `ecs:${action}`,
});

const oss = (action: string, bucket: string, region: string, key?: string): Call => ({
  serviceName: 'Oss',
  eventSource: `${bucket}.oss-${region}.aliyuncs.com`,
  action,
  acsRegion: region,
  requestParameters: { BucketName: bucket, ...(key ? { ObjectName: key } : {}) },
  referencedResources: { 'ACS::OSS::Bucket': [bucket] },
  data: !!key || action === 'ListObjects',
  authAction: `oss:${action}`,
});

const global = (service: 'Ram' | 'Sts', action: string, params: Record<string, string> = {}): Call => ({
  serviceName: service,
  eventSource: `${service.toLowerCase()}.aliyuncs.com`,
  action,
  acsRegion: 'cn-hangzhou',
  apiVersion: service === 'Ram' ? '2015-05-01' : '2015-04-01',
  requestParameters: params,
  ...(params.RoleName ? { resourceName: params.RoleName, resourceType: 'ACS::RAM::Role' } : {}),
  authAction: `${service.toLowerCase()}:${action}`,
});

/** The role's habits: what it calls, how often (weight), refused with which code when not allowed. */
function habits(): Array<{ weight: number; call: (r: () => number) => Call; denied?: string }> {
  const pick = <T>(r: () => number, list: T[]) => list[Math.floor(r() * list.length)];
  const [hz, sh] = ACTIVITY.objects;
  return [
    { weight: 30, call: (r) => ecs('DescribeInstances', pick(r, ['cn-hangzhou', 'cn-shanghai'])) },
    { weight: 14, call: (r) => ((i) => ecs('DescribeInstanceAttribute', i.region, i.id))(pick(r, ACTIVITY.instances)) },
    { weight: 10, call: (r) => ((i) => ecs('DescribeInstanceRamRole', i.region, i.id))(pick(r, ACTIVITY.instances)) },
    { weight: 4, call: () => ecs('DescribeRegions', 'cn-hangzhou') },
    { weight: 2, call: () => ecs('RebootInstance', 'cn-hangzhou', DEMO.vpcInstanceId) },
    { weight: 12, call: (r) => ((b) => oss('GetBucketInfo', b.bucket, b.region))(pick(r, ACTIVITY.objects)) },
    { weight: 6, call: (r) => ((b) => oss('GetBucketLocation', b.bucket, b.region))(pick(r, ACTIVITY.objects)) },
    {
      weight: 3,
      call: () => ({
        ...oss('ListBuckets', hz.bucket, hz.region),
        referencedResources: undefined,
        requestParameters: {},
      }),
    },
    { weight: 8, call: () => global('Sts', 'GetCallerIdentity') },
    { weight: 5, call: () => global('Ram', 'GetRole', { RoleName: ACTIVITY.roleName }) },
    // Refused: RAM read-only does not cover writes, and nothing grants KMS.
    { weight: 2, call: () => global('Ram', 'CreatePolicy', { PolicyName: 'AppTmpPolicy' }), denied: 'NoPermission' },
    {
      weight: 1,
      call: () => global('Ram', 'AttachPolicyToRole', { RoleName: ACTIVITY.roleName }),
      denied: 'NoPermission',
    },
    {
      weight: 1,
      call: () => ({
        serviceName: 'Kms',
        eventSource: 'kms.cn-hangzhou.aliyuncs.com',
        action: 'Decrypt',
        acsRegion: 'cn-hangzhou',
        apiVersion: '2016-01-20',
        requestParameters: { RegionId: 'cn-hangzhou' },
        authAction: 'kms:Decrypt',
      }),
      denied: 'Forbidden.RAM',
    },
    // A console sign-in through SSO: an event no RAM action stands for.
    {
      weight: 1,
      call: () => ({
        serviceName: 'AasSub',
        eventSource: 'signin.aliyun.com',
        action: 'ConsoleSignin',
        acsRegion: 'cn-hangzhou',
        requestParameters: {},
      }),
    },
    // Object calls: data events (not in LookupEvents), but in the access audit.
    {
      weight: 40,
      call: (r) =>
        oss('GetObject', hz.bucket, hz.region, `${hz.prefix}0${1 + Math.floor(r() * 9)}/r${Math.floor(r() * 500)}.csv`),
    },
    {
      weight: 4,
      call: (r) => oss('GetObject', hz.bucket, hz.region, pick(r, ['config/app.json', 'config/flags.json'])),
    },
    { weight: 15, call: (r) => oss('PutObject', sh.bucket, sh.region, `${sh.prefix}${Math.floor(r() * 900)}.log`) },
    { weight: 10, call: () => oss('ListObjects', hz.bucket, hz.region) },
  ];
}

/** Adds the role, its broad policies and its history; `events` is the number of calls made. */
export function seedRoleActivity(state: SandboxState, events = 1400): SandboxState {
  const created = isoSeconds(now(state) - (ACTIVITY.days + 30) * 86_400_000);
  state.roles.set(ACTIVITY.roleName, {
    roleId: ACTIVITY.roleId,
    roleName: ACTIVITY.roleName,
    description: 'Application servers (given broad access at launch)',
    assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy('ecs.aliyuncs.com')),
    maxSessionDuration: 3600,
    createDate: created,
    updateDate: created,
  });
  state.attachments.set(
    roleKey(ACTIVITY.roleName),
    ACTIVITY.policies.map((policyName) => ({ policyName, policyType: 'System' as const, attachDate: created })),
  );

  const { bucket, targetBucket, targetPrefix } = ACTIVITY.logging;
  if (!state.buckets.has(targetBucket)) {
    state.buckets.set(targetBucket, {
      name: targetBucket,
      region: state.buckets.get(bucket)?.region ?? 'cn-hangzhou',
      creationDate: created,
      storageClass: 'Standard',
      objects: new Map(),
    });
  }
  loggingOf(state).set(bucket, { targetBucket, targetPrefix });

  // Relative to the clock at seeding, recorded when the trail is first read.
  const seededAt = now(state);
  recordLater(state, () => recordHistory(state, seededAt, events));
  return state;
}

function recordHistory(state: SandboxState, seededAt: number, events: number): void {
  const r = rng(42);
  const list = habits();
  const total = list.reduce((n, h) => n + h.weight, 0);
  const end = seededAt - 3600_000;
  const span = ACTIVITY.days * 86_400_000 - 2 * 3600_000;
  const times = Array.from({ length: events }, () => end - Math.floor(r() * span)).sort((a, b) => a - b);
  for (const at of times) {
    let w = r() * total;
    const h = list.find((x) => (w -= x.weight) < 0) ?? list[0];
    // A session a day, as instance credentials rotate; its STS AccessKey names the day.
    const day = Math.floor(at / 86_400_000);
    const session: StsSession = {
      accessKeyId: `STS.NSbx${day.toString(36).toUpperCase().padStart(8, '0')}Act`,
      accessKeySecret: '',
      securityToken: '',
      roleName: ACTIVITY.roleName,
      sessionName: `i-${day.toString(36)}`,
      issuedAt: day * 86_400_000,
      expiresAt: day * 86_400_000 + 6 * 3600_000,
    };
    const principal: Principal = {
      kind: 'role',
      accountId: state.accountId,
      arn: `acs:ram::${state.accountId}:assumed-role/${ACTIVITY.roleName}/${session.sessionName}`,
      roleName: ACTIVITY.roleName,
      sessionName: session.sessionName,
      session,
    };
    const call = h.call(r);
    const requestId = `${at.toString(16).toUpperCase()}-SEED`;
    recordEvent(state, {
      ...call,
      at,
      caller: { principal, roleId: ACTIVITY.roleId },
      requestId,
      ...(h.denied ? { errorCode: h.denied, errorMessage: 'You are not authorized to do this action.' } : {}),
    });
    const bucket = call.requestParameters?.BucketName;
    if (call.serviceName === 'Oss' && bucket) {
      logAccess(state, {
        at,
        bucket,
        key: call.requestParameters?.ObjectName,
        op: call.action,
        method: /^(Get|List|Head)/.test(call.action) ? 'GET' : 'PUT',
        status: 200,
        principal,
        accessKeyId: session.accessKeyId,
        requestId,
        region: call.acsRegion,
      });
    }
  }
  // Another application's role read exports from the logged bucket: its lines carry STS keys no
  // event of AppServerRole does, so they are not the role's.
  const { bucket } = ACTIVITY.logging;
  for (let i = 0; i < 40; i++) {
    const at = end - Math.floor(r() * span);
    logAccess(state, {
      at,
      bucket,
      key: `${ACTIVITY.otherIdentityPrefix}${Math.floor(r() * 50)}.parquet`,
      op: 'GetObject',
      method: 'GET',
      status: 200,
      accessKeyId: `STS.NSbxBatch${Math.floor(at / 86_400_000)
        .toString(36)
        .toUpperCase()}`,
      requestId: `${at.toString(16).toUpperCase()}-SEEDX`,
      region: state.buckets.get(bucket)?.region ?? 'cn-hangzhou',
    });
  }
}
