// The sandbox's request log names the AccessKey ID that signed each request, for every signing
// form the SDKs send: RPC ACS3 and V1, OSS V1 and V4 headers, V1 and V4 presigned URLs. Tests use
// it to prove which profile acted (an oss:// binding the user never chose must send nothing).
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, test } from 'node:test';
import OSS from 'ali-oss';
import Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { useSandbox } from '../../helpers/sandbox';
import { loopbackAgent } from '../../helpers/loopbackAgent';

const t = useSandbox();

const agent = loopbackAgent();

const keys = () => [
  { accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret },
  { accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret },
];

/** The log entries a call adds. */
async function logged(fn: () => Promise<unknown>) {
  const from = t.sandbox.requests.length;
  await fn();
  return t.sandbox.requests.slice(from);
}

const get = (url: string) =>
  new Promise<number>((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });

describe('sandbox request log: who signed', () => {
  test('RPC: ACS3 and V1 name the signing AccessKey ID', async () => {
    for (const k of keys()) {
      for (const extra of [{}, { signatureAlgorithm: 'v2' }]) {
        const sts = new Sts(
          new $OpenApiUtil.Config({
            ...k,
            endpoint: t.sandbox.info.endpoint,
            protocol: 'http',
            regionId: 'cn-hangzhou',
            ...extra,
          }),
        );
        const entries = await logged(() => sts.getCallerIdentity());
        assert.deepEqual(
          entries.map((e) => [e.action, e.accessKeyId]),
          [['GetCallerIdentity', k.accessKeyId]],
          JSON.stringify(extra),
        );
      }
    }
  });

  test('OSS: V1 and V4 headers, V1 and V4 presigned URLs name the signing AccessKey ID', async () => {
    for (const k of keys()) {
      for (const authorizationV4 of [false, true]) {
        const c = new OSS({
          region: 'oss-cn-hangzhou',
          endpoint: `http://oss-cn-hangzhou.aliyuncs.com:${t.sandbox.info.port}`,
          bucket: DEMO.bucket,
          agent,
          authorizationV4,
          ...k,
        } as OSS.Options);
        const entries = await logged(() => c.head('README.md').catch(() => undefined));
        assert.deepEqual(
          entries.map((e) => [e.action, e.accessKeyId]),
          [['HeadObject', k.accessKeyId]],
          `V4 ${authorizationV4}`,
        );
        const url = authorizationV4
          ? await c.signatureUrlV4('GET', 60, {}, 'README.md')
          : c.signatureUrl('README.md', { expires: 60 });
        const presigned = await logged(() => get(url));
        assert.deepEqual(
          presigned.map((e) => [e.action, e.accessKeyId]),
          [['GetObject', k.accessKeyId]],
          `presigned V4 ${authorizationV4}`,
        );
      }
    }
  });

  test('an anonymous request names no key', async () => {
    const entries = await logged(() =>
      get(`http://${DEMO.bucket}.oss-cn-hangzhou.aliyuncs.com:${t.sandbox.info.port}/README.md`),
    );
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 403);
    assert.equal(entries[0].accessKeyId, undefined);
  });
});
