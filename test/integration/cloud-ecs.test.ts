// EcsApi over real HTTP to the sandbox with the real ECS SDK: listing, roles on instances, creation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkInstancePassword } from '../../src/cloud/ecs';
import { CloudError } from '../../src/cloud/errors';
import { createCloud } from '../../src/cloud';
import { collectAll } from '../../src/cloud/paging';
import { formatPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

describe('ECS', () => {
  test('regions, zones and the seeded instances with network type and IPs', async () => {
    const ecs = t.cloud().ecs;
    assert.deepEqual((await ecs.describeRegions()).map((r) => r.regionId).sort(), ['cn-hangzhou', 'cn-shanghai']);
    assert.ok((await ecs.describeZones('cn-hangzhou')).some((z) => z.zoneId === 'cn-hangzhou-h'));
    const all = await collectAll((tok) => ecs.listInstances('cn-hangzhou', tok, 10));
    const vpc = all.find((i) => i.instanceId === DEMO.vpcInstanceId)!;
    assert.equal(vpc.networkType, 'vpc');
    assert.ok(vpc.vpcId && vpc.privateIps.length && vpc.publicIps.length);
    assert.equal(all.find((i) => i.instanceId === DEMO.classicInstanceId)?.networkType, 'classic');
    const roles = await ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId, DEMO.vpcInstanceId2]);
    assert.equal(roles.get(DEMO.vpcInstanceId2), DEMO.seededRole);
    assert.equal(roles.has(DEMO.vpcInstanceId), false);
  });

  test('attach a role to a VPC instance, see it, detach it', async () => {
    const ecs = t.cloud().ecs;
    const r = await ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    assert.equal(r.success, true);
    assert.equal(
      (await ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).get(DEMO.vpcInstanceId),
      'DemoEcsLogShipper',
    );
    await ecs.detachRole('cn-hangzhou', DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    assert.equal((await ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).size, 0);
  });

  test('a role deleted in RAM can still be detached from the instance that holds it', async () => {
    const cloud = t.cloud();
    const role = `Deleted-${Date.now().toString(36)}`;
    await cloud.ram.createRole(role, formatPolicy(serviceTrustPolicy()));
    await cloud.ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, role);
    await cloud.ram.deleteRole(role);
    // ECS no longer accepts the name, so a named detach alone would strand the instance.
    const from = t.sandbox.requests.length;
    const r = await cloud.ecs.detachRole('cn-hangzhou', DEMO.vpcInstanceId, role);
    assert.equal(r.success, true);
    assert.deepEqual(
      t.sandbox.requests.slice(from).map((x) => `${x.action} ${x.status}`),
      ['DetachInstanceRamRole 404', 'DescribeInstanceRamRole 200', 'DetachInstanceRamRole 200'],
    );
    assert.equal((await cloud.ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).size, 0);
    // Another instance's role is never detached by the fallback.
    await assert.rejects(
      cloud.ecs.detachRole('cn-hangzhou', DEMO.vpcInstanceId2, role),
      (e: CloudError) => e.code === 'InvalidRamRole.NotFound',
    );
    assert.equal(
      (await cloud.ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId2])).get(DEMO.vpcInstanceId2),
      DEMO.seededRole,
    );
  });

  test('refusals carry the real codes: classic network, role not trusted by ECS, unknown role, unknown instance', async () => {
    const ecs = t.cloud().ecs;
    await assert.rejects(
      ecs.attachRole('cn-hangzhou', DEMO.classicInstanceId, DEMO.seededRole),
      (e: CloudError) => e.code === 'InvalidNetworkType.MismatchRamRole' && /VPC/.test(e.explanation ?? ''),
    );
    await assert.rejects(
      ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, DEMO.notEcsRole),
      (e: CloudError) => e.code === 'InvalidRamRole.NotEcsRole' && /ecs\.aliyuncs\.com/.test(e.fix ?? ''),
    );
    await assert.rejects(
      ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, 'NoSuchRole'),
      (e: CloudError) => e.code === 'InvalidRamRole.NotFound',
    );
    await assert.rejects(
      ecs.getInstance('cn-hangzhou', 'i-bp1doesnotexist0000'),
      (e: CloudError) => e.code === 'InvalidInstanceId.NotFound',
    );
  });

  test('a sub-account without ram:PassRole is refused with InvalidUser.PassRoleForbidden', async () => {
    const ecs = t.cloud(t.subAccount).ecs;
    await assert.rejects(
      ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, DEMO.seededRole),
      (e: CloudError) => e.code === 'InvalidUser.PassRoleForbidden' && /PassRole/.test(e.fix ?? ''),
    );
  });

  test('DescribeInstances pages with NextToken across several pages', async () => {
    const ecs = t.cloud().ecs;
    const base = {
      regionId: 'cn-hangzhou',
      zoneId: 'cn-hangzhou-h',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
      password: 'Sandbox#2026',
    };
    for (let i = 0; i < 22; i++) {
      await ecs.runInstance({ ...base, instanceName: `page-test-${i}` });
    }
    let pages = 0;
    const all = await collectAll(async (tok) => {
      pages++;
      return ecs.listInstances('cn-hangzhou', tok, 10);
    });
    assert.ok(pages >= 3, `${pages} pages`);
    assert.equal(new Set(all.map((i) => i.instanceId)).size, all.length, 'no instance twice');
    assert.equal(all.filter((i) => i.instanceName.startsWith('page-test-')).length, 22);
  });

  test('create an instance with a role: dry run first, then it runs with the role attached', async () => {
    const ecs = t.cloud().ecs;
    const spec = {
      regionId: 'cn-hangzhou',
      zoneId: 'cn-hangzhou-i',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.t6-c1m1.large',
      vSwitchId: 'vsw-bp1sandbox000001i',
      securityGroupId: 'sg-bp1sandbox00000001',
      instanceName: 'with-role',
      password: 'Sandbox#2026',
      ramRoleName: DEMO.seededRole,
    };
    await assert.rejects(ecs.runInstance(spec, true), (e: CloudError) => e.code === 'DryRunOperation');
    const id = await ecs.runInstance(spec);
    assert.match(id ?? '', /^i-/);
    const inst = await ecs.getInstance('cn-hangzhou', id!);
    assert.equal(inst.status, 'Running');
    assert.equal((await ecs.describeInstanceRoles('cn-hangzhou', [id!])).get(id!), DEMO.seededRole);
    assert.match(await ecs.allocatePublicIp('cn-hangzhou', id!), /^\d+\.\d+\.\d+\.\d+$/);
  });

  test('a passing dry run is logged as passed, not as failed', async () => {
    const lines: Array<[string, string]> = [];
    const cloud = createCloud(t.profile(), {
      info: (m) => lines.push(['info', m]),
      warn: (m) => lines.push(['warn', m]),
      error: (m) => lines.push(['error', m]),
    });
    try {
      const spec = {
        regionId: 'cn-hangzhou',
        zoneId: 'cn-hangzhou-i',
        imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
        instanceType: 'ecs.t6-c1m1.large',
        vSwitchId: 'vsw-bp1sandbox000001i',
        securityGroupId: 'sg-bp1sandbox00000001',
        instanceName: 'dry',
        password: 'Sandbox#2026',
      };
      await assert.rejects(cloud.ecs.runInstance(spec, true), (e: CloudError) => e.code === 'DryRunOperation');
      const run = lines.filter(([, m]) => m.startsWith('ecs.RunInstances'));
      assert.equal(run.length, 1, JSON.stringify(lines));
      assert.equal(run[0][0], 'info');
      assert.match(run[0][1], /dry run passed/);
      assert.doesNotMatch(run[0][1], /failed/);
    } finally {
      cloud.dispose();
    }
  });

  test('VPCs, vSwitches, security groups, images and instance types for the create-instance pickers', async () => {
    const ecs = t.cloud().ecs;
    const [vpc] = await ecs.describeVpcs('cn-hangzhou');
    assert.ok(vpc.vpcId);
    assert.ok(
      (await ecs.describeVSwitches('cn-hangzhou', vpc.vpcId, 'cn-hangzhou-h')).every(
        (v) => v.zoneId === 'cn-hangzhou-h',
      ),
    );
    assert.ok((await ecs.describeSecurityGroups('cn-hangzhou', vpc.vpcId)).length > 0);
    assert.ok((await ecs.describeImages('cn-hangzhou')).some((i) => i.osType === 'linux'));
    assert.ok((await ecs.describeInstanceTypes('cn-hangzhou')).some((x) => x.cpuCoreCount > 0));
  });

  test('password rules are checked locally', () => {
    assert.equal(checkInstancePassword('Sandbox#2026'), undefined);
    assert.match(checkInstancePassword('short1A')!, /8 to 30/);
    assert.match(checkInstancePassword('alllowercase1')!, /three/);
    assert.match(checkInstancePassword('Bad\u00e9Password1')!, /not allowed/);
  });
});
