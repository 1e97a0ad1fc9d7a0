/**
 * The sandbox's realistic ECS behaviours, each switched on alone, through the real ECS SDK: the
 * instance lifecycle (Pending → Starting → Running, Stopping → Stopped, the public IP on Running,
 * IncorrectInstanceStatus and .Initializing), catalogues of a real region's size with each API's
 * page sizes and NextToken, throttling in the gateway's shapes, and the RPC timestamp check
 * against a skewed sandbox clock. Transitions are crossed with advanceClock(), never by sleeping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Ram, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server';
import { rejectsWith } from '../../helpers/assertions';

const REGION = 'cn-hangzhou';

function sandboxWith(options: SandboxOptions) {
  const t = {} as { sandbox: Sandbox; ecs: Ecs; ram: Ram };
  before(async () => {
    t.sandbox = await startSandbox({ instant: true, ...options });
    const config = new $OpenApiUtil.Config({
      accessKeyId: DEMO.accessKeyId,
      accessKeySecret: DEMO.accessKeySecret,
      endpoint: t.sandbox.info.endpoint,
      protocol: 'http',
      regionId: REGION,
      readTimeout: 10000,
      connectTimeout: 5000,
    });
    t.ecs = new Ecs(config);
    t.ram = new Ram(config);
  });
  after(async () => {
    await t.sandbox.close();
  });
  return t;
}

describe('instance lifecycle: transitions take time', () => {
  const STEP = 60_000;
  const t = sandboxWith({ realism: { lifecycle: { pendingMs: STEP, startingMs: STEP, stoppingMs: STEP } } });
  const one = async (id: string) =>
    (
      await t.ecs.describeInstances(
        new $Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([id]) }),
      )
    ).body!.instances!.instance![0];
  const start = (instanceId: string) => t.ecs.startInstance(new $Ecs.StartInstanceRequest({ instanceId }));
  const stop = (instanceId: string) => t.ecs.stopInstance(new $Ecs.StopInstanceRequest({ instanceId }));
  const imdsStatus = async (id: string) => {
    try {
      return (await fetch(`${t.sandbox.info.imdsUrl(id)}/latest/meta-data/instance-id`)).status;
    } catch {
      return 'no answer';
    }
  };

  it('RunInstances: Pending → Starting → Running, the public IP and IMDS only once Running', async () => {
    const id = (
      await t.ecs.runInstances(
        new $Ecs.RunInstancesRequest({
          regionId: REGION,
          imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
          instanceType: 'ecs.g7.large',
          vSwitchId: 'vsw-bp1sandbox000001h',
          securityGroupId: 'sg-bp1sandbox00000001',
          internetMaxBandwidthOut: 5,
        }),
      )
    ).body!.instanceIdSets!.instanceIdSet![0];
    let i = await one(id);
    assert.equal(i.status, 'Pending');
    assert.deepEqual(i.publicIpAddress?.ipAddress, []);
    assert.equal(await imdsStatus(id), 'no answer');
    await rejectsWith(stop(id), 'IncorrectInstanceStatus.Initializing', 403);
    await rejectsWith(start(id), 'IncorrectInstanceStatus.Initializing', 403);
    await rejectsWith(
      t.ecs.allocatePublicIpAddress(new $Ecs.AllocatePublicIpAddressRequest({ instanceId: id })),
      'IncorrectInstanceStatus.Initializing',
      403,
    );

    t.sandbox.advanceClock(STEP);
    i = await one(id);
    assert.equal(i.status, 'Starting');
    assert.deepEqual(i.publicIpAddress?.ipAddress, []);
    await rejectsWith(stop(id), 'IncorrectInstanceStatus', 403);
    const starting = await t.ecs.describeInstances(
      new $Ecs.DescribeInstancesRequest({ regionId: REGION, status: 'Starting' }),
    );
    assert.ok(starting.body!.instances!.instance!.some((x) => x.instanceId === id));

    t.sandbox.advanceClock(STEP);
    i = await one(id);
    assert.equal(i.status, 'Running');
    assert.match(i.publicIpAddress?.ipAddress?.[0] ?? '', /^47\.\d+\.\d+\.\d+$/);
    assert.equal(await imdsStatus(id), 200);
  });

  it('StopInstance: Running → Stopping → Stopped; StartInstance: Stopped → Starting → Running', async () => {
    const id = DEMO.vpcInstanceId;
    await stop(id);
    assert.equal((await one(id)).status, 'Stopping');
    await rejectsWith(start(id), 'IncorrectInstanceStatus', 403);
    t.sandbox.advanceClock(STEP);
    assert.equal((await one(id)).status, 'Stopped');
    await start(id);
    assert.equal((await one(id)).status, 'Starting');
    t.sandbox.advanceClock(STEP);
    assert.equal((await one(id)).status, 'Running');
  });

  it('CreateInstance: Pending, then Stopped', async () => {
    const id = (
      await t.ecs.createInstance(
        new $Ecs.CreateInstanceRequest({
          regionId: REGION,
          imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
          instanceType: 'ecs.g7.large',
          vSwitchId: 'vsw-bp1sandbox000001h',
          securityGroupId: 'sg-bp1sandbox00000001',
        }),
      )
    ).body!.instanceId!;
    assert.equal((await one(id)).status, 'Pending');
    t.sandbox.advanceClock(STEP);
    assert.equal((await one(id)).status, 'Stopped');
  });
});

describe("catalogues of a real size, with each API's page sizes", () => {
  const t = sandboxWith({ realism: { largeCatalogues: true } });

  it('DescribeInstanceTypes: 100 without NextToken, hundreds when paged with NextToken', async () => {
    const first = (await t.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({}))).body!;
    assert.equal(first.instanceTypes!.instanceType!.length, 100);
    assert.ok(first.nextToken);
    const all = [...first.instanceTypes!.instanceType!];
    for (let token: string | undefined = first.nextToken; token;) {
      const page: $Ecs.DescribeInstanceTypesResponseBody = (
        await t.ecs.describeInstanceTypes(new $Ecs.DescribeInstanceTypesRequest({ nextToken: token, maxResults: 100 }))
      ).body!;
      all.push(...page.instanceTypes!.instanceType!);
      token = page.nextToken;
    }
    assert.ok(all.length >= 300, `${all.length} instance types`);
    assert.equal(new Set(all.map((x) => x.instanceTypeId)).size, all.length);
    assert.ok(all.some((x) => x.instanceTypeId === 'ecs.g7.large'));
  });

  it('DescribeImages pages by 10 (at most 100); DescribeVSwitches and DescribeSecurityGroups by 10 (at most 50)', async () => {
    const images = (await t.ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: REGION }))).body!;
    assert.equal(images.images!.image!.length, 10);
    assert.ok(images.totalCount! > 150, `${images.totalCount} images`);
    assert.equal(
      (await t.ecs.describeImages(new $Ecs.DescribeImagesRequest({ regionId: REGION, pageSize: 500 }))).body!.images!
        .image!.length,
      100,
    );
    const vsw = (await t.ecs.describeVSwitches(new $Ecs.DescribeVSwitchesRequest({ regionId: REGION }))).body!;
    assert.equal(vsw.vSwitches!.vSwitch!.length, 10);
    assert.ok(vsw.totalCount! > 50, `${vsw.totalCount} vSwitches`);
    assert.equal(
      (await t.ecs.describeVSwitches(new $Ecs.DescribeVSwitchesRequest({ regionId: REGION, pageSize: 100 }))).body!
        .pageSize,
      50,
    );
    const sgs = (
      await t.ecs.describeSecurityGroups(new $Ecs.DescribeSecurityGroupsRequest({ regionId: REGION, maxResults: 10 }))
    ).body!;
    assert.equal(sgs.securityGroups!.securityGroup!.length, 10);
    assert.ok(sgs.nextToken);
    assert.ok(sgs.totalCount! > 100, `${sgs.totalCount} security groups`);
    const regions = (await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}))).body!.regions!.region!;
    assert.ok(regions.length > 20 && regions[0].regionId === 'cn-hangzhou', `${regions.length} regions`);
  });
});

describe("throttling in the gateway's shapes", () => {
  const t = sandboxWith({});

  it('answers the chosen code with its status: Throttling.User, Throttling.Api, ServiceUnavailable', async () => {
    const call = () => t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    t.sandbox.faults.add({ service: 'ecs', action: 'DescribeRegions', kind: 'throttle', count: 1 });
    const e = await rejectsWith(call(), 'Throttling.User', 400);
    assert.match(String(e.message), /user flow control/);
    t.sandbox.faults.add({ service: 'ecs', kind: 'throttle', code: 'Throttling.Api', count: 1 });
    await rejectsWith(call(), 'Throttling.Api', 400);
    t.sandbox.faults.add({ service: 'ecs', kind: 'throttle', code: 'ServiceUnavailable', count: 1 });
    await rejectsWith(call(), 'ServiceUnavailable', 503);
    await call();
  });

  it('perSecond: a rate limit lets the first calls of each second through and throttles the rest', async () => {
    t.sandbox.faults.add({ service: 'ram', action: 'ListRoles', kind: 'throttle', perSecond: 2 });
    try {
      const outcomes: string[] = [];
      for (let n = 0; n < 5; n++) {
        outcomes.push(
          await t.ram.listRoles(new $Ram.ListRolesRequest({})).then(
            () => 'ok',
            (e: { code?: string }) => String(e.code),
          ),
        );
      }
      assert.deepEqual(outcomes.slice(0, 2), ['ok', 'ok']);
      assert.ok(
        outcomes.slice(2).every((o) => o === 'Throttling.User'),
        outcomes.join(),
      );
    } finally {
      t.sandbox.faults.clear();
    }
  });
});

describe('RPC timestamp against a skewed sandbox clock', () => {
  const t = sandboxWith({ clockSkewMs: 20 * 60_000 });

  it('refuses requests 20 minutes behind it with InvalidTimeStamp.Expired, and dates its answers with its own clock', async () => {
    const e = await rejectsWith(
      t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({})),
      'InvalidTimeStamp.Expired',
      400,
    );
    assert.ok(e);
    const date = (await fetch(`${t.sandbox.info.url}/__sandbox/info`)).headers.get('date')!;
    const skew = Date.parse(date) - Date.now();
    assert.ok(skew > 19 * 60_000 && skew < 21 * 60_000, `Date header ${date} is ${skew} ms ahead`);
    t.sandbox.setClockSkew(5 * 60_000);
    await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
  });
});
