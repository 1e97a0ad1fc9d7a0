/**
 * Catalogues of a real region's size are read to the end, and OSS transfers keep data safe, over
 * the wire: a failed multipart upload is aborted and never redone whole; objects that would land
 * on one local path are renamed, never overwritten; a download's temporary file never touches a
 * user's file; a batch goes on past a failure and reports it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CloudError } from '../../src/cloud/errors';
import { DEMO } from '../../src/sandbox/seed/demo';
import { existsIgnoringCase, runBatch, uniqueLocalPaths } from '../../src/setup/ossTransfer';
import { useSandbox } from '../helpers/sandbox';

const REGION = 'cn-hangzhou';
const t = useSandbox({ realism: { largeCatalogues: true } });

describe('catalogues of a real region are read to the end', () => {
  const inRegion = <T extends { regionId?: string }>(xs: T[]) => xs.filter((x) => !x.regionId || x.regionId === REGION);

  it('images, instance types, vSwitches and security groups: every entry, over several pages', async () => {
    const ecs = t.cloud().ecs;
    const from = t.sandbox.requests.length;
    const [images, types, vsws, groups] = await Promise.all([
      ecs.describeImages(REGION),
      ecs.describeInstanceTypes(REGION),
      ecs.describeVSwitches(REGION),
      ecs.describeSecurityGroups(REGION),
    ]);
    const st = t.sandbox.state;
    assert.equal(images.length, inRegion(st.images).filter((i) => i.ownerAlias === 'system').length);
    assert.equal(types.length, st.instanceTypes.length);
    assert.equal(vsws.length, inRegion(st.vswitches).length);
    assert.equal(groups.length, inRegion(st.securityGroups).length);
    assert.ok(
      images.length > 100 && types.length > 100 && vsws.length > 50 && groups.length > 100,
      'each is more than one page',
    );
    assert.equal(new Set(types.map((x) => x.instanceTypeId)).size, types.length, 'no page read twice');
    const calls = (a: string) => t.sandbox.requests.slice(from).filter((r) => r.action === a).length;
    assert.ok(
      calls('DescribeImages') >= 2 &&
        calls('DescribeInstanceTypes') >= 3 &&
        calls('DescribeVSwitches') >= 2 &&
        calls('DescribeSecurityGroups') >= 2,
    );
  });

  it('regions and zones come whole in one answer', async () => {
    const ecs = t.cloud().ecs;
    const regions = await ecs.describeRegions();
    assert.ok(regions.length >= 20, `${regions.length} regions`);
    assert.ok((await ecs.describeZones(REGION)).length > 1);
  });
});

describe('OSS data safety', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'oss-safe-'));

  it('a multipart upload that fails is aborted (no parts left behind) and not retried whole', async () => {
    const dir = tmp();
    const file = path.join(dir, 'big.bin');
    fs.writeFileSync(file, randomBytes(300 * 1024));
    // A 503 is retryable for a single request; redoing a multipart upload whole is not allowed.
    t.sandbox.faults.add({ service: 'oss', action: 'UploadPart', kind: 'error5xx', status: 503, count: 1 });
    const from = t.sandbox.requests.length;
    try {
      await assert.rejects(
        t
          .cloud()
          .oss.uploadFile(DEMO.bucket, REGION, 'safety/big.bin', file, { threshold: 100 * 1024, partSize: 100 * 1024 }),
      );
    } finally {
      t.sandbox.faults.clear();
    }
    const seen = t.sandbox.requests.slice(from).map((r) => r.action);
    assert.equal(seen.filter((a) => a === 'InitiateMultipartUpload').length, 1, 'one upload, never started again');
    assert.equal(seen.filter((a) => a === 'AbortMultipartUpload').length, 1, 'aborted');
    assert.equal(
      [...t.sandbox.state.uploads.values()].filter((u) => u.key === 'safety/big.bin').length,
      0,
      'no parts left',
    );
  });

  it('objects that would share a local path (flattened, or differing only in case) are renamed, never overwritten', async () => {
    const oss = t.cloud().oss;
    const keys = ['safety/a/x.txt', 'safety/b/x.txt', 'safety/c/X.txt'];
    for (const k of keys) {
      await oss.putObject(DEMO.bucket, REGION, k, Buffer.from(k));
    }
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'x (2).txt'), "the user's own file");
    const planned = uniqueLocalPaths(
      keys.map((key) => ({ key, local: path.join(dir, path.basename(key)) })),
      existsIgnoringCase,
    );
    for (const j of planned.items) {
      await oss.downloadToFile(DEMO.bucket, REGION, j.key, j.local);
    }
    assert.deepEqual(
      planned.items.map((j) => path.basename(j.local)),
      ['x.txt', 'x (3).txt', 'X (4).txt'],
    );
    assert.equal(planned.renamed.length, 2);
    for (const j of planned.items) {
      assert.equal(fs.readFileSync(j.local, 'utf8'), j.key);
    }
    assert.equal(fs.readFileSync(path.join(dir, 'x (2).txt'), 'utf8'), "the user's own file");
  });

  it('the temporary download file has a name of its own: a failed download leaves a user\'s "file.part" alone', async () => {
    const dir = tmp();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(`${file}.part`, "the user's own .part file");
    await assert.rejects(t.cloud().oss.downloadToFile(DEMO.bucket, REGION, 'no/such/key', file), { code: 'NoSuchKey' });
    t.sandbox.faults.add({ service: 'oss', action: 'GetObject', kind: 'down', count: 3 });
    try {
      await assert.rejects(t.cloud().oss.downloadToFile(DEMO.bucket, REGION, 'README.md', file));
    } finally {
      t.sandbox.faults.clear();
    }
    assert.deepEqual(fs.readdirSync(dir), ['notes.txt.part']);
    assert.equal(fs.readFileSync(`${file}.part`, 'utf8'), "the user's own .part file");
  });

  it('a batch goes on past a failed object and ends with what failed', async () => {
    const oss = t.cloud().oss;
    const dir = tmp();
    const jobs = ['README.md', 'no/such/key', 'safety/a/x.txt'].map((key, i) => ({
      key,
      local: path.join(dir, `f${i}`),
    }));
    const result = await runBatch(jobs, (j) => oss.downloadToFile(DEMO.bucket, REGION, j.key, j.local));
    assert.deepEqual(
      result.done.map((j) => j.key),
      ['README.md', 'safety/a/x.txt'],
    );
    assert.deepEqual(
      result.failed.map((f) => [f.item.key, (f.error as CloudError).code]),
      [['no/such/key', 'NoSuchKey']],
    );
  });
});
