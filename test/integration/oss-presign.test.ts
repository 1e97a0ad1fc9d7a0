/**
 * Presigned URLs under an ECS instance role (EcsRamRole credentials from the sandbox IMDS): the
 * lifetime is capped at the STS credentials' expiry, because such a URL stops working when they
 * expire. With a long-lived AccessKey nothing is capped.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';
import { loopbackAgent } from '../helpers/loopbackAgent';

const t = useSandbox();

const agent = loopbackAgent();

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

const instanceCloud = () =>
  t.cloud({ mode: 'EcsRamRole' }, { endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId2) });
const WEEK = 7 * 24 * 3600;

describe('presigned URLs', () => {
  it("caps a week-long request at the instance role credentials' expiry, and the URL works", async () => {
    const cloud = instanceCloud();
    const signed = await cloud.oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', WEEK);
    const credExpiry = cloud.session.provider.expiration;
    assert.ok(credExpiry, 'EcsRamRole credentials carry an expiry');
    assert.equal(signed.capped, true);
    assert.ok(signed.expiresAt.getTime() <= credExpiry.getTime() + 1000, 'never valid past the credentials');
    const left = (signed.expiresAt.getTime() - Date.now()) / 1000;
    assert.ok(left > 3600 && left <= 6 * 3600, `lifetime ${left}s should be the sandbox's 6 h STS lifetime at most`);
    assert.match(signed.url, /[?&]security-token=/);
    const res = await get(signed.url);
    assert.equal(res.status, 200);
    assert.match(res.body, /^# demo-data/);
  });

  it('a sandbox URL opens anywhere (a browser, curl, plain fetch): loopback, path style, still signed', async () => {
    const signed = await t.cloud().oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', 600);
    const u = new URL(signed.url);
    assert.equal(u.hostname, '127.0.0.1');
    assert.equal(u.pathname, `/${DEMO.bucket}/README.md`);
    const res = await fetch(signed.url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^# demo-data/);
    u.searchParams.set('Expires', String(Number(u.searchParams.get('Expires')) + 1));
    assert.equal((await fetch(u)).status, 403, 'the signature still guards it');
  });

  it("does not cap a request shorter than the credentials' lifetime", async () => {
    const signed = await instanceCloud().oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', 600);
    assert.equal(signed.capped, false);
    const left = (signed.expiresAt.getTime() - Date.now()) / 1000;
    assert.ok(left > 590 && left <= 600);
  });

  it('does not cap URLs signed with a long-lived AccessKey', async () => {
    const signed = await t.cloud().oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', WEEK);
    assert.equal(signed.capped, false);
    assert.equal((await get(signed.url)).status, 200);
  });

  it('an STS-signed URL stops working once the credentials expire (why the cap exists)', async () => {
    const signed = await instanceCloud().oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', WEEK);
    t.sandbox.advanceClock(7 * 3600 * 1000);
    try {
      const res = await get(signed.url);
      assert.equal(res.status, 403);
    } finally {
      t.sandbox.advanceClock(-7 * 3600 * 1000);
    }
  });
});

process.on('exit', () => agent.destroy());
