/**
 * `--seed large`: the demo account grown to the size of a company account, for benchmarks and
 * scale tests. 20 regions with 300 instances each (every third one holding a role, a few classic),
 * 5,000 roles, 1,000 custom policies and a bucket with 100,000 keys under one prefix.
 *
 * Everything bulky is made on first use (LazyMap), so the sandbox starts as fast as the demo one
 * and a run that never lists the bucket never pays for it. Deterministic, so runs compare.
 */
import { createHash } from 'node:crypto';
import { formatPolicy, serviceTrustPolicy } from '../../policy/builders';
import { LazyMap } from '../core/lazyMap';
import { seedRoleActivity } from './activity';
import { addRegion, MORE_REGIONS } from './demo';
import {
  isoSeconds,
  policyKey,
  type Bucket,
  type Instance,
  type OssObject,
  type RamPolicy,
  type RamRole,
  type SandboxState,
} from '../core/state';

export const LARGE = {
  regions: 20,
  instancesPerRegion: 300,
  roles: 5000,
  policies: 1000,
  bucket: 'large-many-keys',
  bucketRegion: 'cn-hangzhou',
  bucketPrefix: 'objects/',
  bucketKeys: 100_000,
  /** Every n-th generated instance holds a generated role; every m-th is a classic instance. */
  roleEvery: 3,
  classicEvery: 50,
  /** Every k-th generated instance still allows normal-mode metadata reads (HttpTokens=optional). */
  normalModeEvery: 4,
  roleName: (n: number) => `scale-role-${String(n).padStart(5, '0')}`,
  policyName: (n: number) => `ScalePolicy${String(n).padStart(5, '0')}`,
};

const CREATED = isoSeconds(Date.parse('2026-01-15T08:00:00Z'));

export function seedLargeAccount(state: SandboxState): SandboxState {
  for (const [regionId, localName] of MORE_REGIONS) {
    if (state.regions.length >= LARGE.regions) {
      break;
    }
    addRegion(state, regionId, localName);
  }
  const regions = state.regions.slice(0, LARGE.regions);

  const trust = formatPolicy(serviceTrustPolicy('ecs.aliyuncs.com'));
  state.roles = new LazyMap(state.roles, (roles) => {
    for (let n = 1; n <= LARGE.roles; n++) {
      const roleName = LARGE.roleName(n);
      const role: RamRole = {
        roleId: `39${String(n).padStart(14, '0')}`,
        roleName,
        description: `Scale test role ${n}`,
        assumeRolePolicyDocument: trust,
        maxSessionDuration: 3600,
        createDate: CREATED,
        updateDate: CREATED,
      };
      roles.set(roleName, role);
    }
  });

  state.policies = new LazyMap(state.policies, (policies) => {
    for (let n = 1; n <= LARGE.policies; n++) {
      const policyName = LARGE.policyName(n);
      const doc = {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: [`acs:oss:*:*:team-${n}/*`] }],
      };
      const policy: RamPolicy = {
        policyName,
        policyType: 'Custom',
        description: `Scale test policy ${n}`,
        defaultVersion: 'v1',
        versions: [{ versionId: 'v1', policyDocument: JSON.stringify(doc, null, 2), createDate: CREATED }],
        createDate: CREATED,
        updateDate: CREATED,
      };
      policies.set(policyKey('Custom', policyName), policy);
    }
  });

  state.instances = new LazyMap(state.instances, (instances) => {
    const perRegion = new Map<string, number>();
    for (const i of instances.values()) {
      perRegion.set(i.regionId, (perRegion.get(i.regionId) ?? 0) + 1);
    }
    let n = 0;
    regions.forEach((r, ri) => {
      for (let k = perRegion.get(r.regionId) ?? 0; k < LARGE.instancesPerRegion; k++) {
        n++;
        const classic = n % LARGE.classicEvery === 0;
        const id = `i-${ri.toString(36)}lg${String(k).padStart(15, '0')}`;
        const instance: Instance = {
          instanceId: id,
          instanceName: `scale-${r.regionId}-${String(k).padStart(3, '0')}`,
          hostName: `scale-${k}`,
          regionId: r.regionId,
          zoneId: r.zones[k % r.zones.length],
          status: k % 7 === 0 ? 'Stopped' : 'Running',
          networkType: classic ? 'classic' : 'vpc',
          vpcId: classic ? undefined : `vpc-${ri.toString(36)}lgscale000001`,
          vSwitchId: classic ? undefined : `vsw-${ri.toString(36)}lgscale000001`,
          securityGroupIds: [],
          privateIp: `10.${ri}.${k >> 8}.${k & 255}`,
          imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
          instanceType: 'ecs.g7.large',
          osName: 'Alibaba Cloud Linux 3.2104 LTS 64 bit',
          cpu: 2,
          memory: 8192,
          creationTime: '2026-01-15T08:10Z',
          internetMaxBandwidthOut: 0,
          httpTokens: n % LARGE.normalModeEvery === 0 ? 'optional' : 'required',
          httpEndpoint: 'enabled',
          tags: [],
          ...(!classic && n % LARGE.roleEvery === 0 ? { ramRoleName: LARGE.roleName(1 + (n % LARGE.roles)) } : {}),
        };
        instances.set(id, instance);
      }
    });
  });

  const lm = '2026-02-01T10:00:00.000Z';
  const bucket: Bucket = {
    name: LARGE.bucket,
    region: LARGE.bucketRegion,
    creationDate: '2026-01-15T08:05:00.000Z',
    storageClass: 'Standard',
    objects: new LazyMap<string, OssObject>(null, (objects) => {
      // One shared body: the scale is in the keys, and 100,000 MD5s would slow the first listing.
      const body = Buffer.from('{"scale":true}\n');
      const etag = `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`;
      for (let n = 0; n < LARGE.bucketKeys; n++) {
        const key = `${LARGE.bucketPrefix}${String(n).padStart(6, '0')}.json`;
        objects.set(key, { key, body, contentType: 'application/json', etag, lastModified: lm, meta: {} });
      }
    }),
  };
  state.buckets.set(bucket.name, bucket);
  seedRoleActivity(state);
  return state;
}
