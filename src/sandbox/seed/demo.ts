/**
 * The demo account a newcomer sees: roles and policies, VPC and classic instances in two regions,
 * buckets with nested objects (one with more than 1,000 keys), and a sub-account without PassRole.
 * Identifiers are fixed so docs, tests and the e2e suite can name them.
 */
import { formatPolicy, serviceTrustPolicy } from '../../policy/builders';
import { SYSTEM_POLICIES } from './systemPolicies';
import {
  isoSeconds,
  policyKey,
  roleKey,
  userKey,
  type Attachment,
  type Bucket,
  type Instance,
  type OssObject,
  type PolicyType,
  type SandboxState,
  type SecurityGroupPermission,
} from '../core/state';
import { createHash, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A secret in the shape of a real AccessKey secret (30 letters and digits). */
export const randomSecret = (): string => Array.from({ length: 30 }, () => ALNUM[randomInt(ALNUM.length)]).join('');

export const DEMO = {
  accountId: '1234567890123456',
  /**
   * Root AccessKey of the demo account (printed by the CLI). The IDs are fixed so docs can name
   * them; the secrets are random per process, and a new state file gets its own (startSandbox), so
   * no web page can know them and sign requests to a sandbox on this machine.
   */
  accessKeyId: 'SBXAKSandboxRootDemo001',
  accessKeySecret: randomSecret(),
  /** A RAM user with ECS and RAM read access but no ram:PassRole. */
  subUser: 'dev-alice',
  subAccessKeyId: 'SBXAKSandboxAliceDemo01',
  subAccessKeySecret: randomSecret(),
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
  /** The key pair demo-web-1 and demo-worker-1 were created with (its private key: demo-key.pem). */
  keyPairName: 'demo-key',
};

const T0 = Date.parse('2026-01-15T08:00:00Z');

export interface SeedOptions {
  /** Catalogues of a real region's size (realism `largeCatalogues`); the demo entries come first. */
  largeCatalogues?: boolean;
  /** The demo AccessKey secrets; default: this process's (DEMO). */
  secrets?: { root: string; sub: string };
}

export function seedDemoAccount(state: SandboxState, options: SeedOptions = {}): SandboxState {
  state.accountId = DEMO.accountId;
  const created = isoSeconds(T0);
  const secrets = options.secrets ?? { root: DEMO.accessKeySecret, sub: DEMO.subAccessKeySecret };
  state.accessKeys.set(DEMO.accessKeyId, {
    accessKeyId: DEMO.accessKeyId,
    accessKeySecret: secrets.root,
    owner: { kind: 'root' },
    status: 'Active',
    createDate: created,
  });

  for (const p of SYSTEM_POLICIES) {
    state.policies.set(policyKey('System', p.name), {
      policyName: p.name,
      policyType: 'System',
      description: p.description,
      defaultVersion: 'v1',
      versions: [{ versionId: 'v1', policyDocument: formatPolicy(p.document), createDate: created }],
      createDate: created,
      updateDate: created,
    });
  }
  const custom = (name: string, description: string, doc: object) =>
    state.policies.set(policyKey('Custom', name), {
      policyName: name,
      policyType: 'Custom',
      description,
      defaultVersion: 'v1',
      versions: [{ versionId: 'v1', policyDocument: JSON.stringify(doc, null, 2), createDate: created }],
      createDate: created,
      updateDate: created,
    });
  custom('DemoLogsWriter', 'Write application logs to demo-data/logs/', {
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: ['oss:PutObject', 'oss:GetObject'], Resource: ['acs:oss:*:*:demo-data/logs/*'] },
    ],
  });

  const attach = (principal: string, policyType: PolicyType, policyName: string) => {
    const list: Attachment[] = state.attachments.get(principal) ?? [];
    list.push({ policyType, policyName, attachDate: created });
    state.attachments.set(principal, list);
  };
  const role = (roleName: string, description: string, service: string) => {
    state.roles.set(roleName, {
      roleId: `3${String(state.roles.size + 1).padStart(15, '0')}`,
      roleName,
      description,
      assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy(service)),
      maxSessionDuration: 3600,
      createDate: created,
      updateDate: created,
    });
  };
  role(DEMO.seededRole, 'ECS instances that read OSS', 'ecs.aliyuncs.com');
  attach(roleKey(DEMO.seededRole), 'System', 'AliyunOSSReadOnlyAccess');
  role('DemoEcsLogShipper', 'ECS instances that ship logs', 'ecs.aliyuncs.com');
  attach(roleKey('DemoEcsLogShipper'), 'Custom', 'DemoLogsWriter');
  role(DEMO.notEcsRole, 'Function Compute invocations (not usable by ECS)', 'fc.aliyuncs.com');

  state.users.set(DEMO.subUser, {
    userId: '2000000000000001',
    userName: DEMO.subUser,
    displayName: 'Alice (developer)',
    createDate: created,
  });
  state.accessKeys.set(DEMO.subAccessKeyId, {
    accessKeyId: DEMO.subAccessKeyId,
    accessKeySecret: secrets.sub,
    owner: { kind: 'user', userName: DEMO.subUser },
    status: 'Active',
    createDate: created,
  });
  attach(userKey(DEMO.subUser), 'System', 'AliyunECSFullAccess');
  attach(userKey(DEMO.subUser), 'System', 'AliyunRAMReadOnlyAccess');

  seedNetwork(state, created);
  if (options.largeCatalogues) {
    seedLargeCatalogues(state);
  }
  seedBuckets(state);
  return state;
}

