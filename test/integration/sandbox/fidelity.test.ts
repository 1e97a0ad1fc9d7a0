/**
 * The sandbox as other Alibaba Cloud clients see it (issue: real, independent clients run against
 * it). Each case sends what that client sends: the Go SDK's x-oss-copy-source, ossutil's
 * x-oss-forbid-overwrite, the Go metadata client's `Ram/` path, the ECS SDK's DescribeKeyPairs and
 * DescribeInstanceAttribute, and reads what the documentation says comes back.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Ram, * as $Ram from '@alicloud/ram20150501';
import Sts, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type OSS from 'ali-oss';
import { formatPolicy, serviceTrustPolicy } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { rejectsWith } from '../../helpers/assertions';
import { useSandbox } from '../../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';

/** Go's url.QueryEscape: everything but A-Z a-z 0-9 - _ . ~ percent-encoded, a space as `+`. */
const goQueryEscape = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

type RawClient = {
  _objectRequestParams(method: string, name: string, options: object): Record<string, unknown>;
  request(
    params: Record<string, unknown>,
  ): Promise<{ res: { status: number; headers: Record<string, string> }; data?: unknown }>;
};
type OssError = Error & { code?: string; status?: number; ecCode?: string };

async function ossClient(bucket: string): Promise<OSS & RawClient> {
  return (await t.cloud().session.ossClient(HZ, bucket)) as OSS & RawClient;
}

/** A PUT to `key` with exactly these headers, signed by ali-oss's own signer. */
function rawPut(c: RawClient, key: string, headers: Record<string, string>, extra: Record<string, unknown> = {}) {
  return c.request({ ...c._objectRequestParams('PUT', key, { headers, ...extra }), successStatuses: [200] });
}

const ossFails = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    const x = e as OssError;
    return { code: x.code, status: x.status, ec: x.ecCode };
  }
  assert.fail('expected an error');
};

function rpcConfig(accessKeyId: string, accessKeySecret: string) {
  return new $OpenApiUtil.Config({
    accessKeyId,
    accessKeySecret,
    endpoint: t.sandbox.info.endpoint,
    protocol: 'http',
    regionId: HZ,
    readTimeout: 10000,
    connectTimeout: 5000,
  });
}
const root = () => rpcConfig(t.sandbox.info.accessKeyId, t.sandbox.info.accessKeySecret);

describe('OSS as the Go SDK, ossutil and terraform send it', () => {
  it('x-oss-copy-source built with url.QueryEscape (space as +) names the key with the space: CopyObject and UploadPartCopy', async () => {
    const c = await ossClient(DEMO.bucket);
    const key = 'go copy/a b+c (1).txt';
    await c.put(key, Buffer.from('copied by Go'));
    const source = `/${DEMO.bucket}/${goQueryEscape(key)}`;
    assert.equal(source, `/${DEMO.bucket}/go+copy%2Fa+b%2Bc+%281%29.txt`, 'the header exactly as the Go SDK builds it');

    await rawPut(c, 'go copy/copied.txt', { 'x-oss-copy-source': source });
    assert.equal((await c.get('go copy/copied.txt')).content.toString(), 'copied by Go');

    const up = await c.initMultipartUpload('go copy/part-copied.txt');
    const part = await c.request({
      ...c._objectRequestParams('PUT', 'go copy/part-copied.txt', {
        headers: { 'x-oss-copy-source': source },
        subres: { partNumber: 1, uploadId: up.uploadId },
      }),
      successStatuses: [200],
    });
    await c.completeMultipartUpload('go copy/part-copied.txt', up.uploadId, [
      { number: 1, etag: part.res.headers.etag },
    ]);
    assert.equal((await c.get('go copy/part-copied.txt')).content.toString(), 'copied by Go');

    // A literal `+` in the key reaches the header as %2B and stays a plus.
    await c.put('go copy/x+y.txt', Buffer.from('plus'));
    await rawPut(c, 'go copy/plus.txt', { 'x-oss-copy-source': `/${DEMO.bucket}/${goQueryEscape('go copy/x+y.txt')}` });
    assert.equal((await c.get('go copy/plus.txt')).content.toString(), 'plus');
  });

  it('x-oss-forbid-overwrite other than true/false is refused (EC 0017-00000279); true in a versioned bucket does not apply', async () => {
    const c = await ossClient(DEMO.bucket);
    await c.put('forbid/a.txt', Buffer.from('first'));
    for (const value of ['abc', 'TRUE', '1', '']) {
      const e = await ossFails(
        rawPut(c, 'forbid/a.txt', { 'x-oss-forbid-overwrite': value }, { content: Buffer.from('second') }),
      );
      assert.deepEqual(e, { code: 'InvalidArgument', status: 400, ec: '0017-00000279' }, JSON.stringify(value));
    }
    assert.equal((await c.get('forbid/a.txt')).content.toString(), 'first');
    assert.deepEqual(
      await ossFails(c.put('forbid/a.txt', Buffer.from('x'), { headers: { 'x-oss-forbid-overwrite': 'true' } })),
      { code: 'FileAlreadyExists', status: 409, ec: undefined },
    );
    await c.put('forbid/a.txt', Buffer.from('third'), { headers: { 'x-oss-forbid-overwrite': 'false' } });

    // "Enable versioning": the header does not take effect in a versioned bucket.
    const oss = t.cloud().oss;
    await oss.createBucket('fidelity-versioned', HZ);
    await oss.putBucketVersioning('fidelity-versioned', HZ, 'Enabled');
    const v = await ossClient('fidelity-versioned');
    await v.put('k.txt', Buffer.from('one'));
    await v.put('k.txt', Buffer.from('two'), { headers: { 'x-oss-forbid-overwrite': 'true' } });
    assert.equal((await v.get('k.txt')).content.toString(), 'two');
  });

  it("a delete marker's version: CopyObject is EC 0016-00000307, GetObject EC 0017-00000002", async () => {
    const oss = t.cloud().oss;
    await oss.createBucket('fidelity-markers', HZ);
    await oss.putBucketVersioning('fidelity-markers', HZ, 'Enabled');
    const c = await ossClient('fidelity-markers');
    await c.put('gone.txt', Buffer.from('data'));
    const marker = ((await c.delete('gone.txt')).res.headers as Record<string, string>)['x-oss-version-id'];
    assert.ok(marker);
    const copy = await ossFails(
      rawPut(c, 'copy.txt', { 'x-oss-copy-source': `/fidelity-markers/gone.txt?versionId=${marker}` }),
    );
    assert.deepEqual(copy, { code: 'InvalidRequest', status: 400, ec: '0016-00000307' });
    const get = await ossFails(
      (c as unknown as { get(n: string, f?: unknown, o?: object): Promise<unknown> }).get('gone.txt', undefined, {
        versionId: marker,
      }),
    );
    assert.deepEqual(get, { code: 'MethodNotAllowed', status: 405, ec: '0017-00000002' });
  });
});

