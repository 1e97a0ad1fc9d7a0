// Buckets and server-side object operations over ali-oss against the sandbox: PutBucket (private by
// default, storage class, the name rules, BucketAlreadyExists vs TooManyBuckets), DeleteBucket
// (BucketNotEmpty with objects or incomplete uploads), emptying a bucket, copy/move that never
// deletes a source whose copy failed, and object properties with metadata replaced in place.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { bucketNameProblem } from '../../src/cloud/oss';
import { FOREIGN_BUCKETS, MAX_BUCKETS_PER_REGION } from '../../src/sandbox/oss/api';
import { copyObjects, emptyBucket } from '../../src/setup/ossObjectOps';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudError, String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

describe('buckets', () => {
  test('name rules, client side', () => {
    assert.equal(bucketNameProblem('my-bucket-1'), undefined);
    for (const bad of ['ab', 'My-Bucket', 'under_score', '-lead', 'trail-', 'x'.repeat(64)]) {
      assert.ok(bucketNameProblem(bad), bad);
    }
  });

  test("create: private by default, in the region and storage class asked; the owner's repeat is not an error", async () => {
    const oss = t.cloud().oss;
    await oss.createBucket('e2e-new-bucket', SH, 'IA');
    const b = t.sandbox.state.buckets.get('e2e-new-bucket')!;
    assert.deepEqual([b.region, b.storageClass, b.acl], [SH, 'IA', 'private']);
    assert.equal(await oss.getBucketRegion('e2e-new-bucket', HZ), SH);
    const listed = (await oss.listBuckets()).items.find((x) => x.name === 'e2e-new-bucket');
    assert.equal(listed?.storageClass, 'IA');
    await oss.createBucket('e2e-new-bucket', SH, 'IA');
    await oss.deleteBucket('e2e-new-bucket', SH);
    assert.equal(t.sandbox.state.buckets.has('e2e-new-bucket'), false);
  });

  test('a name another account holds is BucketAlreadyExists (409); the 101st bucket of a region is TooManyBuckets (400)', async () => {
    const oss = t.cloud().oss;
    const [foreign] = [...FOREIGN_BUCKETS];
    try {
      await oss.createBucket(foreign, HZ);
      assert.fail();
    } catch (e) {
      assert.ok(e instanceof CloudError);
      assert.deepEqual([e.code, e.status], ['BucketAlreadyExists', 409]);
    }
    // ali-oss refuses such a name before sending anything, as the command does.
    await assert.rejects(oss.createBucket('Bad_Name', HZ));
    const inSh = [...t.sandbox.state.buckets.values()].filter((b) => b.region === SH).length;
    const made: string[] = [];
    for (let n = inSh; n < MAX_BUCKETS_PER_REGION; n++) {
      const name = `fill-${n}`;
      await oss.createBucket(name, SH);
      made.push(name);
    }
    try {
      await oss.createBucket('one-too-many', SH);
      assert.fail();
    } catch (e) {
      assert.ok(e instanceof CloudError);
      assert.deepEqual([e.code, e.status], ['TooManyBuckets', 400]);
    }
    for (const name of made) {
      await oss.deleteBucket(name, SH);
    }
  });

  test('delete: BucketNotEmpty with an object or an incomplete upload; emptying removes both', async () => {
    const cloud = t.cloud();
    const oss = cloud.oss;
    await oss.createBucket('to-empty', HZ);
    await oss.putObject('to-empty', HZ, 'a/b.txt', Buffer.from('x'));
    await oss.putObject('to-empty', HZ, 'c.txt', Buffer.from('y'));
    const client = await cloud.session.ossClient(HZ, 'to-empty');
    await client.initMultipartUpload('big.bin');
    const nonEmpty = await code(oss.deleteBucket('to-empty', HZ));
    assert.equal(nonEmpty, 'BucketNotEmpty');
    const seen: number[] = [];
    const done = await emptyBucket(oss, 'to-empty', HZ, {
      onProgress: (p) => seen.push(p.objectsDeleted + p.uploadsAborted),
    });
    assert.deepEqual(done, { objectsDeleted: 2, versionsDeleted: 0, deleteMarkersDeleted: 0, uploadsAborted: 1 });
    assert.ok(seen.length >= 2);
    await oss.deleteBucket('to-empty', HZ);
    assert.equal(await code(oss.deleteBucket('to-empty', HZ)), 'NoSuchBucket');
  });
});

