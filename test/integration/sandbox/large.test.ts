/**
 * `seed: 'large'` (the CLI's --seed large) and the latency option: a company-sized account that
 * still starts at once because its bulk is made on first use, and a round trip on every answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LazyMap } from '../../../src/sandbox/core/lazyMap';
import { LARGE } from '../../../src/sandbox/seed/large';
import { startSandbox } from '../../../src/sandbox/server';
import { useSandbox } from '../../helpers/sandbox';

const t = useSandbox({ seed: 'large' });

describe('sandbox --seed large', () => {
  it('starts without generating the bulk: the 100,000-key bucket is made on first listing', async () => {
    const started = Date.now();
    const s = await startSandbox({ seed: 'large', instant: true });
    try {
      const ms = Date.now() - started;
      const objects = s.state.buckets.get(LARGE.bucket)!.objects as LazyMap<string, unknown>;
      // Still unfilled: the private fill is pending until the first read.
      assert.ok((objects as unknown as { fill?: unknown }).fill, 'bucket not generated at start');
      assert.ok(ms < 1000, `started in ${ms} ms`);
    } finally {
      await s.close();
    }
  });

  it('serves 20 regions × 300 instances, 5,000 roles, 1,000 policies and 100,000 keys over the wire', async () => {
    const cloud = t.cloud();
    const regions = await cloud.ecs.describeRegions();
    assert.equal(regions.length, LARGE.regions);
    const page = await cloud.ecs.listInstances(regions[19].regionId, undefined, 100);
    assert.equal(page.items.length, 100);
    assert.ok(page.next);
    const roles = await cloud.ram.listRoles(undefined, 1000);
    assert.equal(roles.items.length, 1000);
    // The demo roles and the right-sizing role with its history (seed/activity.ts) come on top.
    assert.equal(t.sandbox.state.roles.size, LARGE.roles + 4);
    assert.equal(
      [...t.sandbox.state.policies.values()].filter((p) => p.policyType === 'Custom').length,
      LARGE.policies + 1,
    );
    const first = await cloud.oss.listObjects(LARGE.bucket, LARGE.bucketRegion, {
      prefix: LARGE.bucketPrefix,
      maxKeys: 100,
    });
    assert.equal(first.items.length, 100);
    const second = await cloud.oss.listObjects(LARGE.bucket, LARGE.bucketRegion, {
      prefix: LARGE.bucketPrefix,
      maxKeys: 100,
      token: first.next,
    });
    assert.equal(second.items[0].kind === 'object' && second.items[0].key, `${LARGE.bucketPrefix}000100.json`);
    assert.equal(t.sandbox.state.buckets.get(LARGE.bucket)!.objects.size, LARGE.bucketKeys);
  });

  it('answers every request a round trip late with latencyMs', async () => {
    const cloud = t.cloud();
    await cloud.ram.getRole(LARGE.roleName(1));
    t.sandbox.latencyMs = 120;
    try {
      const started = Date.now();
      await cloud.ram.getRole(LARGE.roleName(2));
      assert.ok(Date.now() - started >= 120);
    } finally {
      t.sandbox.latencyMs = 0;
    }
  });
});
