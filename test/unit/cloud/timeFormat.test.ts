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

describe('shown times go through the one formatter', () => {
  /** Files whose ISO time is part of a name, not shown as a time (the AccessDenied policy name's stamp). */
  const MACHINE = ['setup/accessDeniedReport.ts'];
  it('src/ shows no ISO time: toISOString() only fills machine-read fields (results, settings)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const root = path.join(__dirname, '..', '..', '..', 'src');
    const shown = ['views', 'commands', 'ui', 'errorHelp', 'services', 'editor', 'fs', 'setup'];
    const files = [
      ...shown.flatMap((d) =>
        (fs.readdirSync(path.join(root, d), { recursive: true }) as string[])
          .filter((f) => f.endsWith('.ts'))
          .map((f) => path.join(root, d, f)),
      ),
      path.join(root, 'cloud', 'instanceDiagnostics.ts'),
      path.join(root, 'cloud', 'instance.ts'),
    ];
    const offenders = files.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, where: `${path.relative(root, f)}:${i + 1}` }))
        // `key: x.toISOString()` is a field of a result a script reads; anything else is shown.
        .filter(
          ({ line }) => line.includes('.toISOString()') && !/(^\s*|[{,]\s*)\w+: [\w.?() ]+\.toISOString\(\)/.test(line),
        )
        .filter(({ where }) => !MACHINE.includes(where.replace(/:\d+$/, '')))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    assert.deepEqual(offenders, []);
  });
});
