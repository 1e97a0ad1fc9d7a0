// Versioned buckets over the wire: the sandbox's versioning shapes as the real ali-oss sends and
// reads them (PutBucketVersioning/GetBucketVersioning, x-oss-version-id, delete markers,
// ListObjectVersions paging, DeleteMultipleObjects with VersionId, BucketNotEmpty while any version
// is left), and emptying a versioned bucket so Delete Bucket can delete it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type OSS from 'ali-oss';
import { CloudError } from '../../src/cloud/errors';
import { mapLimit } from '../../src/cloud/paging';
import { deserializeState, serializeState } from '../../src/sandbox/core/state';
import { emptyBucket, surveyBucket, type EmptyProgress } from '../../src/setup/ossObjectOps';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';

type Headers = Record<string, string>;
const headersOf = (r: unknown) => (r as { res: { headers: Headers } }).res.headers;

/** The ali-oss 6.x calls its type definitions lack (lib/common/object/getBucketVersions.js, bucket/*Versioning.js). */
interface Versioned {
  putBucketVersioning(bucket: string, status: string): Promise<unknown>;
  getBucketVersioning(bucket: string): Promise<{ versionStatus?: string }>;
  getBucketVersions(query: Record<string, string | number>): Promise<{
    objects: Array<{ name: string; versionId: string; isLatest: boolean; size: number }>;
    deleteMarker: Array<{ name: string; versionId: string }>;
    prefixes: string[] | null;
    isTruncated: boolean;
    nextKeyMarker: string | null;
    nextVersionIdMarker: string | null;
  }>;
  deleteMulti(
    names: Array<string | { key: string; versionId: string }>,
    options?: { quiet?: boolean },
  ): Promise<{ deleted: Array<Record<string, string>> }>;
  get(
    name: string,
    file?: unknown,
    options?: { versionId?: string },
  ): Promise<{ content: Buffer; res: { headers: Headers } }>;
  delete(name: string, options?: { versionId?: string }): Promise<{ res: { headers: Headers } }>;
}

async function rawClient(bucket: string): Promise<OSS & Versioned> {
  return (await t.cloud().session.ossClient(HZ, bucket)) as OSS & Versioned;
}

async function fails(p: Promise<unknown>): Promise<{ code: string; status: number; headers: Headers }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; status: number; headers?: Headers };
    return { code: err.code, status: err.status, headers: err.headers ?? {} };
  }
  assert.fail('expected an error');
}

async function cloudCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudError, String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

