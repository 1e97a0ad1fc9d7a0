/**
 * A machine clock 20 minutes behind the cloud's, over the wire: the product learns the offset from
 * the Date of the answers, gets OSS requests through (ali-oss amendTimeSkewed) where OSS refuses
 * them 15 minutes off, warns once, and uses the server's time for expiry countdowns, credential
 * refresh and presigned URLs. (Its own file: the learned clock is per process.)
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, it } from 'node:test';
import { serverClock, SKEW_WARNING_MS } from '../../src/cloud/clock';
import { formatExpiry, nextRefreshDelay } from '../../src/cloud/instance';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';
import { loopbackAgent } from '../helpers/loopbackAgent';

const SKEW = 20 * 60_000;
const t = useSandbox({ clockSkewMs: SKEW, realism: { ossRequestTime: true } });

/** GET through the sandbox (presigned URLs name the bucket's virtual host). */
const agent = loopbackAgent();
const get = (url: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });

describe('clock skew', () => {
  it('the first OSS call is refused as too skewed, learns the server clock from that answer, and goes through', async () => {
    const warnings: number[] = [];
    const sub = serverClock.onLargeSkew((ms) => warnings.push(ms));
    try {
      const oss = t.cloud().oss;
      const body = await oss.getObject(DEMO.bucket, 'cn-hangzhou', 'README.md');
      assert.match(body.toString(), /demo-data/);
      assert.ok(Math.abs(serverClock.offsetMs - SKEW) < 2000, `learned ${serverClock.offsetMs}`);
      const skewed = t.sandbox.requests.filter((r) => r.service === 'oss' && r.status === 403);
      assert.equal(skewed.length, 1, 'one refusal, then every request is dated by the server clock');
      await oss.listObjects(DEMO.bucket, 'cn-hangzhou', { maxKeys: 5 });
      assert.equal(t.sandbox.requests.filter((r) => r.service === 'oss' && r.status === 403).length, 1);
      assert.equal(warnings.length, 1, 'warned once');
      assert.ok(warnings[0] > SKEW_WARNING_MS);
    } finally {
      sub.dispose();
    }
  });

  it('presigned URLs live their lifetime by the server clock (ali-oss signs with the local one)', async () => {
    const oss = t.cloud().oss;
    await oss.headObject(DEMO.bucket, 'cn-hangzhou', 'README.md'); // learns the clock
    const signed = await oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', 60);
    // By the local clock the URL would have expired 19 minutes ago on the server.
    const res = await get(signed.url);
    assert.equal(res.status, 200, res.body);
    assert.ok(Math.abs(signed.expiresAt.getTime() - (Date.now() + SKEW + 60_000)) < 3000, 'expiry in server time');
  });

  it("caps a presigned URL at the instance credentials' expiry by the server clock, not 20 minutes later", async () => {
    const onInstance = t.cloud(
      { mode: 'EcsRamRole' },
      { endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId2) },
    );
    await onInstance.oss.headObject(DEMO.bucket, 'cn-hangzhou', 'README.md');
    const expiration = onInstance.session.provider.expiration!;
    const signed = await onInstance.oss.presignGet(DEMO.bucket, 'cn-hangzhou', 'README.md', 7 * 24 * 3600);
    assert.equal(signed.capped, true);
    assert.ok(
      Math.abs(signed.expiresAt.getTime() - expiration.getTime()) < 3000,
      `${signed.expiresAt.toISOString()} vs ${expiration.toISOString()}`,
    );
    assert.equal((await get(signed.url)).status, 200);
  });

  it('expiry countdowns and refresh timing compare server times with the server clock', async () => {
    await t.cloud().oss.headObject(DEMO.bucket, 'cn-hangzhou', 'README.md');
    // Credentials that expire in one hour by the server's clock: 1 h 20 min by the local one.
    const expiration = new Date(Date.now() + SKEW + 3600_000);
    assert.match(formatExpiry(expiration), /^expires in (59 min|1 h)$/);
    const delay = nextRefreshDelay(expiration);
    assert.ok(Math.abs(delay - 40 * 60_000) < 5000, `refresh 20 min before expiry, in ${delay} ms`);
  });
});