function seedNetwork(state: SandboxState, created: string): void {
  state.regions = [
    { regionId: 'cn-hangzhou', localName: '华东1（杭州）', zones: ['cn-hangzhou-h', 'cn-hangzhou-i'] },
    { regionId: 'cn-shanghai', localName: '华东2（上海）', zones: ['cn-shanghai-e', 'cn-shanghai-f'] },
  ];
  state.vpcs = [
    {
      vpcId: 'vpc-bp1sandbox0000001',
      vpcName: 'demo-vpc',
      regionId: 'cn-hangzhou',
      cidrBlock: '172.16.0.0/12',
      isDefault: true,
      creationTime: created,
    },
    {
      vpcId: 'vpc-uf6sandbox0000001',
      vpcName: 'demo-vpc-sh',
      regionId: 'cn-shanghai',
      cidrBlock: '192.168.0.0/16',
      isDefault: true,
      creationTime: created,
    },
  ];
  state.vswitches = [
    {
      vSwitchId: 'vsw-bp1sandbox000001h',
      vpcId: 'vpc-bp1sandbox0000001',
      zoneId: 'cn-hangzhou-h',
      regionId: 'cn-hangzhou',
      cidrBlock: '172.16.1.0/24',
      vSwitchName: 'demo-h',
      isDefault: true,
    },
    {
      vSwitchId: 'vsw-bp1sandbox000001i',
      vpcId: 'vpc-bp1sandbox0000001',
      zoneId: 'cn-hangzhou-i',
      regionId: 'cn-hangzhou',
      cidrBlock: '172.16.2.0/24',
      vSwitchName: 'demo-i',
      isDefault: false,
    },
    {
      vSwitchId: 'vsw-uf6sandbox000001e',
      vpcId: 'vpc-uf6sandbox0000001',
      zoneId: 'cn-shanghai-e',
      regionId: 'cn-shanghai',
      cidrBlock: '192.168.1.0/24',
      vSwitchName: 'demo-sh-e',
      isDefault: true,
    },
  ];
  // What the console's default group allows: SSH, RDP and ICMP from anywhere, everything out.
  const defaultRules = (): SecurityGroupPermission[] => [
    {
      direction: 'ingress',
      ipProtocol: 'TCP',
      portRange: '22/22',
      sourceCidrIp: '0.0.0.0/0',
      policy: 'Accept',
      priority: 100,
      description: 'SSH',
    },
    {
      direction: 'ingress',
      ipProtocol: 'TCP',
      portRange: '3389/3389',
      sourceCidrIp: '0.0.0.0/0',
      policy: 'Accept',
      priority: 100,
      description: 'RDP',
    },
    {
      direction: 'ingress',
      ipProtocol: 'ICMP',
      portRange: '-1/-1',
      sourceCidrIp: '0.0.0.0/0',
      policy: 'Accept',
      priority: 100,
    },
    {
      direction: 'egress',
      ipProtocol: 'ALL',
      portRange: '-1/-1',
      destCidrIp: '0.0.0.0/0',
      policy: 'Accept',
      priority: 100,
    },
  ];
  state.securityGroups = [
    {
      securityGroupId: 'sg-bp1sandbox00000001',
      securityGroupName: 'demo-default',
      vpcId: 'vpc-bp1sandbox0000001',
      regionId: 'cn-hangzhou',
      description: 'SSH from anywhere',
      permissions: defaultRules(),
    },
    {
      securityGroupId: 'sg-uf6sandbox00000001',
      securityGroupName: 'demo-default-sh',
      vpcId: 'vpc-uf6sandbox0000001',
      regionId: 'cn-shanghai',
      description: 'SSH from anywhere',
      permissions: defaultRules(),
    },
  ];
  state.images = [
    {
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      imageName: 'Alibaba Cloud Linux 3.2104 LTS 64 bit',
      osName: 'Alibaba Cloud Linux 3.2104 LTS 64 bit',
      osType: 'linux',
      architecture: 'x86_64',
      size: 20,
      ownerAlias: 'system',
    },
    {
      imageId: 'ubuntu_22_04_x64_20G_alibase_20260101.vhd',
      imageName: 'Ubuntu 22.04 64 bit',
      osName: 'Ubuntu 22.04 64 bit',
      osType: 'linux',
      architecture: 'x86_64',
      size: 20,
      ownerAlias: 'system',
    },
    {
      imageId: 'debian_12_x64_20G_alibase_20260101.vhd',
      imageName: 'Debian 12 64 bit',
      osName: 'Debian 12 64 bit',
      osType: 'linux',
      architecture: 'x86_64',
      size: 20,
      ownerAlias: 'system',
    },
  ];
  state.instanceTypes = [
    { instanceTypeId: 'ecs.t6-c1m1.large', cpuCoreCount: 2, memorySize: 2, instanceTypeFamily: 'ecs.t6' },
    { instanceTypeId: 'ecs.g7.large', cpuCoreCount: 2, memorySize: 8, instanceTypeFamily: 'ecs.g7' },
    { instanceTypeId: 'ecs.c7.xlarge', cpuCoreCount: 4, memorySize: 8, instanceTypeFamily: 'ecs.c7' },
  ];
  const base = (id: string, name: string, regionId: string, zoneId: string, extra: Partial<Instance>): Instance => ({
    instanceId: id,
    instanceName: name,
    hostName: name,
    regionId,
    zoneId,
    status: 'Running',
    networkType: 'vpc',
    securityGroupIds: [],
    privateIp: '172.16.1.10',
    imageId: state.images[0].imageId,
    instanceType: 'ecs.g7.large',
    osName: state.images[0].osName,
    cpu: 2,
    memory: 8192,
    creationTime: '2026-01-15T08:10Z',
    internetMaxBandwidthOut: 5,
    httpTokens: 'optional',
    httpEndpoint: 'enabled',
    tags: [],
    ...extra,
  });
  const instances: Instance[] = [
    base(DEMO.vpcInstanceId, 'demo-web-1', 'cn-hangzhou', 'cn-hangzhou-h', {
      vpcId: 'vpc-bp1sandbox0000001',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupIds: ['sg-bp1sandbox00000001'],
      privateIp: '172.16.1.10',
      publicIp: '47.96.0.10',
      httpTokens: 'required',
      keyPairName: DEMO.keyPairName,
    }),
    base(DEMO.vpcInstanceId2, 'demo-worker-1', 'cn-hangzhou', 'cn-hangzhou-i', {
      vpcId: 'vpc-bp1sandbox0000001',
      vSwitchId: 'vsw-bp1sandbox000001i',
      securityGroupIds: ['sg-bp1sandbox00000001'],
      privateIp: '172.16.2.20',
      ramRoleName: DEMO.seededRole,
      keyPairName: DEMO.keyPairName,
      loginAsNonRoot: true,
    }),
    base(DEMO.classicInstanceId, 'legacy-classic-1', 'cn-hangzhou', 'cn-hangzhou-h', {
      networkType: 'classic',
      privateIp: '10.80.1.5',
      publicIp: '118.31.0.5',
      instanceType: 'ecs.t6-c1m1.large',
      cpu: 2,
      memory: 2048,
      cloudAssistant: 'notInstalled',
    }),
    base(DEMO.shanghaiInstanceId, 'demo-sh-batch', 'cn-shanghai', 'cn-shanghai-e', {
      vpcId: 'vpc-uf6sandbox0000001',
      vSwitchId: 'vsw-uf6sandbox000001e',
      securityGroupIds: ['sg-uf6sandbox00000001'],
      privateIp: '192.168.1.30',
      status: 'Stopped',
      internetMaxBandwidthOut: 0,
    }),
  ];
  for (const i of instances) {
    state.instances.set(i.instanceId, i);
  }
}

