/**
 * Sandbox ECS (2014-05-26) through the real @alicloud/ecs20140526 SDK over loopback HTTP:
 * lookups, DescribeInstances filters and both paging styles, the instance lifecycle, instance RAM
 * roles with their refusals (classic network, not an ECS role, no PassRole), and authorization.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Ram, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { formatPolicy, passRolePolicy, roleArn, serviceTrustPolicy } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { instanceEntry } from '../../../src/sandbox/rpc/ecs';
import { instanceSession } from '../../../src/sandbox/rpc/sessions';
import { rejectsWith } from '../../helpers/assertions';

const REGION = 'cn-hangzhou';
const VSWITCH = 'vsw-bp1sandbox000001h';
const VPC = 'vpc-bp1sandbox0000001';
const SG = 'sg-bp1sandbox00000001';
const IMAGE = 'aliyun_3_x64_20G_alibase_20260101.vhd';

let sandbox: Sandbox;
let ecs: Ecs;
let ram: Ram;
before(async () => {
  sandbox = await startSandbox({ instant: true });
  ecs = ecsClient(DEMO.accessKeyId, DEMO.accessKeySecret);
  ram = new Ram(config(DEMO.accessKeyId, DEMO.accessKeySecret));
});
after(async () => {
  await sandbox.close();
});

function config(accessKeyId: string, accessKeySecret: string) {
  return new $OpenApiUtil.Config({
    accessKeyId,
    accessKeySecret,
    endpoint: sandbox.info.endpoint,
    protocol: 'http',
    regionId: REGION,
    readTimeout: 10000,
    connectTimeout: 5000,
  });
}
const ecsClient = (id: string, secret: string) => new Ecs(config(id, secret));

const ids = (...list: string[]) => JSON.stringify(list);
const describe1 = async (id: string) =>
  (await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: ids(id) }))).body!
    .instances!.instance![0];
const run = (extra: Partial<$Ecs.RunInstancesRequest> = {}) =>
  ecs.runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: REGION,
      imageId: IMAGE,
      instanceType: 'ecs.g7.large',
      vSwitchId: VSWITCH,
      securityGroupId: SG,
      ...extra,
    }),
  );
const attach = (client: Ecs, ramRoleName: string, ...instances: string[]) =>
  client.attachInstanceRamRole(
    new $Ecs.AttachInstanceRamRoleRequest({ regionId: REGION, ramRoleName, instanceIds: ids(...instances) }),
  );
const detach = (instances: string[], ramRoleName?: string) =>
  ecs.detachInstanceRamRole(
    new $Ecs.DetachInstanceRamRoleRequest({ regionId: REGION, ramRoleName, instanceIds: ids(...instances) }),
  );
const roleOf = async (id: string) =>
  (
    await ecs.describeInstanceRamRole(
      new $Ecs.DescribeInstanceRamRoleRequest({ regionId: REGION, instanceIds: ids(id) }),
    )
  ).body!.instanceRamRoleSets!.instanceRamRoleSet!;

describe('ECS lookups', () => {
  it('describes regions (zh-CN and en-US) and zones', async () => {
    const zh = (await ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}))).body!.regions!.region!;
    assert.deepEqual(
      zh.map((r) => [r.regionId, r.regionEndpoint, r.status]),
      [
        ['cn-hangzhou', 'ecs.cn-hangzhou.aliyuncs.com', 'available'],
        ['cn-shanghai', 'ecs.cn-shanghai.aliyuncs.com', 'available'],
      ],
    );
    assert.equal(zh[0].localName, '华东1（杭州）');
    const en = (await ecs.describeRegions(new $Ecs.DescribeRegionsRequest({ acceptLanguage: 'en-US' }))).body!.regions!
      .region!;
    assert.equal(en[0].localName, 'China (Hangzhou)');
    const zones = (await ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: REGION }))).body!.zones!.zone!;
    assert.deepEqual(
      zones.map((z) => z.zoneId),
      ['cn-hangzhou-h', 'cn-hangzhou-i'],
    );
    assert.ok(zones[0].availableInstanceTypes?.instanceTypes?.includes('ecs.g7.large'));
    await rejectsWith(
      ecs.describeZones(new $Ecs.DescribeZonesRequest({ regionId: 'mars-1' })),
      'InvalidRegionId.NotFound',
      404,
    );
  });

  it('describes VPCs, vSwitches, security groups, images and instance types', async () => {
    const vpcs = (await ecs.describeVpcs(new $Ecs.DescribeVpcsRequest({ regionId: REGION }))).body!;
    assert.deepEqual(
      vpcs.vpcs?.vpc?.map((v) => [v.vpcId, v.isDefault, v.status]),
      [[VPC, true, 'Available']],
    );
    assert.deepEqual(vpcs.vpcs?.vpc?.[0].vSwitchIds?.vSwitchId, ['vsw-bp1sandbox000001h', 'vsw-bp1sandbox000001i']);
    assert.equal(vpcs.totalCount, 1);
    const vsw = (
      await ecs.describeVSwitches(
        new $Ecs.DescribeVSwitchesRequest({ regionId: REGION, vpcId: VPC, zoneId: 'cn-hangzhou-i' }),
      )
    ).body!;
    assert.deepEqual(
      vsw.vSwitches?.vSwitch?.map((s) => [s.vSwitchId, s.cidrBlock, s.zoneId]),
      [['vsw-bp1sandbox000001i', '172.16.2.0/24', 'cn-hangzhou-i']],
    );
    assert.ok((vsw.vSwitches?.vSwitch?.[0].availableIpAddressCount ?? 0) > 200);
    const sgs = (
      await ecs.describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, vpcId: VPC }))
    ).body!;
    assert.deepEqual(
      sgs.securityGroups?.securityGroup?.map((g) => [g.securityGroupId, g.vpcId]),
      [[SG, VPC]],
    );
    const images = (
      await ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: REGION, imageName: 'Ubuntu*' }))
    ).body!;
    assert.deepEqual(
      images.images?.image?.map((i) => [i.imageId, i.OSType, i.status]),
      [['ubuntu_22_04_x64_20G_alibase_20260101.vhd', 'linux', 'Available']],
    );
    const types = (
      await ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ instanceTypes: ['ecs.g7.large'] }))
    ).body!;
    assert.deepEqual(
      types.instanceTypes?.instanceType?.map((t) => [t.instanceTypeId, t.cpuCoreCount, t.memorySize]),
      [['ecs.g7.large', 2, 8]],
    );
  });
});

describe('DescribeInstances', () => {
  it('returns the seeded instances with VPC, classic and metadata fields', async () => {
    const vpc = await describe1(DEMO.vpcInstanceId);
    assert.deepEqual(
      [
        vpc.instanceNetworkType,
        vpc.vpcAttributes?.vpcId,
        vpc.vpcAttributes?.vSwitchId,
        vpc.vpcAttributes?.privateIpAddress?.ipAddress,
      ],
      ['vpc', VPC, VSWITCH, ['172.16.1.10']],
    );
    assert.deepEqual(
      [
        vpc.publicIpAddress?.ipAddress,
        vpc.status,
        vpc.metadataOptions?.httpTokens,
        vpc.securityGroupIds?.securityGroupId,
      ],
      [['47.96.0.10'], 'Running', 'required', [SG]],
    );
    assert.equal(vpc.networkInterfaces?.networkInterface?.[0].primaryIpAddress, '172.16.1.10');
    const classic = await describe1(DEMO.classicInstanceId);
    assert.deepEqual(
      [classic.instanceNetworkType, classic.innerIpAddress?.ipAddress, classic.vpcAttributes?.vpcId],
      ['classic', ['10.80.1.5'], ''],
    );
  });

  it('filters by InstanceIds (JSON), VpcId, Status, network type, name wildcard and zone', async () => {
    const find = async (req: Partial<$Ecs.DescribeInstancesRequest>) =>
      (
        (await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, pageSize: 100, ...req })))
          .body!.instances!.instance ?? []
      )
        .map((i) => i.instanceId)
        .sort();
    assert.deepEqual(await find({ instanceIds: ids(DEMO.vpcInstanceId, 'i-doesnotexist', DEMO.shanghaiInstanceId) }), [
      DEMO.vpcInstanceId,
    ]);
    assert.deepEqual(await find({ instanceIds: '[]' }), []);
    assert.deepEqual(
      await find({ vpcId: VPC, instanceName: 'demo-*' }),
      [DEMO.vpcInstanceId, DEMO.vpcInstanceId2].sort(),
    );
    assert.deepEqual(await find({ instanceNetworkType: 'classic' }), [DEMO.classicInstanceId]);
    assert.deepEqual(await find({ instanceName: '*worker*' }), [DEMO.vpcInstanceId2]);
    assert.deepEqual(await find({ zoneId: 'cn-hangzhou-i', status: 'Running' }), [DEMO.vpcInstanceId2]);
    assert.deepEqual(await find({ regionId: 'cn-shanghai', status: 'Stopped' }), [DEMO.shanghaiInstanceId]);
    await rejectsWith(find({ instanceIds: '["i-unterminated' }), 'InvalidInstanceIds.Malformed', 400);
    await rejectsWith(find({ status: 'Sleeping' }), 'InvalidStatus.NotFound', 404);
    await rejectsWith(find({ instanceNetworkType: 'hybrid' }), 'InvalidNetworkType.NotFound', 404);
  });

  it('pages with NextToken/MaxResults and with PageNumber/PageSize, each instance exactly once', async () => {
    await run({ amount: 25, instanceName: 'pager' });
    const expected = [...sandbox.state.instances.values()]
      .filter((i) => i.regionId === REGION)
      .map((i) => i.instanceId)
      .sort();
    assert.ok(expected.length >= 28);

    const byToken: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const body = (
        await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, maxResults: 10, nextToken }))
      ).body!;
      assert.equal(body.totalCount, expected.length);
      byToken.push(...body.instances!.instance!.map((i) => i.instanceId!));
      nextToken = body.nextToken || undefined;
      pages++;
    } while (nextToken);
    assert.equal(pages, Math.ceil(expected.length / 10));
    assert.deepEqual([...byToken].sort(), expected);

    const byPage: string[] = [];
    for (let page = 1; ; page++) {
      const body = (
        await ecs.describeInstances(
          new $Ecs.DescribeInstancesRequest({ regionId: REGION, pageNumber: page, pageSize: 7 }),
        )
      ).body!;
      assert.deepEqual([body.pageNumber, body.pageSize, body.totalCount], [page, 7, expected.length]);
      const got = body.instances!.instance!;
      byPage.push(...got.map((i) => i.instanceId!));
      if (got.length < 7) {
        break;
      }
    }
    assert.deepEqual(byPage, byToken);
    // MaxResults below 10 is raised to 10, as ECS documents.
    const small = (await ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, maxResults: 2 })))
      .body!;
    assert.equal(small.instances?.instance?.length, 10);
    await rejectsWith(
      ecs.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION, nextToken: '%%%' })),
      'InvalidParameter.NextToken',
      400,
    );
  });

  it('keeps each entry as text until its instance, type or image changes, even in place', async () => {
    const i = sandbox.state.instances.get(DEMO.vpcInstanceId)!;
    const first = instanceEntry(sandbox.state, i);
    assert.equal(instanceEntry(sandbox.state, i), first, 'the same record is not serialised again');
    const name = i.instanceName;
    const image = sandbox.state.images.find((im) => im.imageId === i.imageId)!;
    try {
      // A change made in place, as handlers and lifecycle steps make them, shows in the next answer.
      i.instanceName = 'renamed-in-place';
      assert.notEqual(instanceEntry(sandbox.state, i), first);
      assert.equal((await describe1(DEMO.vpcInstanceId)).instanceName, 'renamed-in-place');
      i.instanceName = name;
      image.osType = image.osType === 'windows' ? 'linux' : 'windows';
      assert.equal((await describe1(DEMO.vpcInstanceId)).OSType, image.osType);
    } finally {
      i.instanceName = name;
      image.osType = image.osType === 'windows' ? 'linux' : 'windows';
    }
    assert.equal((await describe1(DEMO.vpcInstanceId)).instanceName, name);
  });
});

describe('instance lifecycle', () => {
  it('RunInstances starts instances with public IPs and the role; DryRun creates nothing', async () => {
    const before = sandbox.state.instances.size;
    await rejectsWith(run({ dryRun: true }), 'DryRunOperation', 400);
    assert.equal(sandbox.state.instances.size, before);
    const r = await run({
      amount: 2,
      internetMaxBandwidthOut: 5,
      ramRoleName: DEMO.seededRole,
      instanceName: 'web-new',
      password: 'Sandbox#2026',
      httpTokens: 'required',
    });
    const created = r.body!.instanceIdSets!.instanceIdSet!;
    assert.equal(created.length, 2);
    for (const id of created) {
      assert.match(id, /^i-bp1[0-9a-z]{17}$/);
      const i = await describe1(id);
      assert.deepEqual(
        [i.status, i.instanceName, i.vpcAttributes?.vSwitchId, i.metadataOptions?.httpTokens],
        ['Running', 'web-new', VSWITCH, 'required'],
      );
      assert.equal(i.publicIpAddress?.ipAddress?.length, 1);
      assert.deepEqual(
        (await roleOf(id)).map((x) => x.ramRoleName),
        [DEMO.seededRole],
      );
    }
  });

  it('RunInstances refuses bad input with ECS codes', async () => {
    await rejectsWith(run({ ramRoleName: DEMO.notEcsRole }), 'InvalidRamRole.NotEcsRole', 401);
    await rejectsWith(run({ ramRoleName: 'NoSuchRole' }), 'InvalidRamRole.NotFound', 404);
    await rejectsWith(run({ vSwitchId: 'vsw-nope' }), 'InvalidVSwitchId.NotFound', 404);
    await rejectsWith(run({ imageId: 'no_such_image.vhd' }), 'InvalidImageId.NotFound', 404);
    await rejectsWith(run({ securityGroupId: 'sg-nope' }), 'InvalidSecurityGroupId.NotFound', 404);
    await rejectsWith(run({ password: 'short1A' }), 'InvalidPassword.Malformed', 400);
    await rejectsWith(run({ password: 'alllowercase1' }), 'InvalidPassword.Malformed', 400);
    await rejectsWith(run({ instanceName: '1-starts-with-digit' }), 'InvalidInstanceName.Malformed', 400);
    await rejectsWith(run({ amount: 101 }), 'InvalidParameter', 400);
  });

  it('CreateInstance leaves it Stopped without a public IP; Start/Stop/AllocatePublicIpAddress/Modify', async () => {
    const id = (
      await ecs.createInstance(
        new $Ecs.CreateInstanceRequest({
          regionId: REGION,
          imageId: IMAGE,
          instanceType: 'ecs.t6-c1m1.large',
          vSwitchId: VSWITCH,
          securityGroupId: SG,
          internetMaxBandwidthOut: 1,
        }),
      )
    ).body!.instanceId!;
    let i = await describe1(id);
    assert.deepEqual([i.status, i.publicIpAddress?.ipAddress, i.instanceName], ['Stopped', [], id]);

    await rejectsWith(
      ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: id })),
      'IncorrectInstanceStatus',
      403,
    );
    await rejectsWith(
      ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: id, dryRun: true })),
      'DryRunOperation',
      400,
    );
    await ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: id }));
    await rejectsWith(
      ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: id })),
      'IncorrectInstanceStatus',
      403,
    );
    assert.equal((await describe1(id)).status, 'Running');

    const ip = (await ecs.allocatePublicIpAddress(new $Ecs.AllocatePublicIpAddressRequest({ instanceId: id }))).body!
      .ipAddress!;
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(
      (await ecs.allocatePublicIpAddress(new $Ecs.AllocatePublicIpAddressRequest({ instanceId: id }))).body?.ipAddress,
      ip,
    );

    await ecs.modifyInstanceAttribute(
      new $Ecs.ModifyInstanceAttributeRequest({
        instanceId: id,
        password: 'Str0ng(Pass)',
        instanceName: 'renamed',
        description: 'from the test',
      }),
    );
    await rejectsWith(
      ecs.modifyInstanceAttribute(new $Ecs.ModifyInstanceAttributeRequest({ instanceId: id, password: 'password' })),
      'InvalidPassword.Malformed',
      400,
    );
    await ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId: id }));
    i = await describe1(id);
    assert.deepEqual(
      [i.status, i.instanceName, i.description, i.publicIpAddress?.ipAddress],
      ['Stopped', 'renamed', 'from the test', [ip]],
    );

    await rejectsWith(
      ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId: 'i-bp1doesnotexist0000' })),
      'InvalidInstanceId.NotFound',
      404,
    );
    await rejectsWith(
      ecs.modifyInstanceAttribute(
        new $Ecs.ModifyInstanceAttributeRequest({ instanceId: 'i-nope', instanceName: 'x1' }),
      ),
      'InvalidInstanceId.NotFound',
      404,
    );
  });
});

describe('instance RAM roles', () => {
  it('attaches a role to a VPC instance, reports it, and re-attaching the same role is a no-op', async () => {
    const r = (await attach(ecs, DEMO.seededRole, DEMO.vpcInstanceId)).body!;
    assert.deepEqual([r.ramRoleName, r.totalCount, r.failCount], [DEMO.seededRole, 1, 0]);
    assert.deepEqual(
      { ...r.attachInstanceRamRoleResults?.attachInstanceRamRoleResult?.[0] },
      { instanceId: DEMO.vpcInstanceId, success: true, code: '200', message: 'success' },
    );
    assert.deepEqual(
      (await roleOf(DEMO.vpcInstanceId)).map((x) => [x.instanceId, x.ramRoleName]),
      [[DEMO.vpcInstanceId, DEMO.seededRole]],
    );
    assert.equal((await attach(ecs, DEMO.seededRole.toLowerCase(), DEMO.vpcInstanceId)).body?.failCount, 0);
    const byRole = (
      await ecs.describeInstanceRamRole(
        new $Ecs.DescribeInstanceRamRoleRequest({ regionId: REGION, ramRoleName: DEMO.seededRole }),
      )
    ).body!;
    assert.deepEqual(
      byRole.instanceRamRoleSets?.instanceRamRoleSet
        ?.map((x) => x.instanceId)
        .filter((x) => x?.startsWith('i-bp1sandbox'))
        .sort(),
      [DEMO.vpcInstanceId, DEMO.vpcInstanceId2],
    );
  });

  it('refuses a classic-network instance: InvalidNetworkType.MismatchRamRole (403)', async () => {
    await rejectsWith(attach(ecs, DEMO.seededRole, DEMO.classicInstanceId), 'InvalidNetworkType.MismatchRamRole', 403);
    await rejectsWith(roleOf(DEMO.classicInstanceId), 'InvalidNetworkType.MismatchRamRole', 403);
  });

  it('refuses a role ECS may not assume: InvalidRamRole.NotEcsRole, and a missing role: InvalidRamRole.NotFound', async () => {
    await rejectsWith(attach(ecs, DEMO.notEcsRole, DEMO.vpcInstanceId2), 'InvalidRamRole.NotEcsRole', 404);
    await rejectsWith(attach(ecs, 'NoSuchRole', DEMO.vpcInstanceId2), 'InvalidRamRole.NotFound', 404);
  });

  it(`refuses a second role on an instance: ${'InvalidInstance.RamRoleAttached'} (403)`, async () => {
    await rejectsWith(attach(ecs, 'DemoEcsLogShipper', DEMO.vpcInstanceId2), 'InvalidInstance.RamRoleAttached', 403);
    assert.deepEqual(
      (await roleOf(DEMO.vpcInstanceId2)).map((x) => x.ramRoleName),
      [DEMO.seededRole],
    );
  });

  it('reports per-instance failures in a batch, and fails the call when every instance failed', async () => {
    const fresh = (await run({ amount: 1 })).body!.instanceIdSets!.instanceIdSet![0];
    const r = (await attach(ecs, 'DemoEcsLogShipper', fresh, 'i-bp1doesnotexist0000', DEMO.vpcInstanceId2)).body!;
    assert.deepEqual([r.totalCount, r.failCount], [3, 2]);
    assert.deepEqual(
      r.attachInstanceRamRoleResults?.attachInstanceRamRoleResult?.map((x) => [x.instanceId, x.success, x.code]),
      [
        [fresh, true, '200'],
        ['i-bp1doesnotexist0000', false, 'InvalidInstanceId.NotFound'],
        [DEMO.vpcInstanceId2, false, 'InvalidInstance.RamRoleAttached'],
      ],
    );
    await rejectsWith(attach(ecs, DEMO.seededRole, 'i-bp1doesnotexist0000'), 'InvalidInstanceId.NotFound', 404);
    await rejectsWith(attach(ecs, DEMO.seededRole, DEMO.shanghaiInstanceId), 'InvalidInstanceId.NotFound', 404);
    await rejectsWith(
      ecs.attachInstanceRamRole(
        new $Ecs.AttachInstanceRamRoleRequest({ regionId: REGION, ramRoleName: DEMO.seededRole, instanceIds: '[1,2' }),
      ),
      'InvalidInstanceIds.Malformed',
      400,
    );
    await rejectsWith(
      ecs.describeInstanceRamRole(new $Ecs.DescribeInstanceRamRoleRequest({ regionId: REGION })),
      'InvalidParameter.AllEmpty',
      403,
    );
  });

  it('detaches a role and revokes the instance credentials at once', async () => {
    const instance = sandbox.state.instances.get(DEMO.vpcInstanceId2)!;
    const session = instanceSession(sandbox.state, instance)!;
    assert.ok(sandbox.state.stsSessions.has(session.accessKeyId));
    const r = (await detach([DEMO.vpcInstanceId2], DEMO.seededRole)).body!;
    assert.deepEqual([r.totalCount, r.failCount, r.ramRoleName], [1, 0, DEMO.seededRole]);
    const result = r.detachInstanceRamRoleResults!.detachInstanceRamRoleResult![0];
    assert.deepEqual(
      [result.success, result.code, result.instanceRamRoleSets?.instanceRamRoleSet?.[0]?.ramRoleName],
      [true, '200', DEMO.seededRole],
    );
    assert.equal(sandbox.state.stsSessions.has(session.accessKeyId), false);
    assert.deepEqual(await roleOf(DEMO.vpcInstanceId2), []);
    await rejectsWith(detach([DEMO.vpcInstanceId2]), 'InvalidRamRole.NotFound', 404);
    await rejectsWith(detach([DEMO.vpcInstanceId2], 'NoSuchRole'), 'InvalidRamRole.NotFound', 404);
    // Put it back for the tests below.
    await attach(ecs, DEMO.seededRole, DEMO.vpcInstanceId2);
  });
});

describe('ECS authorization of RAM users', () => {
  const alice = () => ecsClient(DEMO.subAccessKeyId, DEMO.subAccessKeySecret);
  let nobody: Ecs;

  before(async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'no-grants' }));
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'no-grants' }))).body!
      .accessKey!;
    nobody = ecsClient(key.accessKeyId!, key.accessKeySecret!);
  });

  it('refuses a user without ECS permissions: Forbidden.RAM (403) with AccessDeniedDetail', async () => {
    const e = await rejectsWith(
      nobody.describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION })),
      'Forbidden.RAM',
      403,
    );
    const detail = e.accessDeniedDetail as Record<string, unknown>;
    assert.deepEqual(
      [detail.AuthAction, detail.NoPermissionType, detail.AuthPrincipalDisplayName],
      ['ecs:DescribeInstances', 'ImplicitDeny', 'no-grants'],
    );
    await rejectsWith(
      nobody.startInstance(new $Ecs.StartInstanceRequest({ instanceId: DEMO.shanghaiInstanceId })),
      'Forbidden.RAM',
      403,
    );
  });

  it('lets the sub-account (AliyunECSFullAccess) describe instances', async () => {
    const list = (await alice().describeInstances(new $Ecs.DescribeInstancesRequest({ regionId: REGION }))).body!;
    assert.ok((list.totalCount ?? 0) >= 4);
  });

  it('refuses the sub-account without ram:PassRole: InvalidUser.PassRoleForbidden (403)', async () => {
    const fresh = (await run({ amount: 1 })).body!.instanceIdSets!.instanceIdSet![0];
    await rejectsWith(attach(alice(), 'DemoEcsLogShipper', fresh), 'InvalidUser.PassRoleForbidden', 403);
    await rejectsWith(
      alice().runInstances(
        new $Ecs.RunInstancesRequest({
          regionId: REGION,
          imageId: IMAGE,
          instanceType: 'ecs.g7.large',
          vSwitchId: VSWITCH,
          securityGroupId: SG,
          ramRoleName: 'DemoEcsLogShipper',
        }),
      ),
      'InvalidUser.PassRoleForbidden',
      403,
    );
    assert.deepEqual(await roleOf(fresh), []);
  });

  it('lets the sub-account pass exactly the role its PassRole policy names', async () => {
    await ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Alice-Passable',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: 'Alice-PassRole',
        policyDocument: formatPolicy(passRolePolicy(roleArn(DEMO.accountId, 'Alice-Passable'))),
      }),
    );
    await ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({
        userName: DEMO.subUser,
        policyType: 'Custom',
        policyName: 'Alice-PassRole',
      }),
    );
    const fresh = (await run({ amount: 1 })).body!.instanceIdSets!.instanceIdSet![0];
    assert.equal((await attach(alice(), 'Alice-Passable', fresh)).body?.failCount, 0);
    assert.deepEqual(
      (await roleOf(fresh)).map((x) => x.ramRoleName),
      ['Alice-Passable'],
    );
    const other = (await run({ amount: 1 })).body!.instanceIdSets!.instanceIdSet![0];
    await rejectsWith(attach(alice(), 'DemoEcsLogShipper', other), 'InvalidUser.PassRoleForbidden', 403);
  });
});
