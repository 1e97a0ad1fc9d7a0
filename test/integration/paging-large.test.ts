/**
 * The Roles folder's paging on the company-sized account (`--seed large`, 5,000 roles) over the
 * wire: "Load more" walks every role once, and a name filter needs no API pass beyond the listing
 * itself (ListRoles has no name parameter, so it filters the 1,000-role pages as they arrive).
 * The folder's loader is the same one the view uses (views/ramView.ts: filteredPage + PagedList).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filteredPage, PagedList } from '../../src/cloud/paging';
import type { Role } from '../../src/cloud/ram';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox({ seed: 'large' });
const PAGE = 100;
const SCAN = 1000;

function rolesList(filter?: string) {
  const cloud = t.cloud();
  return new PagedList<Role>((token) =>
    filteredPage(
      filter,
      token,
      (m, max) => cloud.ram.listRoles(m, max),
      (r) => r.roleName,
      PAGE,
      SCAN,
    ),
  );
}

/** Clicks "Load more" until the listing ends; returns what each click added. */
async function loadAll(list: PagedList<Role>): Promise<number[]> {
  const added = [(await list.current()).length];
  while (list.hasMore) {
    const before = (await list.current()).length;
    await list.loadMore();
    added.push((await list.current()).length - before);
  }
  return added;
}

const actionsSince = (from: number) => t.sandbox.requests.slice(from).map((r) => r.action);

describe('Roles paging on 5,000 roles, over the wire', () => {
  it('Load more walks every role exactly once, 100 a click', async () => {
    const total = t.sandbox.state.roles.size;
    assert.ok(total > 5000);
    const list = rolesList();
    const from = t.sandbox.requests.length;
    const added = await loadAll(list);
    const names = (await list.current()).map((r) => r.roleName);
    assert.equal(names.length, total);
    assert.equal(new Set(names).size, total, 'no role twice');
    assert.ok(
      added.slice(0, -1).every((n) => n === PAGE),
      `each click adds a page: ${added.join(',')}`,
    );
    assert.deepEqual([...new Set(actionsSince(from))], ['ListRoles']);
    assert.equal(actionsSince(from).length, Math.ceil(total / PAGE));
  });

  it('a name filter lists exactly the matching roles, reading each listing page once', async () => {
    const filter = 'SCALE-ROLE-01'; // case-insensitive: scale-role-01000 … scale-role-01999
    const expected = [...t.sandbox.state.roles.keys()]
      .filter((n) => n.toLowerCase().includes(filter.toLowerCase()))
      .sort();
    assert.equal(expected.length, 1000);
    const list = rolesList(filter);
    const from = t.sandbox.requests.length;
    await loadAll(list);
    const names = (await list.current()).map((r) => r.roleName);
    assert.deepEqual([...names].sort(), expected);
    const calls = actionsSince(from);
    assert.deepEqual([...new Set(calls)], ['ListRoles'], 'no other API pass');
    assert.equal(calls.length, Math.ceil(t.sandbox.state.roles.size / SCAN), 'every 1,000-role page once');
  });

  it('a rare match: the first page scans until it has matches, Load more finishes the listing', async () => {
    const list = rolesList('role-0499'); // scale-role-04990 … 04999: ten in 5,000
    const first = await list.current();
    assert.deepEqual(
      first.map((r) => r.roleName).sort(),
      Array.from({ length: 10 }, (_, i) => `scale-role-0499${i}`),
    );
    await loadAll(list);
    assert.equal((await list.current()).length, 10);
    assert.equal(list.hasMore, false);
  });
});
