/**
 * The demo account a newcomer sees: roles and policies, VPC and classic instances in two regions,
 * buckets with nested objects (one with more than 1,000 keys), and a sub-account without PassRole.
 * Identifiers are fixed so docs, tests and the e2e suite can name them.
 */
import { formatPolicy, serviceTrustPolicy } from '../policy/builders';
import { SYSTEM_POLICIES } from './systemPolicies';
import {
  isoSeconds, policyKey, roleKey, userKey,
  type Attachment, type Bucket, type Instance, type OssObject, type PolicyType, type SandboxState,
} from './state';
import { createHash } from 'node:crypto';

export const DEMO = {
  accountId: '1234567890123456',
  /** Root AccessKey of the demo account (sandbox only; printed by the CLI). */
  accessKeyId: 'SBXAKSandboxRootDemo001',
  accessKeySecret: 'sbxRootSecretDoNotUse0000000001',
  /** A RAM user with ECS and RAM read access but no ram:PassRole. */
  subUser: 'dev-alice',
  subAccessKeyId: 'SBXAKSandboxAliceDemo01',
  subAccessKeySecret: 'sbxAliceSecretDoNotUse000000001',
  regions: ['cn-hangzhou', 'cn-shanghai'] as const,
  vpcInstanceId: 'i-bp1sandboxvpc000001',
  vpcInstanceId2: 'i-bp1sandboxvpc000002',
  classicInstanceId: 'i-bp1sandboxclassic01',
  shanghaiInstanceId: 'i-uf6sandboxvpc000001',
  /** Role the seed attaches to vpcInstanceId2 so IMDS has something to serve from the start. */
  seededRole: 'DemoEcsOssReader',
  /** Role trusted by a different service: attaching it to ECS fails with InvalidRamRole.NotEcsRole. */
  notEcsRole: 'DemoFcInvokeRole',
  bucket: 'demo-data',
  bigBucket: 'demo-many-keys',
  bigBucketKeys: 1200,
  shanghaiBucket: 'demo-shanghai-logs',
};

const T0 = Date.parse('2026-01-15T08:00:00Z');

