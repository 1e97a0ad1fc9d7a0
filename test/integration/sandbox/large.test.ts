/**
 * `seed: 'large'` (the CLI's --seed large) and the latency option: a company-sized account that
 * still starts at once because its bulk is made on first use, and a round trip on every answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPieces, type SandboxRequest, type SandboxResponse } from '../../../src/sandbox/core/http';
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

  it('writes a page of 100 instances as pieces under 128 KB, the bytes of one JSON text', async () => {
    const sandbox = t.sandbox;
    const answers: SandboxResponse[] = [];
    const dispatch = sandbox.dispatch.bind(sandbox);
    sandbox.dispatch = async (req: SandboxRequest) => {
      const res = await dispatch(req);
      answers.push(res);
      return res;
    };
    try {
      const regions = await t.cloud().ecs.describeRegions();
      const page = await t.cloud().ecs.listInstances(regions[3].regionId, undefined, 100);
      assert.equal(page.items.length, 100);
      const body = answers[answers.length - 1].body;
      assert.ok(Array.isArray(body) && body.length > 1, 'answered in pieces');
      // V8's large-object threshold: a string or buffer above it is a fresh mapping of its own.
      assert.ok(body.every((b) => b.length < 128 * 1024));
      const text = Buffer.concat(body).toString();
      assert.equal(text, JSON.stringify(JSON.parse(text)));
      assert.deepEqual(
        (JSON.parse(text) as { Instances: { Instance: Array<{ InstanceId: string }> } }).Instances.Instance.map(
          (i) => i.InstanceId,
        ),
        page.items.map((i) => i.instanceId),
      );
    } finally {
      sandbox.dispatch = dispatch;
    }
  });

  it('jsonPieces writes what JSON.stringify writes', () => {
    const big = Array.from({ length: 3000 }, (_, n) => ({ n, name: `实例-${n}`, gone: undefined, at: new Date(n) }));
    for (const v of [
      { a: 1, b: undefined, c: [undefined, () => 1, null, 'x'], d: { e: new Date(0), f: { toJSON: () => 'j' } } },
      { Items: { Item: big }, Next: '', Total: big.length },
      [],
      'text',
      Object.assign(Object.create(null) as object, { k: 'null prototype' }),
    ]) {
      assert.equal(Buffer.concat(jsonPieces(v)).toString(), JSON.stringify(v));
    }
  });
});
