import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatClockTime, formatDateTime, zoneLabel } from '../../../src/cloud/timeFormat';
import { formatDate } from '../../../src/cloud/ossLocation';
import { loadMoreLabel, PagedList } from '../../../src/cloud/paging';

describe('one time format, with its zone', () => {
  const t = new Date('2026-12-07T20:55:03Z');
  it('names the zone', () => {
    assert.equal(zoneLabel(0), 'UTC');
    assert.equal(zoneLabel(480), 'UTC+8');
    assert.equal(zoneLabel(-210), 'UTC-3:30');
  });
  it('shows date-times and clock times in the given zone', () => {
    assert.equal(formatDateTime(t, 480), '2026-12-08 04:55 UTC+8');
    assert.equal(formatDateTime('2026-12-07T20:55:03Z', 0), '2026-12-07 20:55 UTC');
    assert.equal(formatClockTime(t, 0), '20:55:03 UTC');
    assert.equal(formatDateTime('not a date'), 'not a date');
    assert.equal(formatDateTime(undefined), '');
    assert.equal(formatClockTime(undefined), '-');
  });
  it('the OSS tree dates carry the local zone', () => {
    assert.match(formatDate('2026-12-07T20:55:03Z'), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC([+-]\d+(:\d\d)?)?$/);
  });
});

describe('"Load more" says how many are loaded', () => {
  it('with the total where the API gives one, without otherwise', async () => {
    const list = new PagedList<number>(async (token) =>
      token ? { items: [3], total: 1234 } : { items: [1, 2], next: 'n', total: 1234 },
    );
    await list.current();
    assert.deepEqual(list.count, { loaded: 2, total: 1234 });
    assert.equal(loadMoreLabel(list.count), 'Load more… (2 of 1,234 loaded)');
    assert.equal(loadMoreLabel({ loaded: 200 }), 'Load more… (200 loaded)');
    list.reset();
    assert.deepEqual(list.count, { loaded: 0, total: undefined });
  });
});
