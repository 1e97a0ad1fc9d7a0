// The documented chain, end to end over real HTTP with the real SDKs, in one test:
// role → the seed's OSS read-only policy → attach → role on a VPC instance → IMDS (hardened)
// credentials → ali-oss lists 10 objects → PutObject is AccessDenied → a classic instance is
// refused → a sub-account without PassRole is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCloud } from '../../src/cloud';
import { CloudError } from '../../src/cloud/errors';
import { ImdsClient } from '../../src/cloud/imds';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { formatPolicy, ossReadOnlyPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

test('the seed scenario', async () => {
  const admin = t.cloud();
  const role = await admin.ram.createRole('EcsOssReaderSeed', formatPolicy(serviceTrustPolicy()), 'seed scenario');
  assert.match(role.arn, /:role\/EcsOssReaderSeed$/);

  await admin.ram.createPolicy('SeedOssReadOnly', formatPolicy(ossReadOnlyPolicy()), 'oss:Get*, oss:List*');
  await admin.ram.attachPolicyToRole('EcsOssReaderSeed', 'SeedOssReadOnly', 'Custom');
  assert.deepEqual(
    (await admin.ram.listPoliciesForRole('EcsOssReaderSeed')).map((p) => p.policyName),
    ['SeedOssReadOnly'],
  );

  const attached = await admin.ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, 'EcsOssReaderSeed');
  assert.equal(attached.success, true);

  // On the instance: hardened IMDS only (the instance requires tokens; no fallback allowed).
  const imds = new ImdsClient({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId), allowInsecureFallback: false });
  assert.equal(await imds.getRoleName(), 'EcsOssReaderSeed');
  const creds = await imds.getCredentials();
  assert.match(creds.accessKeyId, /^STS\./);
  assert.ok(creds.expiration.getTime() > Date.now());
  assert.equal(imds.usedInsecureFallback, false);

  // The instance's identity, as the extension builds it there: EcsRamRole through our IMDS client.
  const onInstance = createCloud({
    name: 'instance',
    regionId: 'cn-hangzhou',
    credentials: { mode: 'EcsRamRole' },
    endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId),
  });
  try {
    const page = await onInstance.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { maxKeys: 10, delimiter: '' });
    assert.equal(page.items.length, 10);
    assert.ok(page.next, 'more than 10 objects exist');
    await assert.rejects(
      onInstance.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'from-instance.txt', Buffer.from('x')),
      (e: CloudError) => {
        assert.equal(e.code, 'AccessDenied');
        assert.equal(e.action, 'oss:PutObject');
        assert.equal(e.resource, `acs:oss:*:*:${DEMO.bucket}/from-instance.txt`);
        return true;
      },
    );
  } finally {
    onInstance.dispose();
  }

  await assert.rejects(
    admin.ecs.attachRole('cn-hangzhou', DEMO.classicInstanceId, 'EcsOssReaderSeed'),
    (e: CloudError) => e.code === 'InvalidNetworkType.MismatchRamRole',
  );
  const sub = t.cloud(t.subAccount);
  await assert.rejects(
    sub.ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId2, 'EcsOssReaderSeed'),
    (e: CloudError) => e.code === 'InvalidUser.PassRoleForbidden',
  );
});
