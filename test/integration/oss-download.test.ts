// Downloads stream to disk and never leave a half-written file in place of a good one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

test('a large object streams to a file with byte progress', async () => {
  const oss = t.cloud().oss;
  const body = randomBytes(3 * 1024 * 1024 + 17);
  await oss.putObject(DEMO.bucket, 'cn-hangzhou', 'big/blob.bin', body);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oss-dl-')), 'blob.bin');
  let bytes = 0;
  await oss.downloadToFile(DEMO.bucket, 'cn-hangzhou', 'big/blob.bin', file, {
    onBytes: (n) => {
      bytes += n;
    },
  });
  assert.ok(fs.readFileSync(file).equals(body));
  assert.equal(bytes, body.length);
  assert.equal(fs.existsSync(`${file}.part`), false);
});

test('a failed or cancelled download leaves the existing file untouched and no partial file', async () => {
  const oss = t.cloud().oss;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oss-dl-'));
  const file = path.join(dir, 'keep.txt');
  fs.writeFileSync(file, 'precious');
  await assert.rejects(
    oss.downloadToFile(DEMO.bucket, 'cn-hangzhou', 'no/such/key', file),
    (e: CloudError) => e.code === 'NoSuchKey',
  );
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    oss.downloadToFile(DEMO.bucket, 'cn-hangzhou', 'README.md', file, { signal: controller.signal }),
    (e: CloudError) => e.code === 'Cancelled',
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'precious');
  assert.deepEqual(fs.readdirSync(dir), ['keep.txt']);
});
