/**
 * The inventory's limiter (cloud/inventory.ts RequestLimiter), without a network: requests are
 * bounded per key (a service's endpoint in one region, where ECS throttles) and by one cap over
 * every key; a throttle shrinks the bound of its own key only; the critical chain keeps a slot of
 * the cap.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError } from '../../../src/cloud/errors';
import { CRITICAL, RequestLimiter } from '../../../src/cloud/inventory';

/** Reads the test answers by hand, counting how many of each key are in flight. */
function gatedReads() {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const pending: Array<{ key: string; answer(): void }> = [];
  const read = (key: string) => () =>
    new Promise<string>((resolve) => {
      const n = (inFlight.get(key) ?? 0) + 1;
      inFlight.set(key, n);
      most.set(key, Math.max(most.get(key) ?? 0, n));
      pending.push({
        key,
        answer: () => {
          inFlight.set(key, inFlight.get(key)! - 1);
          resolve(key);
        },
      });
    });
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Answers everything in flight, round after round, until nothing is left. */
  const drain = async () => {
    await settle();
    while (pending.length) {
      for (const p of pending.splice(0)) {
        p.answer();
      }
      await settle();
    }
  };
  const running = (key: string) => inFlight.get(key) ?? 0;
  return { read, settle, drain, running, most, pending };
}

const throttling = () =>
  new CloudError({ code: 'Throttling.User', message: 'Request was denied due to user flow control.', status: 400 });

describe('RequestLimiter', () => {
  it('bounds each region by itself: a burst across regions fills every region up to its bound at once', async () => {
    const g = gatedReads();
    const limiter = new RequestLimiter({ maxInFlight: 3, maxTotal: 64 });
    const regions = ['ecs:cn-hangzhou', 'ecs:cn-shanghai', 'ecs:cn-beijing', 'ecs:ap-southeast-1'];
    const all = regions.flatMap((key) => Array.from({ length: 7 }, () => limiter.run(g.read(key), 0, key)));
    await g.settle();
    for (const key of regions) {
      assert.equal(g.running(key), 3, `${key} in flight in the first round`);
    }
    await g.drain();
    assert.equal((await Promise.all(all)).length, 28);
    for (const key of regions) {
      assert.equal(g.most.get(key), 3, key);
      assert.deepEqual(limiter.byKey().get(key), { peak: 3, window: 3, started: 7 });
    }
    assert.equal(limiter.peak, 12);
  });

  it('holds the cap over every region, one slot kept for the critical chain', async () => {
    const g = gatedReads();
    const limiter = new RequestLimiter({ maxInFlight: 8, maxTotal: 10 });
    const regions = Array.from({ length: 6 }, (_, i) => `ecs:r${i}`);
    const all = regions.flatMap((key) => Array.from({ length: 5 }, () => limiter.run(g.read(key), 0, key)));
    await g.settle();
    const total = () => regions.reduce((n, k) => n + g.running(k), 0);
    assert.equal(total(), 9, 'the cap less the reserved slot');
    // The chain's page goes at once, into the held slot, though 21 other requests wait.
    const chain = limiter.run(g.read('ram'), CRITICAL, 'ram');
    await g.settle();
    assert.equal(g.running('ram'), 1);
    await g.drain();
    await Promise.all([...all, chain]);
    assert.equal(limiter.peak, 10);
    assert.ok([...g.most.values()].every((n) => n <= 8));
  });

  it('halves only the bound of the region that throttled; other regions keep theirs', async () => {
    const g = gatedReads();
    const limiter = new RequestLimiter({ maxInFlight: 4, maxTotal: 64, backoffMs: 1 });
    let refused = false;
    await limiter.run(
      async () => {
        if (!refused) {
          refused = true;
          throw throttling();
        }
        return 'ok';
      },
      0,
      'ecs:cn-hangzhou',
    );
    assert.equal(limiter.throttled, 1);
    // 4 halved to 2, grown by one with the repeat's success.
    assert.equal(limiter.byKey().get('ecs:cn-hangzhou')?.window, 3);
    const burst = ['ecs:cn-hangzhou', 'ecs:cn-shanghai'].flatMap((key) =>
      Array.from({ length: 6 }, () => limiter.run(g.read(key), 0, key)),
    );
    await g.settle();
    assert.equal(g.running('ecs:cn-hangzhou'), 3, 'the throttled region: its shrunk bound');
    assert.equal(g.running('ecs:cn-shanghai'), 4, 'another region: its whole bound');
    await g.drain();
    await Promise.all(burst);
    assert.equal(limiter.byKey().get('ecs:cn-hangzhou')?.window, 4, 'grown back by its successes');
  });

  it('runs higher priority first within a region, and a full region holds up no other', async () => {
    const g = gatedReads();
    const limiter = new RequestLimiter({ maxInFlight: 1, maxTotal: 64 });
    const order: string[] = [];
    const tagged = (key: string, tag: string) => () =>
      g
        .read(key)()
        .then((v) => (order.push(tag), v));
    const first = limiter.run(tagged('ecs:a', 'a0'), 0, 'ecs:a');
    const low = limiter.run(tagged('ecs:a', 'a-low'), 0, 'ecs:a');
    const high = limiter.run(tagged('ecs:a', 'a-high'), 10, 'ecs:a');
    const other = limiter.run(tagged('ecs:b', 'b'), 0, 'ecs:b');
    await g.settle();
    assert.equal(g.running('ecs:b'), 1, 'region b is not behind region a');
    await g.drain();
    await Promise.all([first, low, high, other]);
    assert.deepEqual(
      order.filter((t) => t.startsWith('a')),
      ['a0', 'a-high', 'a-low'],
    );
  });
});
