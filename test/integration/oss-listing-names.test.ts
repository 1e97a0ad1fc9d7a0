// Keys are free text: "share/../x", "share/./y", "share//z", "share/a\b" are real objects. What
// the oss:// file system's readDirectory returns (directoryEntries over a real listing) never
// holds a name VS Code would join into another path, and a key with such a segment is no path.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { directoryEntries, isPathSafeKey, isPathSafeName } from '../../src/cloud/ossLocation';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const HZ = 'cn-hangzhou';
const HOSTILE = ['share/../x', 'share/./y', 'share//z', 'share/a\\b', 'share/c:d', 'share/.../ok', 'share/ok.txt'];

describe('oss:// directory names from listings', () => {
  before(() => {
    // Put straight into the sandbox: our client refuses "." and ".." segments, other tools may not.
    const objects = t.sandbox.state.buckets.get(DEMO.bucket)!.objects;
    for (const key of HOSTILE) {
      objects.set(key, {
        key,
        body: Buffer.from(key),
        contentType: 'text/plain',
        etag: '"0"',
        lastModified: new Date().toISOString(),
        meta: {},
      });
    }
  });

  const list = async (prefix: string) =>
    (await t.cloud().oss.listObjects(DEMO.bucket, HZ, { prefix, maxKeys: 1000 })).items;

  for (const windows of [false, true]) {
    test(`no "", ".", "..", "/" or "\\" name reaches VS Code; the keys left out are reported (${windows ? 'Windows' : 'POSIX'})`, async () => {
      const root = directoryEntries(await list('share/'), 'share/', windows);
      const names = root.entries.map((e) => e.name).sort();
      assert.deepEqual(names, windows ? ['...', 'ok.txt'] : ['...', 'c:d', 'ok.txt']);
      assert.deepEqual(
        root.skipped.sort(),
        (windows
          ? ['share//', 'share/../', 'share/./', 'share/a\\b', 'share/c:d']
          : ['share//', 'share/../', 'share/./', 'share/a\\b']
        ).sort(),
      );
      for (const n of names) {
        assert.ok(isPathSafeName(n, windows), n);
      }
      // The bucket root still lists "share" once (the "../x" key does not hide it).
      assert.deepEqual(
        directoryEntries(await list(''), '', windows).entries.filter((e) => e.name === 'share'),
        [{ name: 'share', folder: true }],
      );
    });
  }

  test('stat/readFile segments: a key with such a segment is not a path, ordinary ones are', () => {
    for (const key of ['share/../x', 'share/./y', 'share//z', 'share/a\\b', '../x', './', 'a//']) {
      assert.equal(isPathSafeKey(key, false), false, key);
    }
    assert.equal(isPathSafeKey('share/c:d', true), false);
    for (const key of ['', 'share/', 'share/ok.txt', 'share/.../ok', 'a.b/..c', 'share/c:d']) {
      assert.equal(isPathSafeKey(key, false), true, key);
    }
  });
});
