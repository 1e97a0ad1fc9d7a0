// Start, Stop (StoppedMode), Reboot and Release over the real ECS SDK against a sandbox whose
// transitions take time, followed with followInstance; instance properties and security group rules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { followInstance, SETTLED_STATUSES } from '../../src/setup/instanceLifecycle';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const STEP = 150;
const t = useSandbox({ realism: { lifecycle: { pendingMs: STEP, startingMs: STEP, stoppingMs: STEP } } });
const HZ = 'cn-hangzhou';
const settled = (s: string | undefined) => s === undefined || SETTLED_STATUSES.includes(s);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudError, String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

describe('instance lifecycle', () => {
  test('stop with StopCharging passes through Stopping, loses the public IP; start brings a new one', async () => {
    const ecs = t.cloud().ecs;
    const before = await ecs.getInstance(HZ, DEMO.vpcInstanceId);
    assert.equal(before.status, 'Running');
    assert.equal(await code(ecs.startInstance(HZ, DEMO.vpcInstanceId)), 'IncorrectInstanceStatus');
    await ecs.stopInstance(HZ, DEMO.vpcInstanceId, 'StopCharging');
    const seen: Array<string | undefined> = [];
    const final = await followInstance(ecs, HZ, DEMO.vpcInstanceId, {
      until: settled,
      onStatus: (s) => seen.push(s),
      intervalMs: 50,
    });
    assert.equal(final, 'Stopped');
    assert.deepEqual(seen, ['Stopping', 'Stopped']);
    const fields = await ecs.describeInstanceFields(HZ, DEMO.vpcInstanceId);
    assert.equal(fields?.StoppedMode, 'StopCharging');
    assert.deepEqual((await ecs.getInstance(HZ, DEMO.vpcInstanceId)).publicIps, []);
    assert.equal(await code(ecs.rebootInstance(HZ, DEMO.vpcInstanceId)), 'IncorrectInstanceStatus');
    await ecs.startInstance(HZ, DEMO.vpcInstanceId);
    assert.equal(await followInstance(ecs, HZ, DEMO.vpcInstanceId, { until: settled, intervalMs: 50 }), 'Running');
    const after = await ecs.getInstance(HZ, DEMO.vpcInstanceId);
    assert.equal(after.publicIps.length, 1);
    assert.notEqual(after.publicIps[0], before.publicIps[0]);
  });

  test('KeepCharging keeps the public IP; reboot goes through Starting back to Running', async () => {
    const ecs = t.cloud().ecs;
    const ip = (await ecs.getInstance(HZ, DEMO.vpcInstanceId2)).publicIps;
    await ecs.rebootInstance(HZ, DEMO.vpcInstanceId2);
    assert.equal((await ecs.getInstance(HZ, DEMO.vpcInstanceId2)).status, 'Starting');
    assert.equal(await followInstance(ecs, HZ, DEMO.vpcInstanceId2, { until: settled, intervalMs: 50 }), 'Running');
    await ecs.stopInstance(HZ, DEMO.vpcInstanceId2, 'KeepCharging');
    assert.equal(await followInstance(ecs, HZ, DEMO.vpcInstanceId2, { until: settled, intervalMs: 50 }), 'Stopped');
    assert.deepEqual((await ecs.getInstance(HZ, DEMO.vpcInstanceId2)).publicIps, ip);
    await ecs.startInstance(HZ, DEMO.vpcInstanceId2);
    await followInstance(ecs, HZ, DEMO.vpcInstanceId2, { until: settled, intervalMs: 50 });
  });

  test('release: refused while running without Force, and during a transition; gone afterwards with its sessions', async () => {
    const ecs = t.cloud().ecs;
    const id = await ecs.runInstance({
      regionId: HZ,
      zoneId: 'cn-hangzhou-h',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
      instanceName: 'to-release',
      password: 'Aa1!aaaaaa',
    });
    assert.ok(id);
    assert.equal(await code(ecs.deleteInstance(HZ, id)), 'IncorrectInstanceStatus.Initializing');
    await followInstance(ecs, HZ, id, { until: (s) => s === 'Running', intervalMs: 50 });
    assert.equal(await code(ecs.deleteInstance(HZ, id)), 'IncorrectInstanceStatus');
    await ecs.stopInstance(HZ, id);
    assert.equal(await code(ecs.deleteInstance(HZ, id, true)), 'IncorrectInstanceStatus');
    await followInstance(ecs, HZ, id, { until: settled, intervalMs: 50 });
    await ecs.deleteInstance(HZ, id);
    assert.equal(await followInstance(ecs, HZ, id, { until: (s) => s === undefined, intervalMs: 50 }), undefined);
    assert.equal(await code(ecs.getInstance(HZ, id)), 'InvalidInstanceId.NotFound');
  });

  test('a running instance is released with Force', async () => {
    const ecs = t.cloud().ecs;
    const id = (await ecs.runInstance({
      regionId: HZ,
      zoneId: 'cn-hangzhou-h',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
      instanceName: 'forced',
      password: 'Aa1!aaaaaa',
    }))!;
    await followInstance(ecs, HZ, id, { until: (s) => s === 'Running', intervalMs: 50 });
    await ecs.deleteInstance(HZ, id, true);
    assert.equal(await code(ecs.getInstance(HZ, id)), 'InvalidInstanceId.NotFound');
  });

  test('properties: every DescribeInstances field under its API name, and inbound rules', async () => {
    const ecs = t.cloud().ecs;
    const f = await ecs.describeInstanceFields(HZ, DEMO.vpcInstanceId);
    assert.equal(f?.InstanceId, DEMO.vpcInstanceId);
    assert.deepEqual(Object.keys(f!.MetadataOptions as object).sort(), [
      'HttpEndpoint',
      'HttpPutResponseHopLimit',
      'HttpTokens',
    ]);
    assert.ok('VpcAttributes' in f! && 'SecurityGroupIds' in f!);
    const { name, rules } = await ecs.describeSecurityGroupRules(HZ, 'sg-bp1sandbox00000001');
    assert.equal(name, 'demo-default');
    assert.deepEqual(
      rules.filter((r) => r.PortRange === '22/22').map((r) => [r.Direction, r.IpProtocol, r.PortRange, r.SourceCidrIp]),
      [['ingress', 'TCP', '22/22', '0.0.0.0/0']],
    );
    assert.equal(await code(ecs.describeSecurityGroupRules(HZ, 'sg-nope')), 'InvalidSecurityGroupId.NotFound');
    assert.equal(await ecs.describeInstanceFields(HZ, 'i-nope'), undefined);
  });
});