export function seedDemoAccount(state: SandboxState): SandboxState {
  state.accountId = DEMO.accountId;
  const created = isoSeconds(T0);
  state.accessKeys.set(DEMO.accessKeyId, { accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret, owner: { kind: 'root' }, status: 'Active', createDate: created });

  for (const p of SYSTEM_POLICIES) {
    state.policies.set(policyKey('System', p.name), {
      policyName: p.name, policyType: 'System', description: p.description, defaultVersion: 'v1',
      versions: [{ versionId: 'v1', policyDocument: formatPolicy(p.document), createDate: created }],
      createDate: created, updateDate: created,
    });
  }
  const custom = (name: string, description: string, doc: object) => state.policies.set(policyKey('Custom', name), {
    policyName: name, policyType: 'Custom', description, defaultVersion: 'v1',
    versions: [{ versionId: 'v1', policyDocument: JSON.stringify(doc, null, 2), createDate: created }],
    createDate: created, updateDate: created,
  });
  custom('DemoLogsWriter', 'Write application logs to demo-data/logs/', {
    Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:PutObject', 'oss:GetObject'], Resource: ['acs:oss:*:*:demo-data/logs/*'] }],
  });

  const attach = (principal: string, policyType: PolicyType, policyName: string) => {
    const list: Attachment[] = state.attachments.get(principal) ?? [];
    list.push({ policyType, policyName, attachDate: created });
    state.attachments.set(principal, list);
  };
  const role = (roleName: string, description: string, service: string) => {
    state.roles.set(roleName, {
      roleId: `3${String(state.roles.size + 1).padStart(15, '0')}`, roleName, description,
      assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy(service)), maxSessionDuration: 3600,
      createDate: created, updateDate: created,
    });
  };
  role(DEMO.seededRole, 'ECS instances that read OSS', 'ecs.aliyuncs.com');
  attach(roleKey(DEMO.seededRole), 'System', 'AliyunOSSReadOnlyAccess');
  role('DemoEcsLogShipper', 'ECS instances that ship logs', 'ecs.aliyuncs.com');
  attach(roleKey('DemoEcsLogShipper'), 'Custom', 'DemoLogsWriter');
  role(DEMO.notEcsRole, 'Function Compute invocations (not usable by ECS)', 'fc.aliyuncs.com');

  state.users.set(DEMO.subUser, { userId: '2000000000000001', userName: DEMO.subUser, displayName: 'Alice (developer)', createDate: created });
  state.accessKeys.set(DEMO.subAccessKeyId, { accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret, owner: { kind: 'user', userName: DEMO.subUser }, status: 'Active', createDate: created });
  attach(userKey(DEMO.subUser), 'System', 'AliyunECSFullAccess');
  attach(userKey(DEMO.subUser), 'System', 'AliyunRAMReadOnlyAccess');

  seedNetwork(state, created);
  seedBuckets(state);
  return state;
}

function seedNetwork(state: SandboxState, created: string): void {
  state.regions = [
    { regionId: 'cn-hangzhou', localName: '华东1（杭州）', zones: ['cn-hangzhou-h', 'cn-hangzhou-i'] },
    { regionId: 'cn-shanghai', localName: '华东2（上海）', zones: ['cn-shanghai-e', 'cn-shanghai-f'] },
  ];
  state.vpcs = [
    { vpcId: 'vpc-bp1sandbox0000001', vpcName: 'demo-vpc', regionId: 'cn-hangzhou', cidrBlock: '172.16.0.0/12', isDefault: true, creationTime: created },
    { vpcId: 'vpc-uf6sandbox0000001', vpcName: 'demo-vpc-sh', regionId: 'cn-shanghai', cidrBlock: '192.168.0.0/16', isDefault: true, creationTime: created },
  ];
  state.vswitches = [
    { vSwitchId: 'vsw-bp1sandbox000001h', vpcId: 'vpc-bp1sandbox0000001', zoneId: 'cn-hangzhou-h', regionId: 'cn-hangzhou', cidrBlock: '172.16.1.0/24', vSwitchName: 'demo-h', isDefault: true },
    { vSwitchId: 'vsw-bp1sandbox000001i', vpcId: 'vpc-bp1sandbox0000001', zoneId: 'cn-hangzhou-i', regionId: 'cn-hangzhou', cidrBlock: '172.16.2.0/24', vSwitchName: 'demo-i', isDefault: false },
    { vSwitchId: 'vsw-uf6sandbox000001e', vpcId: 'vpc-uf6sandbox0000001', zoneId: 'cn-shanghai-e', regionId: 'cn-shanghai', cidrBlock: '192.168.1.0/24', vSwitchName: 'demo-sh-e', isDefault: true },
  ];
  state.securityGroups = [
    { securityGroupId: 'sg-bp1sandbox00000001', securityGroupName: 'demo-default', vpcId: 'vpc-bp1sandbox0000001', regionId: 'cn-hangzhou', description: 'SSH from anywhere' },
    { securityGroupId: 'sg-uf6sandbox00000001', securityGroupName: 'demo-default-sh', vpcId: 'vpc-uf6sandbox0000001', regionId: 'cn-shanghai', description: 'SSH from anywhere' },
  ];
  state.images = [
    { imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd', imageName: 'Alibaba Cloud Linux 3.2104 LTS 64 bit', osName: 'Alibaba Cloud Linux 3.2104 LTS 64 bit', osType: 'linux', architecture: 'x86_64', size: 20, ownerAlias: 'system' },
    { imageId: 'ubuntu_22_04_x64_20G_alibase_20260101.vhd', imageName: 'Ubuntu 22.04 64 bit', osName: 'Ubuntu 22.04 64 bit', osType: 'linux', architecture: 'x86_64', size: 20, ownerAlias: 'system' },
    { imageId: 'debian_12_x64_20G_alibase_20260101.vhd', imageName: 'Debian 12 64 bit', osName: 'Debian 12 64 bit', osType: 'linux', architecture: 'x86_64', size: 20, ownerAlias: 'system' },
  ];
  state.instanceTypes = [
    { instanceTypeId: 'ecs.t6-c1m1.large', cpuCoreCount: 2, memorySize: 2, instanceTypeFamily: 'ecs.t6' },
    { instanceTypeId: 'ecs.g7.large', cpuCoreCount: 2, memorySize: 8, instanceTypeFamily: 'ecs.g7' },
    { instanceTypeId: 'ecs.c7.xlarge', cpuCoreCount: 4, memorySize: 8, instanceTypeFamily: 'ecs.c7' },
  ];
  const base = (id: string, name: string, regionId: string, zoneId: string, extra: Partial<Instance>): Instance => ({
    instanceId: id, instanceName: name, hostName: name, regionId, zoneId, status: 'Running', networkType: 'vpc',
    securityGroupIds: [], privateIp: '172.16.1.10', imageId: state.images[0].imageId, instanceType: 'ecs.g7.large',
    osName: state.images[0].osName, cpu: 2, memory: 8192, creationTime: '2026-01-15T08:10Z', internetMaxBandwidthOut: 5,
    httpTokens: 'optional', httpEndpoint: 'enabled', tags: [], ...extra,
  });
  const instances: Instance[] = [
    base(DEMO.vpcInstanceId, 'demo-web-1', 'cn-hangzhou', 'cn-hangzhou-h', { vpcId: 'vpc-bp1sandbox0000001', vSwitchId: 'vsw-bp1sandbox000001h', securityGroupIds: ['sg-bp1sandbox00000001'], privateIp: '172.16.1.10', publicIp: '47.96.0.10', httpTokens: 'required' }),
    base(DEMO.vpcInstanceId2, 'demo-worker-1', 'cn-hangzhou', 'cn-hangzhou-i', { vpcId: 'vpc-bp1sandbox0000001', vSwitchId: 'vsw-bp1sandbox000001i', securityGroupIds: ['sg-bp1sandbox00000001'], privateIp: '172.16.2.20', ramRoleName: DEMO.seededRole }),
    base(DEMO.classicInstanceId, 'legacy-classic-1', 'cn-hangzhou', 'cn-hangzhou-h', { networkType: 'classic', privateIp: '10.80.1.5', publicIp: '118.31.0.5', instanceType: 'ecs.t6-c1m1.large', cpu: 2, memory: 2048 }),
    base(DEMO.shanghaiInstanceId, 'demo-sh-batch', 'cn-shanghai', 'cn-shanghai-e', { vpcId: 'vpc-uf6sandbox0000001', vSwitchId: 'vsw-uf6sandbox000001e', securityGroupIds: ['sg-uf6sandbox00000001'], privateIp: '192.168.1.30', status: 'Stopped', internetMaxBandwidthOut: 0 }),
  ];
  for (const i of instances) { state.instances.set(i.instanceId, i); }
}

function object(key: string, body: string | Buffer, contentType: string, lastModified: string): OssObject {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  return { key, body: buf, contentType, etag: `"${createHash('md5').update(buf).digest('hex').toUpperCase()}"`, lastModified, meta: {} };
}

function seedBuckets(state: SandboxState): void {
  const lm = '2026-02-01T10:00:00.000Z';
  /** A complete 1×1 RGBA PNG (signature, IHDR, IDAT, IEND with valid CRCs), so previews open it. */
  const LOGO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  const bucket = (name: string, region: string, objects: OssObject[]): Bucket => ({
    name, region, creationDate: '2026-01-15T08:05:00.000Z', storageClass: 'Standard', objects: new Map(objects.map((o) => [o.key, o])),
  });
  const demo = [
    object('README.md', '# demo-data\n\nSample objects for the ECS RAM role walkthrough.\n', 'text/markdown', lm),
    object('config/app.json', JSON.stringify({ name: 'demo', env: 'sandbox', replicas: 2 }, null, 2) + '\n', 'application/json', lm),
    object('config/feature-flags.yaml', 'newCheckout: true\nbetaSearch: false\n', 'text/yaml', lm),
    object('images/logo.png', Buffer.from(LOGO_PNG, 'base64'), 'image/png', lm),
    object('logs/2026/01/app.log', '2026-01-31T23:59:59Z INFO started\n', 'text/plain', lm),
    object('logs/2026/02/app.log', '2026-02-01T00:00:01Z INFO rotated\n', 'text/plain', lm),
    object('reports/q1.csv', 'region,revenue\ncn-hangzhou,100\ncn-shanghai,80\n', 'text/csv', lm),
    object('reports/q2.csv', 'region,revenue\ncn-hangzhou,120\ncn-shanghai,95\n', 'text/csv', lm),
  ];
  for (let i = 1; i <= 8; i++) { demo.push(object(`data/part-${String(i).padStart(4, '0')}.txt`, `part ${i}\n`, 'text/plain', lm)); }
  const many: OssObject[] = [];
  for (let i = 0; i < DEMO.bigBucketKeys; i++) {
    many.push(object(`items/item-${String(i).padStart(5, '0')}.json`, `{"id":${i}}\n`, 'application/json', lm));
  }
  for (const b of [
    bucket(DEMO.bucket, 'cn-hangzhou', demo),
    bucket(DEMO.bigBucket, 'cn-hangzhou', many),
    bucket(DEMO.shanghaiBucket, 'cn-shanghai', [object('2026/02/01/access.log', '127.0.0.1 - GET /\n', 'text/plain', lm)]),
  ]) { state.buckets.set(b.name, b); }
}
