/**
 * The bounded inventory over the wire against the large seed (20 regions × 300 instances, 5,000
 * roles): the join of instances with their roles matches the account, the client's bound per
 * region holds at the sandbox (which throttles anything above it in a region) while regions go
 * side by side, and throttling from a tighter gateway never reaches the caller nor slows another
 * service.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
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

  it('sends the next ListRoles page before parsing the DescribeInstances answers that came with the last one', async () => {
    // The network here delivers in batches: every answer the sandbox has ready goes out every
    // 30 ms, ListRoles last, so each ListRoles answer reaches the client behind a batch of
    // DescribeInstances answers, as the answers of 20 regions do at every step on a real network.
    const sandbox = t.sandbox;
    const dispatch = sandbox.dispatch;
    let held: Array<{ action: string; release: () => void }> = [];
    const events: Array<'answer' | 'send' | number> = [];
    const gate = setInterval(() => {
      const batch = [...held.filter((h) => h.action !== 'ListRoles'), ...held.filter((h) => h.action === 'ListRoles')];
      held = [];
      for (const h of batch) {
        if (h.action === 'ListRoles') {
          events.push('answer');
        }
        h.release();
      }
    }, 30);
    sandbox.dispatch = async (req) => {
      const res = await dispatch.call(sandbox, req);
      const action = sandbox.requests.at(-1)?.action ?? '';
      await new Promise<void>((release) => held.push({ action, release }));
      return res;
    };
    // What the client did, in order: sending ListRoles, and parsing instances (how many a
    // JSON.parse call read).
    const onRequest = (m: unknown) => {
      if ((m as { request: ClientRequest }).request.getHeader('x-acs-action') === 'ListRoles') {
        events.push('send');
      }
    };
    const parse = JSON.parse;
    JSON.parse = (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
      const instances = typeof text === 'string' ? text.split('"InstanceNetworkType"').length - 1 : 0;
      if (instances) {
        events.push(instances);
      }
      return parse(text, reviver);
    };
    diagnostics.subscribe('http.client.request.start', onRequest);
    try {
      const regions = sandbox.state.regions.slice(0, 16).map((r) => r.regionId);
      const inv = await loadInventory(t.cloud(), { limiter: new RequestLimiter({ maxInFlight: 32 }), regions });
      assert.ok(inv.regions.every((r) => r.instances.length >= LARGE.instancesPerRegion));
    } finally {
      clearInterval(gate);
      sandbox.dispatch = dispatch;
      diagnostics.unsubscribe('http.client.request.start', onRequest);
      JSON.parse = parse;
    }
    // Instances parsed between each ListRoles answer and the next ListRoles request: parsing the
    // answers of the batch first puts up to 16 pages (100 instances each) in a gap, 300 to 500
    // instances in the worst gap when measured. Parsing one page per turn of the event loop lets
    // through only the page under way while the answer came in, which a socket may deliver over
    // more than one turn (100 at most when measured; 200 allowed).
    const between: number[] = [];
    let open: number | undefined;
    for (const e of events) {
      if (e === 'answer') {
        open = 0;
      } else if (typeof e === 'number' && open !== undefined) {
        open += e;
      } else if (e === 'send' && open !== undefined) {
        between.push(open);
        open = undefined;
      }
    }
    assert.equal(between.length, Math.ceil(sandbox.state.roles.size / 1000) - 1, events.slice(0, 80).join(' '));
    assert.ok(
      between.every((n) => n <= 200),
      `instances parsed before the next ListRoles page went: ${between.join(', ')}`,
    );
  });

  it('keeps at most the bound in flight per region, regions side by side: a sandbox throttling above it in a region never throttles', async () => {
    // A region wants three at once (its next page and two role batches of the page before).
    t.sandbox.faults.add({ kind: 'throttle', inFlight: 2, inFlightPer: 'region' });
    try {
      const from = t.sandbox.requests.length;
      const limiter = new RequestLimiter({ maxInFlight: 2 });
      const inv = await loadInventory(t.cloud(), {
        limiter,
        regions: ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-qingdao'],
      });
      assert.equal(throttledSince(from), 0);
      const peaks = [...limiter.byKey()].filter(([k]) => k.startsWith('ecs:')).map(([, s]) => s.peak);
      assert.deepEqual(peaks, [2, 2, 2, 2]);
      assert.ok(limiter.peak > 4, `in flight over every region at once: ${limiter.peak}`);
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
    t.sandbox.faults.add({ kind: 'throttle', inFlight: 2, inFlightPer: 'region', code: 'Throttling.User' });
    try {
      const from = t.sandbox.requests.length;
      const limiter = new RequestLimiter({ maxInFlight: 8, backoffMs: 5 });
      // No session retries: the limiter alone must absorb every throttle.
      const cloud = t.cloud(undefined, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      // A region's page and its role batches go out together: more than the gateway's two there.
      const regions = t.sandbox.state.regions.slice(0, 6).map((r) => r.regionId);
      const inv = await loadInventory(cloud, { limiter, regions });
      assert.ok(throttledSince(from) > 0, 'the sandbox throttled');
      assert.equal(limiter.throttled, throttledSince(from));
      // Only the throttled regions' bounds shrank: RAM, never refused, kept its whole bound.
      assert.equal(limiter.byKey().get('ram')?.window, 8);
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
