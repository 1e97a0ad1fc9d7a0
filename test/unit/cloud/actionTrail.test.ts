/**
 * Reading 90 days of a role's events: three windows of at most 30 days that meet end to end and
 * stay inside the 90-day horizon, every page of each window followed, and never more than two
 * LookupEvents calls in any second (the documented limit), measured at each call as it leaves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readRoleActivity, type LookupQuery, type TrailEvent } from '../../../src/cloud/actionTrail';

const DAY = 86_400_000;

test('90 days are read as 3 windows of ≤ 30 days at ≤ 2 calls a second, every page followed', async () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  const calls: Array<{ at: number; q: LookupQuery }> = [];
  const api = {
    // Three pages a window: the last answers without a NextToken.
    async lookupEvents(q: LookupQuery) {
      calls.push({ at: Date.now(), q });
      const page = Number(q.nextToken ?? 0);
      const events: TrailEvent[] = [{ eventName: 'GetRole', serviceName: 'Ram', eventTime: q.endTime }];
      return { events, nextToken: page < 2 ? String(page + 1) : undefined };
    },
  };
  const read = await readRoleActivity(api, 'AppServerRole', { now });
  assert.ok(read.complete);
  assert.equal(read.windows.length, 3);
  assert.equal(read.requests, 9);
  assert.equal(read.events.length, 9);
  assert.deepEqual(
    read.windows.map((w) => w.events),
    [3, 3, 3],
  );
  const span = read.windows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
  assert.equal(span[0].end, now);
  for (const [i, w] of span.entries()) {
    assert.ok(w.end - w.start <= 30 * DAY, `window ${i + 1} spans ${(w.end - w.start) / DAY} days`);
    assert.ok(w.start >= now - 90 * DAY, `window ${i + 1} starts before the 90-day horizon`);
    if (i > 0) {
      assert.equal(w.end, span[i - 1].start, `window ${i + 1} meets window ${i}`);
    }
  }
  assert.ok(span[2].start - (now - 90 * DAY) <= 15 * 60_000, 'the oldest window reaches back to the horizon');
  // Every call of a window carries its bounds and the role; pages chain their NextToken.
  for (const c of calls) {
    assert.deepEqual(c.q.attributes, [{ key: 'RoleName', value: 'AppServerRole' }]);
    assert.ok(span.some((w) => Date.parse(c.q.startTime) === w.start && Date.parse(c.q.endTime) === w.end));
  }
  assert.deepEqual(
    calls.map((c) => c.q.nextToken),
    [undefined, '1', '2', undefined, '1', '2', undefined, '1', '2'],
  );
  // ≤ 2 calls in any one second: the third call after any call is at least a second later.
  for (let i = 2; i < calls.length; i++) {
    const gap = calls[i].at - calls[i - 2].at;
    assert.ok(gap >= 1000, `calls ${i - 1}..${i + 1} within ${gap} ms`);
  }
});
