// Instance credentials across a rotation, over real HTTP: OSS listing through createCloud(profile)
// with an EcsRamRole profile keeps working while the sandbox clock passes the rotation point, the
// background refresh picks up the new credentials before the old ones expire, and a call made
// with credentials that expired under it is retried once with fresh ones (CloudSession.call).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cloud } from '../../src/cloud';
import { EcsRamRoleProvider } from '../../src/cloud/credentials';
import { ImdsClient } from '../../src/cloud/imds';
import { instanceProfileConfig } from '../../src/cloud/instance';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HOUR = 3600_000;

/**
 * The sandbox clock only moves forward in this file (its own sandbox): moving it back would make
 * sessions issued "in the future" outlive the expiry the next test waits for.
 */
const advance = (ms: number) => t.sandbox.advanceClock(ms);

/** A cloud for the instance role of vpcInstanceId2, as the extension builds it on the instance. */
function instanceCloud(): Cloud {
  const imdsUrl = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
  return t.cloud(
    undefined,
    instanceProfileConfig({
      identity: { instanceId: DEMO.vpcInstanceId2, regionId: 'cn-hangzhou', zoneId: 'cn-hangzhou-i' },
      roleName: DEMO.seededRole,
      imdsUrl,
      sandboxUrl: t.sandbox.info.url,
    }),
  );
}

const list = (cloud: Cloud) => cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { maxKeys: 3, delimiter: '' });

/** OSS ListObjects results the sandbox answered since `from`. */
const ossStatuses = (from: number) =>
  t.sandbox.requests
    .slice(from)
    .filter((r) => r.service === 'oss')
    .map((r) => r.status);

describe('instance credentials across a rotation', () => {
  test('listing keeps working past the rotation point; the background refresh switches to the new credentials without a failed call', async () => {
    const cloud = instanceCloud();
    const provider = cloud.session.provider as EcsRamRoleProvider;
    const from = t.sandbox.requests.length;
    assert.equal((await list(cloud)).items.length, 3);
    const first = await provider.get();

    // Past half the 6 h life the instance issues new credentials; the old ones stay valid until their own expiry.
    advance(3.5 * HOUR);
    assert.equal((await list(cloud)).items.length, 3, 'old credentials still accepted after the rotation point');

    // What the timer does ahead of expiry: refresh() picks up the rotated credentials.
    const refreshed: string[] = [];
    const sub = provider.onDidRefresh((c) => refreshed.push(c.accessKeyId));
    const second = await provider.refresh();
    sub.dispose();
    assert.notEqual(second.accessKeyId, first.accessKeyId, 'rotated');
    assert.deepEqual(refreshed, [second.accessKeyId]);
    assert.ok(second.expiration!.getTime() > first.expiration!.getTime());

    // The old credentials expire: calls go on with the new ones, and none of them failed on the way.
    advance(3 * HOUR);
    for (let i = 0; i < 3; i++) {
      assert.equal((await list(cloud)).items.length, 3);
    }
    assert.equal((await provider.get()).accessKeyId, second.accessKeyId);
    assert.deepEqual(
      ossStatuses(from).filter((s) => s !== 200),
      [],
      'no OSS call was refused',
    );
  });

  test('a call in flight with credentials that expired under it is retried once with fresh ones and succeeds', async () => {
    const cloud = instanceCloud();
    const provider = cloud.session.provider as EcsRamRoleProvider;
    // Start from credentials issued now, then let them go stale at the sandbox while the local clock says "fresh".
    provider.invalidate();
    const old = await provider.get();
    advance(6.5 * HOUR);
    const from = t.sandbox.requests.length;
    const page = await list(cloud);
    assert.equal(page.items.length, 3, 'the caller never sees the expiry');
    const now = await provider.get();
    assert.notEqual(now.accessKeyId, old.accessKeyId, 'fresh credentials were fetched');
    // On the wire: one refusal (SecurityTokenExpired, 403), a credentials fetch from IMDS (its
    // metadata token expired at the sandbox too: 401, new token, read), then the retried call.
    const seen = t.sandbox.requests.slice(from).map((r) => `${r.service}:${r.status}`);
    assert.deepEqual(
      seen.filter((x) => x.startsWith('oss')),
      ['oss:403', 'oss:200'],
      seen.join(' '),
    );
    assert.equal(seen[0], 'oss:403');
    assert.equal(seen.at(-1), 'oss:200');
    assert.ok(seen.slice(1, -1).every((x) => x.startsWith('imds')) && seen.at(-2) === 'imds:200', seen.join(' '));
  });

  test('the same holds for the RPC APIs (STS GetCallerIdentity through the SDK credential wrapper)', async () => {
    const cloud = instanceCloud();
    const provider = cloud.session.provider as EcsRamRoleProvider;
    provider.invalidate();
    const old = await provider.get();
    advance(6.5 * HOUR);
    const from = t.sandbox.requests.length;
    const who = await cloud.whoAmI();
    const sts = t.sandbox.requests
      .slice(from)
      .filter((r) => r.service === 'sts')
      .map((r) => r.status);
    assert.deepEqual(sts, [400, 200], 'InvalidSecurityToken.Expired, then the retried call');
    assert.match(who.arn, new RegExp(`assumed-role/${DEMO.seededRole}/`));
    assert.notEqual((await provider.get()).accessKeyId, old.accessKeyId);
  });

  test('a failed refresh keeps the still-valid credentials (no outage when IMDS blips)', async () => {
    const imds = new ImdsClient({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
    // Pretend the local clock is 5 h 50 min later: inside the 15-minute refresh window, still valid.
    let offset = 0;
    const provider = new EcsRamRoleProvider(imds, DEMO.seededRole, () => Date.now() + offset);
    const c = await provider.get();
    offset = c.expiration!.getTime() - Date.now() - 10 * 60_000;
    t.sandbox.faults.add({ service: 'imds', kind: 'down' });
    try {
      await assert.rejects(provider.refresh(), { code: 'ImdsUnreachable' });
      assert.equal((await provider.get()).accessKeyId, c.accessKeyId, 'old credentials kept while valid');
      offset = c.expiration!.getTime() - Date.now() + 1000;
      await assert.rejects(provider.get(), { code: 'ImdsUnreachable' }, 'expired and no refresh: the error surfaces');
    } finally {
      t.sandbox.faults.clear();
    }
  });
});