describe('objects', () => {
  test('move across buckets of a region: each source deleted after its copy; a failed copy keeps its source', async () => {
    const oss = t.cloud().oss;
    await oss.createBucket('move-src', HZ);
    await oss.createBucket('move-dst', HZ);
    await oss.putObject('move-src', HZ, 'd/one.txt', Buffer.from('1'), 'text/plain');
    await oss.putObject('move-src', HZ, 'd/two.txt', Buffer.from('2'));
    const results = await copyObjects(
      oss,
      HZ,
      [
        { fromBucket: 'move-src', fromKey: 'd/one.txt', toBucket: 'move-dst', toKey: 'x/one.txt' },
        { fromBucket: 'move-src', fromKey: 'd/missing.txt', toBucket: 'move-dst', toKey: 'x/missing.txt' },
        { fromBucket: 'move-src', fromKey: 'd/two.txt', toBucket: 'move-dst', toKey: 'x/two.txt', size: 1 },
      ],
      { move: true },
    );
    assert.deepEqual(
      results.map((r) => [r.copied, r.sourceDeleted, !!r.error]),
      [
        [true, true, false],
        [false, false, true],
        [true, true, false],
      ],
    );
    assert.match(results[1].error!, /not exist/i);
    assert.equal((await oss.getObject('move-dst', HZ, 'x/one.txt')).toString(), '1');
    assert.equal((await oss.headObject('move-dst', HZ, 'x/one.txt')).contentType, 'text/plain');
    assert.equal(await code(oss.headObject('move-src', HZ, 'd/one.txt')), 'NoSuchKey');
  });

  test('above the threshold (1 GB; lowered here) a copy goes in parts with UploadPartCopy, metadata kept; a failed part aborts and keeps the source', async () => {
    const oss = t.cloud().oss;
    const data = Buffer.alloc(250 * 1024);
    for (let i = 0; i < data.length; i++) {
      data[i] = (i * 7) % 253;
    }
    await oss.putObject('move-src', HZ, 'big/blob.bin', data, 'application/x-demo');
    await oss.replaceObjectMetadata('move-src', HZ, 'big/blob.bin', 'application/x-demo', { owner: 'team-b' });
    const before = t.sandbox.requests.length;
    const [moved] = await copyObjects(
      oss,
      HZ,
      [
        {
          fromBucket: 'move-src',
          fromKey: 'big/blob.bin',
          toBucket: 'move-dst',
          toKey: 'big/blob.bin',
          size: data.length,
        },
      ],
      { move: true, multipartThreshold: 200 * 1024, partSize: 100 * 1024 },
    );
    assert.deepEqual([moved.copied, moved.multipart, moved.sourceDeleted, moved.error], [true, true, true, undefined]);
    const actions = t.sandbox.requests.slice(before).map((r) => r.action);
    assert.deepEqual(
      actions.filter((a) => a !== 'HeadObject'),
      [
        'InitiateMultipartUpload',
        'UploadPartCopy',
        'UploadPartCopy',
        'UploadPartCopy',
        'CompleteMultipartUpload',
        'DeleteObject',
      ],
    );
    assert.ok(!actions.includes('CopyObject'));
    assert.ok(Buffer.compare(await oss.getObject('move-dst', HZ, 'big/blob.bin'), data) === 0);
    const props = await oss.objectProperties('move-dst', HZ, 'big/blob.bin');
    assert.deepEqual(
      [props.contentType, props.userMeta, props.objectType],
      ['application/x-demo', { owner: 'team-b' }, 'Multipart'],
    );
    assert.match(props.etag ?? '', /-3"$/);

    // A part that cannot be copied (the listing said it was bigger than it is): the upload is
    // aborted, nothing lands at the destination, and the source of the move stays.
    await oss.putObject('move-src', HZ, 'big/short.bin', data);
    const [failed] = await copyObjects(
      oss,
      HZ,
      [
        {
          fromBucket: 'move-src',
          fromKey: 'big/short.bin',
          toBucket: 'move-dst',
          toKey: 'big/short.bin',
          size: 500 * 1024,
        },
      ],
      { move: true, multipartThreshold: 200 * 1024, partSize: 100 * 1024 },
    );
    assert.deepEqual([failed.copied, failed.sourceDeleted], [false, false]);
    assert.match(failed.error!, /range is not satisfiable/);
    assert.equal(await code(oss.headObject('move-dst', HZ, 'big/short.bin')), 'NoSuchKey');
    assert.equal((await oss.getObject('move-src', HZ, 'big/short.bin')).length, data.length);
    assert.equal(
      [...t.sandbox.state.uploads.values()].filter((u) => u.bucket === 'move-dst').length,
      0,
      'no parts left behind',
    );
  });

  test('properties from HEAD; content type and user metadata replaced in place (CopyObject REPLACE)', async () => {
    const oss = t.cloud().oss;
    await oss.putObject('move-src', HZ, 'meta.txt', Buffer.from('hello'), 'text/plain');
    const before = await oss.objectProperties('move-src', HZ, 'meta.txt');
    assert.equal(before.size, 5);
    assert.equal(before.storageClass, 'Standard');
    assert.match(before.crc64 ?? '', /^\d+$/);
    assert.deepEqual(before.userMeta, {});
    await oss.replaceObjectMetadata('move-src', HZ, 'meta.txt', 'application/json', { owner: 'team-a' });
    const after = await oss.objectProperties('move-src', HZ, 'meta.txt');
    assert.equal(after.contentType, 'application/json');
    assert.deepEqual(after.userMeta, { owner: 'team-a' });
    assert.equal(after.etag, before.etag);
    assert.equal((await oss.getObject('move-src', HZ, 'meta.txt')).toString(), 'hello');
  });
});
