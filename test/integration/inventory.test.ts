/**
 * The bounded inventory over the wire against the large seed (20 regions × 300 instances, 5,000
 * roles): the join of instances with their roles matches the account, the client's bound holds at
 * the sandbox (which throttles anything above it), and throttling from a tighter gateway never
 * reaches the caller.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadInventory, probeRegions, RequestLimiter } from '../../src/cloud/inventory';
import { LARGE } from '../../src/sandbox/seed/large';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox({ seed: 'large', latencyMs: 10 });

const throttledSince = (from: number) =>
  t.sandbox.requests.slice(from).filter((r) => r.status === 400 || r.status === 503).length;

describe('inventory at scale', () => {
  it('loads every region with instances, each joined with its role, and every role', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 16 });
    const inv = await loadInventory(t.cloud(), { limiter });
    const state = t.sandbox.state;
    assert.equal(inv.regions.length, state.regions.length);
    assert.ok(inv.regions.every((r) => !r.error));
    const withInstances = inv.regions.filter((r) => r.instances.length);
    assert.equal(withInstances.length, LARGE.regions);
    for (const r of withInstances) {
      const expected = [...state.instances.values()].filter((i) => i.regionId === r.regionId);
      assert.equal(r.instances.length, expected.length, r.regionId);
      assert.ok(r.instances.length >= LARGE.instancesPerRegion);
      for (const i of r.instances) {
        assert.equal(i.ramRoleName, state.instances.get(i.instanceId)!.ramRoleName, `${i.instanceId} role`);
      }
    }
    const joined = inv.regions.flatMap((r) => r.instances).filter((i) => i.ramRoleName).length;
    assert.ok(joined > 1500, `instances with roles: ${joined}`);
    assert.equal(inv.roles.length, state.roles.size);
    assert.equal(new Set(inv.roles.map((r) => r.roleName)).size, state.roles.size);
  });

  it('keeps at most the bound in flight: a sandbox throttling above it never throttles', async () => {
    t.sandbox.faults.add({ kind: 'throttle', inFlight: 6 });
    try {
      const from = t.sandbox.requests.length;
      const limiter = new RequestLimiter({ maxInFlight: 6 });
      const inv = await loadInventory(t.cloud(), {
        limiter,
        regions: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-qingdao'],
      });
      assert.equal(throttledSince(from), 0);
      assert.equal(limiter.peak, 6);
      assert.equal(
        inv.regions.reduce((n, r) => n + r.instances.length, 0),
        [...t.sandbox.state.instances.values()].filter((i) =>
          ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-qingdao'].includes(i.regionId),
        ).length,
      );
    } finally {
      t.sandbox.faults.clear();
    }
  });

  it('absorbs throttling from a gateway tighter than the bound: complete result, no error', async () => {
    t.sandbox.faults.add({ kind: 'throttle', inFlight: 4, code: 'Throttling.User' });
    try {
      const from = t.sandbox.requests.length;
      const limiter = new RequestLimiter({ maxInFlight: 24, backoffMs: 5 });
      // No session retries: the limiter alone must absorb every throttle.
      const cloud = t.cloud(undefined, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      const inv = await loadInventory(cloud, { limiter, regions: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'] });
      assert.ok(throttledSince(from) > 0, 'the sandbox throttled');
      assert.equal(limiter.throttled, throttledSince(from));
      assert.ok(inv.regions.every((r) => !r.error && r.instances.length >= LARGE.instancesPerRegion));
      assert.equal(inv.roles.length, t.sandbox.state.roles.size);
    } finally {
      t.sandbox.faults.clear();
    }
  });

  it('probes every region at once (bounded) and keeps each first page', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 8 });
    const from = t.sandbox.requests.length;
    const probes = await probeRegions(t.cloud().ecs, limiter, 50);
    const log = t.sandbox.requests.slice(from).map((r) => r.action);
    assert.equal(log[0], 'DescribeRegions');
    assert.equal(log.filter((a) => a === 'DescribeInstances').length, t.sandbox.state.regions.length);
    assert.equal(probes.filter((p) => p.first?.items.length).length, LARGE.regions);
    assert.ok(
      probes.every((p) => !p.first?.items.length || p.first.next),
      'a full region has more pages',
    );
  });
});