describe('sandbox versioning, as ali-oss sees it', () => {
  test('PutBucketVersioning/GetBucketVersioning: no Status until enabled, then Enabled or Suspended; GetBucketInfo agrees', async () => {
    const oss = t.cloud().oss;
    await oss.createBucket('ver-status', HZ);
    const c = await rawClient('ver-status');
    assert.equal((await c.getBucketVersioning('ver-status')).versionStatus, undefined);
    assert.equal(await oss.getBucketVersioning('ver-status', HZ), undefined);
    await oss.putBucketVersioning('ver-status', HZ, 'Enabled');
    assert.equal(await oss.getBucketVersioning('ver-status', HZ), 'Enabled');
    assert.equal(
      ((await c.getBucketInfo('ver-status')) as unknown as { bucket: { Versioning: string } }).bucket.Versioning,
      'Enabled',
    );
    await oss.putBucketVersioning('ver-status', HZ, 'Suspended');
    assert.equal(await oss.getBucketVersioning('ver-status', HZ), 'Suspended');
    await oss.deleteBucket('ver-status', HZ);
  });

  test('a blank Status is MalformedXML (EC 0012-00000003)', async () => {
    await t.cloud().oss.createBucket('ver-blank', HZ);
    const c = await rawClient('ver-blank');
    const params = (
      c as unknown as { _bucketRequestParams(m: string, b: string, sub: string): Record<string, unknown> }
    )._bucketRequestParams('PUT', 'ver-blank', 'versioning');
    params.mime = 'xml';
    params.successStatuses = [200];
    params.content =
      '<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration><Status></Status></VersioningConfiguration>';
    const e = await fails((c as unknown as { request(p: unknown): Promise<unknown> }).request(params));
    assert.deepEqual([e.code, e.status], ['MalformedXML', 400]);
    assert.equal(t.sandbox.state.buckets.get('ver-blank')!.versioning, undefined);
  });

  test('writes keep earlier versions; a delete adds a marker; a versionId reads or deletes one version; DeleteBucket refuses while any is left', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-life';
    await oss.createBucket(b, HZ);
    const c = await rawClient(b);
    // Written before versioning: the "null" version, kept when a versioned write replaces it.
    await c.put('a.txt', Buffer.from('zero'));
    assert.equal(
      headersOf(await c.put('plain.txt', Buffer.from('p')))['x-oss-version-id'],
      undefined,
      'no version header before versioning',
    );
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    const v1 = headersOf(await c.put('a.txt', Buffer.from('one')))['x-oss-version-id'];
    const v2 = headersOf(await c.put('a.txt', Buffer.from('two')))['x-oss-version-id'];
    assert.ok(v1 && v2 && v1 !== v2 && v1 !== 'null', `${v1} ${v2}`);
    assert.equal((await c.get('a.txt')).content.toString(), 'two');
    assert.equal((await c.get('a.txt', undefined, { versionId: v1 })).content.toString(), 'one');
    assert.equal((await c.get('a.txt', undefined, { versionId: 'null' })).content.toString(), 'zero');
    assert.equal(headersOf(await c.get('a.txt'))['x-oss-version-id'], v2);

    const del = headersOf(await c.delete('a.txt'));
    assert.equal(del['x-oss-delete-marker'], 'true');
    const marker = del['x-oss-version-id'];
    assert.ok(marker && ![v1, v2, 'null'].includes(marker));
    const gone = await fails(c.get('a.txt'));
    assert.deepEqual([gone.code, gone.status], ['NoSuchKey', 404]);
    const listed = await oss.listObjects(b, HZ, { delimiter: '' });
    assert.deepEqual(
      listed.items.map((e) => (e.kind === 'object' ? e.key : e.prefix)),
      ['plain.txt'],
      'ListObjects shows current objects only',
    );
    assert.deepEqual([(await fails(c.get('a.txt', undefined, { versionId: 'CAEQbm9uZQ' }))).code], ['NoSuchVersion']);

    const all = await c.getBucketVersions({});
    assert.deepEqual(
      all.deleteMarker.map((m) => [m.name, m.versionId]),
      [['a.txt', marker]],
    );
    assert.deepEqual(
      all.objects.map((o) => [o.name, o.versionId, o.isLatest]),
      [
        ['a.txt', v2, false],
        ['a.txt', v1, false],
        ['a.txt', 'null', false],
        ['plain.txt', 'null', true],
      ],
    );
    assert.equal(await cloudCode(oss.deleteBucket(b, HZ)), 'BucketNotEmpty');

    // Deleting the marker by its versionId brings v2 back as the current version.
    const undelete = headersOf(await c.delete('a.txt', { versionId: marker }));
    assert.deepEqual([undelete['x-oss-delete-marker'], undelete['x-oss-version-id']], ['true', marker]);
    assert.equal((await c.get('a.txt')).content.toString(), 'two');

    // DeleteMultipleObjects: with a VersionId the version goes for good; without, a marker is added.
    const multi = await c.deleteMulti([{ key: 'a.txt', versionId: v1 }, 'plain.txt'], { quiet: false });
    assert.equal(multi.deleted.length, 2);
    assert.deepEqual(
      [multi.deleted[0].Key, multi.deleted[0].VersionId, multi.deleted[0].DeleteMarker],
      ['a.txt', v1, undefined],
    );
    assert.deepEqual([multi.deleted[1].Key, multi.deleted[1].DeleteMarker], ['plain.txt', 'true']);
    assert.ok(multi.deleted[1].DeleteMarkerVersionId);
    const after = await c.getBucketVersions({});
    assert.deepEqual(
      after.objects.map((o) => o.versionId),
      [v2, 'null', 'null'],
    );
    assert.equal(after.deleteMarker.length, 1);
    assert.equal((await fails(c.get('plain.txt'))).status, 404);
  });

  test('ListObjectVersions pages with key-marker and version-id-marker, and keeps its place when the marker version was deleted meanwhile', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-pages';
    await oss.createBucket(b, HZ);
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    const c = await rawClient(b);
    for (const k of ['k1', 'k2']) {
      for (let i = 0; i < 3; i++) {
        await c.put(k, Buffer.from(`${k}-${i}`));
      }
    }
    await c.delete('k1');
    const whole = await c.getBucketVersions({});
    const expected = [
      ...whole.deleteMarker.map((m) => `${m.name}@${m.versionId}`),
      ...whole.objects.map((o) => `${o.name}@${o.versionId}`),
    ].sort();
    assert.equal(expected.length, 7);

    const seen: string[] = [];
    let query: Record<string, string | number> = { 'max-keys': 2 };
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 10);
      const page = await c.getBucketVersions(query);
      seen.push(
        ...page.deleteMarker.map((m) => `${m.name}@${m.versionId}`),
        ...page.objects.map((o) => `${o.name}@${o.versionId}`),
      );
      if (!page.isTruncated) {
        assert.equal(page.nextKeyMarker, null);
        break;
      }
      assert.ok(page.nextKeyMarker && page.nextVersionIdMarker);
      query = { 'max-keys': 2, keyMarker: page.nextKeyMarker, versionIdMarker: page.nextVersionIdMarker };
    }
    assert.deepEqual(seen.sort(), expected);

    // Delete the page's last version, then continue from it: nothing is skipped or repeated.
    const first = await c.getBucketVersions({ 'max-keys': 3 });
    const last = { key: first.nextKeyMarker!, versionId: first.nextVersionIdMarker! };
    await c.delete(last.key, { versionId: last.versionId });
    const rest = await c.getBucketVersions({ keyMarker: last.key, versionIdMarker: last.versionId });
    assert.equal(rest.objects.length + rest.deleteMarker.length, 7 - 3);
    // Through OssApi: the two markers travel in one page token.
    const page1 = await oss.listObjectVersions(b, HZ, { maxKeys: 4 });
    assert.ok(page1.next);
    const page2 = await oss.listObjectVersions(b, HZ, { maxKeys: 4, token: page1.next });
    assert.equal(page1.items.length + page2.items.length, 6);
    assert.equal(page2.next, undefined);
    assert.deepEqual(
      page1.items.filter((v) => v.deleteMarker).map((v) => v.key),
      ['k1'],
    );
    const e = await fails(c.getBucketVersions({ keyMarker: 'k1', versionIdMarker: 'not-a-version' }));
    assert.deepEqual([e.code, e.status], ['InvalidArgument', 400]);
  });

  test('Suspended: writes and deletes carry version "null" and replace the null version; earlier versions stay', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-suspend';
    await oss.createBucket(b, HZ);
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    const c = await rawClient(b);
    const kept = headersOf(await c.put('s.txt', Buffer.from('enabled')))['x-oss-version-id'];
    await oss.putBucketVersioning(b, HZ, 'Suspended');
    assert.equal(headersOf(await c.put('s.txt', Buffer.from('n1')))['x-oss-version-id'], 'null');
    await c.put('s.txt', Buffer.from('n2'));
    let list = await c.getBucketVersions({});
    assert.deepEqual(
      list.objects.map((o) => o.versionId),
      ['null', kept],
    );
    const del = headersOf(await c.delete('s.txt'));
    assert.deepEqual([del['x-oss-delete-marker'], del['x-oss-version-id']], ['true', 'null']);
    list = await c.getBucketVersions({});
    assert.deepEqual(
      list.objects.map((o) => o.versionId),
      [kept],
      'the marker replaced the null version',
    );
    assert.deepEqual(
      list.deleteMarker.map((m) => m.versionId),
      ['null'],
    );
  });

  test('versions and delete markers survive persistence', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-persist';
    await oss.createBucket(b, HZ);
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    await oss.putObject(b, HZ, 'p.txt', Buffer.from('1'));
    await oss.putObject(b, HZ, 'p.txt', Buffer.from('2'));
    await oss.deleteObject(b, HZ, 'p.txt');
    const back = deserializeState(serializeState(t.sandbox.state)).buckets.get(b)!;
    assert.equal(back.versioning, 'Enabled');
    assert.equal(back.objects.has('p.txt'), false);
    const versions = back.versions!.get('p.txt')!;
    assert.deepEqual(
      versions.map((v) => ('deleteMarker' in v ? 'marker' : (v as { body: Buffer }).body.toString())),
      ['marker', '2', '1'],
    );
  });
});