function object(key: string, body: string | Buffer, contentType: string, lastModified: string): OssObject {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    key,
    body: buf,
    contentType,
    etag: `"${createHash('md5').update(buf).digest('hex').toUpperCase()}"`,
    lastModified,
    meta: {},
  };
}

function seedBuckets(state: SandboxState): void {
  const lm = '2026-02-01T10:00:00.000Z';
  /** A complete 1×1 RGBA PNG (signature, IHDR, IDAT, IEND with valid CRCs), so previews open it. */
  const LOGO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  const bucket = (name: string, region: string, objects: OssObject[]): Bucket => ({
    name,
    region,
    creationDate: '2026-01-15T08:05:00.000Z',
    storageClass: 'Standard',
    objects: new Map(objects.map((o) => [o.key, o])),
  });
  const demo = [
    object('README.md', '# demo-data\n\nSample objects for the ECS RAM role walkthrough.\n', 'text/markdown', lm),
    object(
      'config/app.json',
      JSON.stringify({ name: 'demo', env: 'sandbox', replicas: 2 }, null, 2) + '\n',
      'application/json',
      lm,
    ),
    object('config/feature-flags.yaml', 'newCheckout: true\nbetaSearch: false\n', 'text/yaml', lm),
    object('images/logo.png', Buffer.from(LOGO_PNG, 'base64'), 'image/png', lm),
    object('logs/2026/01/app.log', '2026-01-31T23:59:59Z INFO started\n', 'text/plain', lm),
    object('logs/2026/02/app.log', '2026-02-01T00:00:01Z INFO rotated\n', 'text/plain', lm),
    object('reports/q1.csv', 'region,revenue\ncn-hangzhou,100\ncn-shanghai,80\n', 'text/csv', lm),
    object('reports/q2.csv', 'region,revenue\ncn-hangzhou,120\ncn-shanghai,95\n', 'text/csv', lm),
  ];
  for (let i = 1; i <= 8; i++) {
    demo.push(object(`data/part-${String(i).padStart(4, '0')}.txt`, `part ${i}\n`, 'text/plain', lm));
  }
  const many: OssObject[] = [];
  for (let i = 0; i < DEMO.bigBucketKeys; i++) {
    many.push(object(`items/item-${String(i).padStart(5, '0')}.json`, `{"id":${i}}\n`, 'application/json', lm));
  }
  for (const b of [
    bucket(DEMO.bucket, 'cn-hangzhou', demo),
    bucket(DEMO.bigBucket, 'cn-hangzhou', many),
    bucket(DEMO.shanghaiBucket, 'cn-shanghai', [
      object('2026/02/01/access.log', '127.0.0.1 - GET /\n', 'text/plain', lm),
    ]),
  ]) {
    state.buckets.set(b.name, b);
  }
}