describe('IMDS as the Go metadata client asks', () => {
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(`${t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2)}${path}`, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });

  it('…/meta-data/Ram/security-credentials/<role> answers as the documented ram/ does', async () => {
    for (const prefix of ['ram', 'Ram']) {
      const list = await get(`/latest/meta-data/${prefix}/security-credentials/`);
      assert.deepEqual([list.status, list.body], [200, DEMO.seededRole], prefix);
      const creds = await get(`/latest/meta-data/${prefix}/security-credentials/${DEMO.seededRole}`);
      assert.equal(creds.status, 200, prefix);
      assert.equal(JSON.parse(creds.body).Code, 'Success');
    }
    assert.equal((await get('/latest/meta-data/RAM/security-credentials/')).status, 404, 'no other casing');
  });
});

describe('ECS actions tools built on the SDKs call', () => {
  it('DescribeKeyPairs lists the key pair the seeded instances carry, in the documented shape', async () => {
    const ecs = new Ecs(root());
    const r = (await ecs.describeKeyPairs(new $Ecs.DescribeKeyPairsRequest({ regionId: HZ }))).body!;
    assert.equal(r.totalCount, 1);
    const k = r.keyPairs!.keyPair![0];
    assert.equal(k.keyPairName, DEMO.keyPairName);
    assert.match(k.keyPairFingerPrint ?? '', /^[0-9a-f]{32}$/);
    assert.match(k.creationTime ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(
      (await ecs.describeKeyPairs(new $Ecs.DescribeKeyPairsRequest({ regionId: HZ, keyPairName: 'demo-*' }))).body!
        .totalCount,
      1,
    );
    assert.equal(
      (await ecs.describeKeyPairs(new $Ecs.DescribeKeyPairsRequest({ regionId: HZ, keyPairName: 'other' }))).body!
        .totalCount,
      0,
    );
    assert.equal(
      (await ecs.describeKeyPairs(new $Ecs.DescribeKeyPairsRequest({ regionId: 'cn-shanghai' }))).body!.totalCount,
      0,
    );
  });

  it('DescribeInstanceAttribute answers one instance, flat; an unknown one is InvalidInstanceId.NotFound', async () => {
    const ecs = new Ecs(root());
    const a = (
      await ecs.describeInstanceAttribute(new $Ecs.DescribeInstanceAttributeRequest({ instanceId: DEMO.vpcInstanceId }))
    ).body!;
    assert.deepEqual(
      [a.instanceId, a.instanceName, a.regionId, a.status],
      [DEMO.vpcInstanceId, 'demo-web-1', HZ, 'Running'],
    );
    assert.deepEqual(a.vpcAttributes?.privateIpAddress?.ipAddress, ['172.16.1.10']);
    assert.deepEqual(a.publicIpAddress?.ipAddress, ['47.96.0.10']);
    assert.deepEqual(a.securityGroupIds?.securityGroupId, ['sg-bp1sandbox00000001']);
    assert.equal(typeof a.cpu, 'number');
    await rejectsWith(
      ecs.describeInstanceAttribute(new $Ecs.DescribeInstanceAttributeRequest({ instanceId: 'i-bp1doesnotexist0001' })),
      'InvalidInstanceId.NotFound',
      404,
    );
  });
});

describe('Cloud Assistant states as the references give them', () => {
  it('a one-time command that times out is InvokeRecordStatus Failed; one that ran (exit code nonzero or not) is Finished', async () => {
    const ecs = new Ecs(root());
    t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 60_000 } });
    try {
      const run = async (content: string) =>
        (
          await ecs.runCommand(
            new $Ecs.RunCommandRequest({
              regionId: HZ,
              instanceId: [DEMO.vpcInstanceId2],
              type: 'RunShellScript',
              commandContent: content,
              timeout: 10,
            }),
          )
        ).body!.invokeId!;
      const result = async (invokeId: string) =>
        (await ecs.describeInvocationResults(new $Ecs.DescribeInvocationResultsRequest({ regionId: HZ, invokeId })))
          .body!.invocation!.invocationResults!.invocationResult![0];
      const slow = await run('echo never finishes in time');
      t.sandbox.advanceClock(11_000);
      const timedOut = await result(slow);
      assert.deepEqual([timedOut.invocationStatus, timedOut.invokeRecordStatus], ['Timeout', 'Failed']);

      t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 0 } });
      const other = await result(await run('echo other script'));
      assert.deepEqual([other.invocationStatus, other.invokeRecordStatus], ['Failed', 'Finished']);
    } finally {
      t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 0 } });
    }
  });
});

