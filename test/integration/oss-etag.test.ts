// What an oss:// save relies on, over the wire: PutObject hands back the ETag HeadObject reports
// later (so a save can tell whether the object changed since it was read), and a create with
// x-oss-forbid-overwrite never replaces an object that appeared meanwhile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const region = 'cn-hangzhou';

test('PutObject returns the ETag that HeadObject reports; another write changes it', async () => {
  const oss = t.cloud().oss;
  const first = await oss.putObject(DEMO.bucket, region, 'etag/a.txt', Buffer.from('one'));
  assert.ok(first);
  assert.equal((await oss.headObject(DEMO.bucket, region, 'etag/a.txt')).etag, first);
  const second = await oss.putObject(DEMO.bucket, region, 'etag/a.txt', Buffer.from('two'));
  assert.notEqual(second, first);
  assert.equal((await oss.headObject(DEMO.bucket, region, 'etag/a.txt')).etag, second);
});

test('forbidOverwrite refuses an existing key with FileAlreadyExists and leaves it as it was', async () => {
  const oss = t.cloud().oss;
  await oss.putObject(DEMO.bucket, region, 'etag/b.txt', Buffer.from('theirs'));
  await assert.rejects(
    oss.putObject(DEMO.bucket, region, 'etag/b.txt', Buffer.from('mine'), undefined, { forbidOverwrite: true }),
    (e: CloudError) => e.code === 'FileAlreadyExists',
  );
  assert.equal((await oss.getObject(DEMO.bucket, region, 'etag/b.txt')).toString(), 'theirs');
  assert.ok(
    await oss.putObject(DEMO.bucket, region, 'etag/new.txt', Buffer.from('fresh'), undefined, {
      forbidOverwrite: true,
    }),
  );
});