/** Regions beyond the demo's two, in the order a bigger account fills them. */
export const MORE_REGIONS: ReadonlyArray<readonly [regionId: string, localName: string]> = [
  ['cn-qingdao', '华北1（青岛）'],
  ['cn-beijing', '华北2（北京）'],
  ['cn-zhangjiakou', '华北3（张家口）'],
  ['cn-huhehaote', '华北5（呼和浩特）'],
  ['cn-wulanchabu', '华北6（乌兰察布）'],
  ['cn-shenzhen', '华南1（深圳）'],
  ['cn-heyuan', '华南2（河源）'],
  ['cn-guangzhou', '华南3（广州）'],
  ['cn-chengdu', '西南1（成都）'],
  ['cn-hongkong', '中国香港'],
  ['ap-southeast-1', '新加坡'],
  ['ap-southeast-3', '马来西亚（吉隆坡）'],
  ['ap-southeast-5', '印度尼西亚（雅加达）'],
  ['ap-southeast-6', '菲律宾（马尼拉）'],
  ['ap-southeast-7', '泰国（曼谷）'],
  ['ap-northeast-1', '日本（东京）'],
  ['ap-northeast-2', '韩国（首尔）'],
  ['us-west-1', '美国（硅谷）'],
  ['us-east-1', '美国（弗吉尼亚）'],
  ['eu-central-1', '德国（法兰克福）'],
  ['eu-west-1', '英国（伦敦）'],
  ['me-east-1', '阿联酋（迪拜）'],
];