describe("RAM and STS refusals in the references' words", () => {
  it('deleting the default policy version', async () => {
    const ram = new Ram(root());
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: 'FidelityDefault',
        policyDocument: JSON.stringify({
          Version: '1',
          Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }],
        }),
      }),
    );
    const e = await rejectsWith(
      ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName: 'FidelityDefault', versionId: 'v1' })),
      'DeleteConflict.Policy.Version.Default',
      409,
    );
    assert.match(String(e.message), /You cannot delete the default policy version\./);
  });

  it('AssumeRole tells a missing sts:AssumeRole permission from a trust policy that refuses', async () => {
    const ram = new Ram(root());
    const alice = t.sandbox.info.subAccount!;
    const sts = new Sts(rpcConfig(alice.accessKeyId, alice.accessKeySecret));
    const arn = (name: string) => `acs:ram::${DEMO.accountId}:role/${name}`;
    // Trusts the account (so alice), but alice has no sts:AssumeRole yet.
    await ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'FidelityAccountRole',
        assumeRolePolicyDocument: JSON.stringify({
          Version: '1',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } },
          ],
        }),
      }),
    );
    const noPermission = await rejectsWith(
      sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn: arn('FidelityAccountRole'), roleSessionName: 'fidelity' })),
      'NoPermission',
      403,
    );
    assert.match(
      String(noPermission.message),
      /You are not authorized to do this action\. You should be authorized by RAM\./,
    );

    await ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({
        policyType: 'System',
        policyName: 'AliyunSTSAssumeRoleAccess',
        userName: alice.userName,
      }),
    );
    try {
      // A role only ECS may assume: the trust policy refuses alice.
      await ram.createRole(
        new $Ram.CreateRoleRequest({
          roleName: 'FidelityEcsOnly',
          assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
        }),
      );
      const untrusted = await rejectsWith(
        sts.assumeRole(new $Sts.AssumeRoleRequest({ roleArn: arn('FidelityEcsOnly'), roleSessionName: 'fidelity' })),
        'NoPermission',
        403,
      );
      assert.match(String(untrusted.message), /does not trust you/);
      assert.doesNotMatch(String(untrusted.message), /should be authorized by RAM/);
      await sts.assumeRole(
        new $Sts.AssumeRoleRequest({ roleArn: arn('FidelityAccountRole'), roleSessionName: 'fidelity' }),
      );
    } finally {
      await ram.detachPolicyFromUser(
        new $Ram.DetachPolicyFromUserRequest({
          policyType: 'System',
          policyName: 'AliyunSTSAssumeRoleAccess',
          userName: alice.userName,
        }),
      );
    }
  });
});
