/**
 * Create Instance's key pair and price estimate over real HTTP: EcsApi lists a region's key pairs
 * across pages, RunInstances carries KeyPairName (and then no password) so Connect finds the key
 * pair on the instance, an unknown key pair is refused as ECS does, and DescribePrice answers in
 * the documented shape with the sandbox's refusals for what it cannot price.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { CloudError } from '../../src/cloud/errors';
import { SYSTEM_DISK_CATEGORY } from '../../src/cloud/ecs';
import { DEMO } from '../../src/sandbox/seed/demo';
import { ConnectivityApi } from '../../src/cloud/connectivity';
import { createInstance, validateRequest } from '../../src/setup/instanceRole';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';
const SPEC = {
  regionId: HZ,
  zoneId: 'cn-hangzhou-h',
  imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
  instanceType: 'ecs.g7.large',
  vSwitchId: 'vsw-bp1sandbox000001h',
  securityGroupId: 'sg-bp1sandbox00000001',
  instanceName: 'keypair-1',
};
const rejects = (p: Promise<unknown>, code: string, status?: number) =>
  assert.rejects(p, (e: CloudError) => e.code === code && (status === undefined || e.status === status));

describe('Create Instance: key pairs', () => {
  test('describeKeyPairs reads every page (50 a page) of the region only', async () => {
    const seeded = t.sandbox.state.instances.get(DEMO.vpcInstanceId)!;
    // Key pairs of the sandbox are those its instances carry: 60 more instances, 60 more key pairs.
    for (let n = 0; n < 60; n++) {
      const id = `i-bp1keypairpaging${String(n).padStart(3, '0')}`;
      t.sandbox.state.instances.set(id, { ...seeded, instanceId: id, keyPairName: `kp-${n}` });
    }
    try {
      const from = t.sandbox.requests.length;
      const pairs = await t.cloud().ecs.describeKeyPairs(HZ);
      assert.equal(pairs.length, 61);
      assert.ok(pairs.some((k) => k.keyPairName === DEMO.keyPairName && /^[0-9a-f]{32}$/.test(k.fingerprint)));
      assert.deepEqual(
        t.sandbox.requests.slice(from).map((r) => r.action),
        ['DescribeKeyPairs', 'DescribeKeyPairs'],
      );
      assert.deepEqual(await t.cloud().ecs.describeKeyPairs('cn-shanghai'), []);
    } finally {
      for (let n = 0; n < 60; n++) {
        t.sandbox.state.instances.delete(`i-bp1keypairpaging${String(n).padStart(3, '0')}`);
      }
    }
  });

  test('an instance created with a key pair and no password carries it, and Connect reads it', async () => {
    const cloud = t.cloud();
    const made = await createInstance(cloud, { ...SPEC, keyPairName: DEMO.keyPairName }, false);
    const run = t.sandbox.requests.filter((r) => r.action === 'RunInstances').at(-1)!;
    assert.equal(run.status, 200);
    const info = await new ConnectivityApi(cloud.session).describeInstance(HZ, made.instanceId);
    assert.equal(info.keyPairName, DEMO.keyPairName);
    assert.equal(t.sandbox.state.instances.get(made.instanceId)?.passwordSet, false);
    await cloud.ecs.deleteInstance(HZ, made.instanceId, true);
  });

  test('neither password nor key pair is refused before any call; an unknown key pair by ECS', async () => {
    const cloud = t.cloud();
    const from = t.sandbox.requests.length;
    await rejects(createInstance(cloud, SPEC, false), 'InvalidInput');
    assert.equal(t.sandbox.requests.length, from, 'nothing sent');
    assert.match(
      validateRequest({
        roleName: 'R',
        policy: { kind: 'existing', policyName: 'AliyunOSSReadOnlyAccess', policyType: 'System' },
        instance: { kind: 'create', spec: SPEC },
      } as never) ?? '',
      /password or an SSH key pair/,
    );
    await rejects(
      createInstance(cloud, { ...SPEC, keyPairName: 'no-such-key' }, false),
      'InvalidKeyPairName.NotFound',
      404,
    );
    // Key pairs are regional: Hangzhou's is unknown in Shanghai.
    await rejects(
      createInstance(
        cloud,
        {
          ...SPEC,
          regionId: 'cn-shanghai',
          zoneId: 'cn-shanghai-e',
          imageId: 'ubuntu_22_04_x64_20G_alibase_20260101.vhd',
          vSwitchId: 'vsw-uf6sandbox000001e',
          securityGroupId: 'sg-uf6sandbox00000001',
          keyPairName: DEMO.keyPairName,
        },
        false,
      ),
      'InvalidKeyPairName.NotFound',
      404,
    );
  });
});

describe('Create Instance: DescribePrice', () => {
  test('EcsApi.describeInstancePrice: the pay-as-you-go hour of a type with the system disk RunInstances gets', async () => {
    const from = t.sandbox.requests.length;
    const p = await t.cloud().ecs.describeInstancePrice(HZ, { instanceType: 'ecs.g7.large', imageId: SPEC.imageId });
    assert.equal(p.currency, 'CNY');
    assert.equal(p.unit, 'Hour');
    assert.ok(p.tradePrice > 0 && p.tradePrice <= p.originalPrice);
    const sent = t.sandbox.requests.slice(from).find((r) => r.action === 'DescribePrice')!;
    assert.equal(sent.status, 200);
    const small = await t.cloud().ecs.describeInstancePrice(HZ, { instanceType: 'ecs.t6-c1m1.large' });
    assert.ok(small.tradePrice < p.tradePrice, 'a burstable 2 GiB type costs less than a 8 GiB g7');
    const month = await t.cloud().ecs.describeInstancePrice(HZ, { instanceType: 'ecs.g7.large', unit: 'Month' });
    assert.ok(month.tradePrice > p.tradePrice * 500 && month.discountPrice > 0);
    await rejects(
      t.cloud().ecs.describeInstancePrice(HZ, { instanceType: 'ecs.nonexistent.large' }),
      'InvalidInstanceType.ValueNotSupported',
      400,
    );
  });

  test('the answer has the documented shape; what the sandbox cannot price is refused', async () => {
    const { accessKeyId, accessKeySecret } = t.sandbox.info;
    const ecs = new Ecs(
      new $OpenApiUtil.Config({
        accessKeyId,
        accessKeySecret,
        endpoint: t.sandbox.info.endpoint,
        protocol: 'http',
        regionId: HZ,
      }),
    );
    const body = (
      await ecs.describePrice(
        new $Ecs.DescribePriceRequest({
          regionId: HZ,
          resourceType: 'instance',
          instanceType: 'ecs.c7.xlarge',
          priceUnit: 'Hour',
          systemDisk: new $Ecs.DescribePriceRequestSystemDisk({ category: SYSTEM_DISK_CATEGORY, size: 40 }),
        }),
      )
    ).body!;
    const price = body.priceInfo!.price!;
    assert.equal(price.currency, 'CNY');
    assert.equal(price.tradePrice, +(price.originalPrice! - price.discountPrice!).toFixed(3));
    assert.deepEqual(
      price.detailInfos!.detailInfo!.map((d) => d.resource),
      ['instanceType', 'systemDisk'],
    );
    assert.ok(Array.isArray(body.priceInfo!.rules!.rule));
    const refused = async (req: Partial<$Ecs.DescribePriceRequest>, code: string) =>
      assert.rejects(
        ecs.describePrice(new $Ecs.DescribePriceRequest({ regionId: HZ, instanceType: 'ecs.g7.large', ...req })),
        (e: { code?: string; statusCode?: number }) => e.code === code && e.statusCode === 400,
      );
    await refused({ instanceType: 'ecs.g1.nope' }, 'InvalidInstanceType.ValueNotSupported');
    await refused({ priceUnit: 'Fortnight' }, 'InvalidPriceUnit.ValueNotSupported');
    await refused(
      { systemDisk: new $Ecs.DescribePriceRequestSystemDisk({ category: 'floppy' }) },
      'InvalidSystemDiskCategory.ValueNotSupported',
    );
    await refused({ resourceType: 'ddh' }, 'InvalidResourceType.NotSupported');
  });
});