export function addRegion(state: SandboxState, regionId: string, localName: string): void {
  if (!state.regions.some((r) => r.regionId === regionId)) {
    state.regions.push({ regionId, localName, zones: [`${regionId}-a`, `${regionId}-b`] });
  }
}

/**
 * What a real account sees, in size: two dozen regions, about 300 instance types, over 150 public
 * images, 60 vSwitches and 120 security groups in the demo VPC (quotas allow 150 vSwitches per VPC),
 * so a client reading only one page (10 by default, at most 50 or 100) visibly misses some.
 * Deterministic, so runs compare.
 */
function seedLargeCatalogues(state: SandboxState): void {
  for (const [regionId, localName] of MORE_REGIONS) {
    addRegion(state, regionId, localName);
  }

  const families: Array<[family: string, memPerCpu: number]> = [
    ['ecs.g8i', 4],
    ['ecs.c8i', 2],
    ['ecs.r8i', 8],
    ['ecs.g8a', 4],
    ['ecs.c8a', 2],
    ['ecs.r8a', 8],
    ['ecs.g8y', 4],
    ['ecs.c8y', 2],
    ['ecs.r8y', 8],
    ['ecs.g7', 4],
    ['ecs.c7', 2],
    ['ecs.r7', 8],
    ['ecs.g7a', 4],
    ['ecs.c7a', 2],
    ['ecs.r7a', 8],
    ['ecs.g6', 4],
    ['ecs.c6', 2],
    ['ecs.r6', 8],
    ['ecs.g6e', 4],
    ['ecs.c6e', 2],
    ['ecs.r6e', 8],
    ['ecs.hfg7', 4],
    ['ecs.hfc7', 2],
    ['ecs.hfr7', 8],
    ['ecs.u1', 4],
    ['ecs.e', 4],
    ['ecs.g5', 4],
    ['ecs.c5', 2],
  ];
  const sizes: Array<[suffix: string, cpu: number]> = [
    ['large', 2],
    ['xlarge', 4],
    ['2xlarge', 8],
    ['3xlarge', 12],
    ['4xlarge', 16],
    ['6xlarge', 24],
    ['8xlarge', 32],
    ['12xlarge', 48],
    ['16xlarge', 64],
    ['24xlarge', 96],
    ['32xlarge', 128],
  ];
  const have = new Set(state.instanceTypes.map((t) => t.instanceTypeId));
  for (const [family, ratio] of families) {
    for (const [suffix, cpu] of sizes) {
      const id = `${family}.${suffix}`;
      if (!have.has(id)) {
        state.instanceTypes.push({
          instanceTypeId: id,
          cpuCoreCount: cpu,
          memorySize: cpu * ratio,
          instanceTypeFamily: family,
        });
      }
    }
  }

  const linux: Array<[id: string, name: string]> = [
    ['aliyun_3', 'Alibaba Cloud Linux 3.2104 LTS'],
    ['aliyun_2_1903', 'Alibaba Cloud Linux 2.1903 LTS'],
    ['ubuntu_24_04', 'Ubuntu 24.04'],
    ['ubuntu_22_04', 'Ubuntu 22.04'],
    ['ubuntu_20_04', 'Ubuntu 20.04'],
    ['debian_12', 'Debian 12'],
    ['debian_11', 'Debian 11'],
    ['centos_stream_9', 'CentOS Stream 9'],
    ['rockylinux_9', 'Rocky Linux 9'],
    ['rockylinux_8', 'Rocky Linux 8'],
    ['almalinux_9', 'AlmaLinux 9'],
    ['almalinux_8', 'AlmaLinux 8'],
    ['anolisos_8', 'Anolis OS 8'],
    ['opensuse_15', 'openSUSE 15'],
    ['suse_15', 'SUSE Linux Enterprise Server 15'],
    ['fedora_40', 'Fedora 40'],
    ['freebsd_14', 'FreeBSD 14'],
  ];
  const dates = ['20250601', '20250901', '20251201', '20260301'];
  for (const [id, name] of linux) {
    for (const [arch, tag] of [
      ['x86_64', 'x64'],
      ['arm64', 'arm64'],
    ] as const) {
      for (const date of dates) {
        const imageId = `${id}_${tag}_20G_alibase_${date}.vhd`;
        if (state.images.some((im) => im.imageId === imageId)) {
          continue;
        }
        state.images.push({
          imageId,
          imageName: `${name} 64 bit${arch === 'arm64' ? ' ARM' : ''} (${date})`,
          osName: `${name} 64 bit`,
          osType: 'linux',
          architecture: arch,
          size: 20,
          ownerAlias: 'system',
          // The oldest builds predate hardened-only metadata support.
          ...(date === dates[0] ? { hardenedMetadata: false } : {}),
        });
      }
    }
  }
  for (const version of ['2022', '2019', '2016']) {
    for (const lang of ['en-us', 'zh-cn']) {
      for (const date of dates) {
        state.images.push({
          imageId: `win${version}dc_x64_dtc_${lang}_40G_alibase_${date}.vhd`,
          imageName: `Windows Server ${version} Datacenter ${lang} (${date})`,
          osName: `Windows Server ${version} Datacenter 64bit ${lang === 'en-us' ? 'English' : 'Chinese'}`,
          osType: 'windows',
          architecture: 'x86_64',
          size: 40,
          ownerAlias: 'system',
        });
      }
    }
  }

  const vpc = state.vpcs[0];
  const region = state.regions.find((r) => r.regionId === vpc.regionId)!;
  for (let n = 3; n <= 62; n++) {
    const zoneId = region.zones[n % region.zones.length];
    state.vswitches.push({
      vSwitchId: `vsw-bp1sandbox${String(n).padStart(6, '0')}${zoneId.slice(-1)}`,
      vpcId: vpc.vpcId,
      zoneId,
      regionId: vpc.regionId,
      cidrBlock: `172.16.${n}.0/24`,
      vSwitchName: `team-${String(n).padStart(2, '0')}-${zoneId.slice(-1)}`,
      isDefault: false,
    });
  }
  for (let n = 2; n <= 120; n++) {
    state.securityGroups.push({
      securityGroupId: `sg-bp1sandbox${String(n).padStart(8, '0')}`,
      securityGroupName: `team-${String(n).padStart(2, '0')}`,
      vpcId: vpc.vpcId,
      regionId: vpc.regionId,
      description: n % 2 ? 'Web tier' : 'Batch workers',
    });
  }
}
