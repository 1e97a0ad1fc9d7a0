import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverOf, narrowKeys } from '../../../src/policy/objectPrefixes';
import { evaluate } from '../../../src/policy/evaluate';

test("a key's directory; a root key exactly; a wildcard character cuts the pattern short", () => {
  assert.equal(coverOf('reports/2026/03/a.csv'), 'reports/2026/03/*');
  assert.equal(coverOf('index.html'), 'index.html');
  assert.equal(coverOf('in/a*b/c.txt'), 'in/*');
  assert.equal(coverOf('in/x?.txt'), 'in/*');
  assert.equal(coverOf('*root'), '*');
  assert.equal(coverOf('dir/'), 'dir/*');
});

test('siblings merge into their parent when many; few stay apart; never wider than the bucket', () => {
  const months = Array.from({ length: 9 }, (_, i) => `reports/2026/0${i + 1}/r.csv`);
  assert.deepEqual(narrowKeys([...months, 'config/app.json', 'config/flags.json']), ['config/*', 'reports/2026/*']);
  assert.deepEqual(narrowKeys(['a/1/x', 'a/2/x', 'b/y']), ['a/1/*', 'a/2/*', 'b/*']);
  // Many top-level directories: capped, at worst the whole bucket.
  const wide = Array.from({ length: 30 }, (_, i) => `d${i}/f`);
  assert.deepEqual(narrowKeys(wide), ['*']);
  assert.deepEqual(narrowKeys(['x/*y', 'x/z/w']), ['x/*']);
});

test('every key stays allowed by the patterns (the evaluator agrees), hostile keys included', () => {
  const keys = ['in/"q" [x]/a', 'in/*/b', 'in/?/c', 'deep/a/b/c/d/e', 'root.txt', 'new\nline/k', '%2F/x'];
  const patterns = narrowKeys(keys);
  const doc = {
    Version: '1',
    Statement: [
      { Effect: 'Allow' as const, Action: 'oss:GetObject', Resource: patterns.map((p) => `acs:oss:*:1:b/${p}`) },
    ],
  };
  for (const k of keys) {
    const r = evaluate([{ name: 'd', type: 'Custom', document: doc }], {
      action: 'oss:GetObject',
      resource: `acs:oss:*:1:b/${k}`,
    });
    assert.equal(r.effect, 'Allow', `${JSON.stringify(k)} under ${patterns.join(', ')}`);
  }
  assert.ok(!patterns.includes('*'), patterns.join());
});
