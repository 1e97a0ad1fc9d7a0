/**
 * Moving and copying objects to a bucket of another region, over real HTTP: the sandbox refuses a
 * server-side copy across regions as OSS does, and copyObjects with `toRegion` carries each object
 * through this machine instead (GetObject, then PutObject or a multipart upload), keeping its
 * content type and user metadata; a move deletes the source only after its upload.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { copyObjects } from '../../src/setup/ossObjectOps';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: CloudError) => e.code,
  );

describe('OSS across regions', () => {
  test('CopyObject refuses a source in another region, so a server-side move fails and keeps its source', async () => {
    const oss = t.cloud().oss;
    await oss.createBucket('xr-src', HZ);
    await oss.createBucket('xr-dst', SH);
    await oss.putObject('xr-src', HZ, 'a.txt', Buffer.from('a'));
    assert.equal(await code(oss.copyObjectFrom('xr-src', 'a.txt', 'xr-dst', 'a.txt', SH)), 'InvalidRequest');
    const [serverSide] = await copyObjects(
      oss,
      HZ,
      [{ fromBucket: 'xr-src', fromKey: 'a.txt', toBucket: 'xr-dst', toKey: 'a.txt' }],
      { move: true },
    );
    assert.deepEqual([serverSide.copied, serverSide.sourceDeleted], [false, false]);
  });

  test('move through this machine: content, type and metadata arrive; the source goes only after', async () => {
    const oss = t.cloud().oss;
    await oss.putObject('xr-src', HZ, 'd/one.txt', Buffer.from('one'), 'text/plain');
    await oss.replaceObjectMetadata('xr-src', HZ, 'd/one.txt', 'text/plain', { owner: 'team-a' });
    const before = t.sandbox.requests.length;
    const progress: number[] = [];
    const results = await copyObjects(
      oss,
      HZ,
      [
        { fromBucket: 'xr-src', fromKey: 'd/one.txt', toBucket: 'xr-dst', toKey: 'in/one.txt' },
        { fromBucket: 'xr-src', fromKey: 'd/missing.txt', toBucket: 'xr-dst', toKey: 'in/missing.txt' },
      ],
      { move: true, toRegion: SH, onObjectProgress: (f) => progress.push(f) },
    );
    assert.deepEqual(
      results.map((r) => [r.copied, r.sourceDeleted, !!r.error]),
      [
        [true, true, false],
        [false, false, true],
      ],
    );
    const actions = t.sandbox.requests.slice(before).map((r) => r.action);
    assert.ok(!actions.includes('CopyObject'));
    assert.ok(actions.indexOf('GetObject') < actions.indexOf('PutObject'));
    assert.ok(actions.indexOf('PutObject') < actions.indexOf('DeleteObject'));
    assert.equal(progress.at(-1), 1);
    assert.equal((await oss.getObject('xr-dst', SH, 'in/one.txt')).toString(), 'one');
    const props = await oss.objectProperties('xr-dst', SH, 'in/one.txt');
    assert.deepEqual([props.contentType, props.userMeta], ['text/plain', { owner: 'team-a' }]);
    assert.equal(await code(oss.headObject('xr-src', HZ, 'd/one.txt')), 'NoSuchKey');
  });

  test('a copy above the threshold goes up in parts and leaves the source', async () => {
    const oss = t.cloud().oss;
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i++) {
      data[i] = (i * 13) % 251;
    }
    await oss.putObject('xr-src', HZ, 'big.bin', data, 'application/x-demo');
    const before = t.sandbox.requests.length;
    const [r] = await copyObjects(
      oss,
      HZ,
      [{ fromBucket: 'xr-src', fromKey: 'big.bin', toBucket: 'xr-dst', toKey: 'big.bin' }],
      { move: false, toRegion: SH, multipartThreshold: 200 * 1024, partSize: 100 * 1024 },
    );
    assert.deepEqual([r.copied, r.sourceDeleted, r.error], [true, false, undefined]);
    const actions = t.sandbox.requests.slice(before).map((x) => x.action);
    assert.ok(
      actions.includes('InitiateMultipartUpload') && actions.includes('CompleteMultipartUpload'),
      actions.join(),
    );
    assert.ok(Buffer.compare(await oss.getObject('xr-dst', SH, 'big.bin'), data) === 0);
    assert.equal((await oss.headObject('xr-dst', SH, 'big.bin')).contentType, 'application/x-demo');
    assert.equal((await oss.getObject('xr-src', HZ, 'big.bin')).length, data.length);
  });
});