describe('emptying a versioned bucket for Delete Bucket', () => {
  test('several versions of a key and a delete marker: counted, BucketNotEmpty before, all deleted for good, then DeleteBucket succeeds', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-empty';
    await oss.createBucket(b, HZ);
    await oss.putObject(b, HZ, 'before.txt', Buffer.from('null version'));
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    for (let i = 0; i < 3; i++) {
      await oss.putObject(b, HZ, 'doc.txt', Buffer.from(`v${i}`));
    }
    await oss.deleteObject(b, HZ, 'doc.txt');
    await oss.putObject(b, HZ, 'keep/x.txt', Buffer.from('x'));
    const c = await rawClient(b);
    await c.initMultipartUpload('pending.bin');

    // Nothing current under doc.txt, yet the bucket is not empty.
    assert.equal(await cloudCode(oss.deleteBucket(b, HZ)), 'BucketNotEmpty');
    const survey = await surveyBucket(oss, b, HZ);
    assert.deepEqual(survey, {
      versioning: 'Enabled',
      objects: 5,
      deleteMarkers: 1,
      uploads: 1,
      more: false,
      empty: false,
    });

    const from = t.sandbox.requests.length;
    const seen: EmptyProgress[] = [];
    const done = await emptyBucket(oss, b, HZ, { versioning: survey.versioning, onProgress: (p) => seen.push(p) });
    assert.deepEqual(done, { objectsDeleted: 0, versionsDeleted: 5, deleteMarkersDeleted: 1, uploadsAborted: 1 });
    assert.ok(seen.length >= 2);
    const calls = t.sandbox.requests.slice(from).map((r) => r.action);
    assert.deepEqual(
      calls.filter((a) => /Delete|Abort/.test(a)),
      ['DeleteMultipleObjects', 'AbortMultipartUpload'],
    );
    assert.equal(t.sandbox.state.buckets.get(b)!.versions?.size ?? 0, 0);
    await oss.deleteBucket(b, HZ);
    assert.equal(t.sandbox.state.buckets.has(b), false);
  });

  test('more than 1,000 versions: paged and deleted 1,000 per DeleteMultipleObjects; "more" in the survey', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-many';
    await oss.createBucket(b, HZ);
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    const c = await rawClient(b);
    await mapLimit(
      Array.from({ length: 1010 }, (_, i) => i),
      8,
      (i) => c.put(`k${i % 7}`, Buffer.from(String(i))),
    );
    await c.deleteMulti(['k0', 'k1']);
    const survey = await surveyBucket(oss, b, HZ);
    assert.equal(survey.more, true);
    const from = t.sandbox.requests.length;
    const done = await emptyBucket(oss, b, HZ);
    assert.deepEqual([done.versionsDeleted, done.deleteMarkersDeleted], [1010, 2]);
    const calls = t.sandbox.requests.slice(from).map((r) => r.action);
    assert.equal(calls.filter((a) => a === 'DeleteMultipleObjects').length, 2);
    assert.equal(
      calls.filter((a) => a === 'ListObjectVersions').length,
      3,
      'two pages, then one that finds nothing left',
    );
    await oss.deleteBucket(b, HZ);
  });

  test('cancelled before it starts: nothing is deleted', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-cancel';
    await oss.createBucket(b, HZ);
    await oss.putBucketVersioning(b, HZ, 'Enabled');
    await oss.putObject(b, HZ, 'a', Buffer.from('a'));
    await oss.putObject(b, HZ, 'a', Buffer.from('b'));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(emptyBucket(oss, b, HZ, { signal: controller.signal }), { name: 'AbortError' });
    assert.equal((await oss.listObjectVersions(b, HZ)).items.length, 2);
  });

  test('an unversioned bucket is emptied as before, without ListObjectVersions', async () => {
    const oss = t.cloud().oss;
    const b = 'ver-never';
    await oss.createBucket(b, HZ);
    await oss.putObject(b, HZ, 'a', Buffer.from('a'));
    const from = t.sandbox.requests.length;
    assert.deepEqual(await emptyBucket(oss, b, HZ), {
      objectsDeleted: 1,
      versionsDeleted: 0,
      deleteMarkersDeleted: 0,
      uploadsAborted: 0,
    });
    assert.ok(!t.sandbox.requests.slice(from).some((r) => r.action === 'ListObjectVersions'));
    await oss.deleteBucket(b, HZ);
  });
});
