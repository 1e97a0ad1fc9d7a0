/**
 * The OSS view's listings over HTTP against the sandbox: page by page the way the tree's
 * paged nodes ask ("Load more" passes the previous page's token), across more than 1,000 keys;
 * folders with delimiter "/"; the per-folder filter (a longer prefix); every key under a prefix
 * for recursive download/delete; and bucket regions for pinned buckets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OssEntry } from '../../src/cloud/oss';
import type { Page } from '../../src/cloud/paging';
import { entryName, listKeysUnder, regionOfBucket } from '../../src/cloud/ossLocation';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

/** The PagedList protocol (cloud/paging.ts), spelled out: first page with no token, then each `next`. */
async function pageThrough<T>(load: (token: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  for (;;) {
    const page = await load(token);
    pages.push(page.items);
    if (page.next === undefined) {
      return pages;
    }
    assert.notEqual(page.next, token, 'a page token must move forward');
    token = page.next;
  }
}

const keys = (entries: OssEntry[]) => entries.map((e) => (e.kind === 'object' ? e.key : e.prefix));

describe('OSS listing for the tree', () => {
  it('pages 1,200 keys 100 at a time (the default page size): 12 pages, in order, no duplicates', async () => {
    const cloud = t.cloud();
    const pages = await pageThrough((token) =>
      cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', { prefix: 'items/', token, maxKeys: 100 }),
    );
    assert.equal(pages.length, 12);
    assert.ok(pages.every((p) => p.length === 100));
    const all = pages.flatMap(keys);
    assert.equal(new Set(all).size, DEMO.bigBucketKeys);
    assert.deepEqual(all, [...all].sort());
    assert.equal(all[0], 'items/item-00000.json');
    assert.equal(all.at(-1), 'items/item-01199.json');
  });

  it('pages past the 1,000-key OSS maximum: 1,000 then 200', async () => {
    const cloud = t.cloud();
    const pages = await pageThrough((token) =>
      cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', { prefix: 'items/', token, maxKeys: 1000 }),
    );
    assert.deepEqual(
      pages.map((p) => p.length),
      [1000, 200],
    );
  });

  it('shows folders with delimiter "/", named relative to the listed prefix', async () => {
    const cloud = t.cloud();
    const root = await cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: '' });
    assert.deepEqual(
      root.items.filter((e) => e.kind === 'folder').map((e) => entryName(e, '')),
      ['config', 'data', 'images', 'logs', 'reports'],
    );
    assert.deepEqual(
      root.items.filter((e) => e.kind === 'object').map((e) => entryName(e, '')),
      ['README.md'],
    );
    const readme = root.items.find((e) => e.kind === 'object');
    assert.ok(
      readme?.kind === 'object' && readme.size > 0 && readme.lastModified,
      'objects carry size and date for the description',
    );
    const logs = await cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: 'logs/' });
    assert.deepEqual(
      logs.items.map((e) => entryName(e, 'logs/')),
      ['2026'],
    );
    const many = await cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', { prefix: '' });
    assert.deepEqual(keys(many.items), ['items/']);
    assert.equal(many.next, undefined);
  });

  it('filters a folder by a name prefix (the listing prefix is folder + filter)', async () => {
    const cloud = t.cloud();
    const page = await cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', {
      prefix: 'items/' + 'item-0119',
      maxKeys: 100,
    });
    assert.deepEqual(
      page.items.map((e) => entryName(e, 'items/')),
      Array.from({ length: 10 }, (_, i) => `item-0119${i}.json`),
    );
    const none = await cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: 'zzz' });
    assert.equal(none.items.length, 0);
  });

  it('lists every key under a prefix for recursive operations, and refuses more than the cap', async () => {
    const cloud = t.cloud();
    const all = await listKeysUnder(cloud, DEMO.bigBucket, 'cn-hangzhou', 'items/');
    assert.equal(all.length, DEMO.bigBucketKeys);
    const logs = await listKeysUnder(cloud, DEMO.bucket, 'cn-hangzhou', 'logs/');
    assert.deepEqual(
      logs.map((o) => o.key),
      ['logs/2026/01/app.log', 'logs/2026/02/app.log'],
    );
    await assert.rejects(listKeysUnder(cloud, DEMO.bigBucket, 'cn-hangzhou', 'items/', 500), /More than 500 objects/);
  });

  it('pages ListBuckets with a marker', async () => {
    const cloud = t.cloud();
    const pages = await pageThrough((marker) => cloud.oss.listBuckets(marker, 2));
    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 1],
    );
    assert.deepEqual(
      pages.flat().map((b) => b.name),
      [DEMO.bucket, DEMO.bigBucket, DEMO.shanghaiBucket],
    );
  });

  it("finds a pinned bucket's region, falling back to the profile region when it cannot", async () => {
    const cloud = t.cloud();
    assert.equal(await regionOfBucket(cloud, DEMO.shanghaiBucket, 'cn-hangzhou'), 'cn-shanghai');
    const sh = await cloud.oss.listObjects(
      DEMO.shanghaiBucket,
      await regionOfBucket(cloud, DEMO.shanghaiBucket, 'cn-hangzhou'),
      {},
    );
    assert.deepEqual(keys(sh.items), ['2026/']);
    assert.equal(await regionOfBucket(cloud, 'no-such-bucket-here', 'cn-beijing'), 'cn-beijing');
  });
});
