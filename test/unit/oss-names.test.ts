// OSS object naming rules are checked before any request, one message per rule, and a refusal is
// our own InvalidObjectName: never a server error such as SignatureDoesNotMatch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CloudError } from '../../src/cloud/errors';
import { folderNameProblem, objectKeyProblem } from '../../src/cloud/oss';
import { useSandbox } from './helpers/sandbox';

const t = useSandbox();

describe('OSS object names', () => {
  test('each rule has its own message', () => {
    const messages = [
      folderNameProblem('', ''),
      folderNameProblem('', '   '),
      folderNameProblem('docs/', '/a'),
      folderNameProblem('docs/', '\\a'),
      folderNameProblem('docs/', 'a//b'),
      folderNameProblem('docs/', '..'),
      folderNameProblem('docs/', 'a/./b'),
      folderNameProblem('docs/', 'x'.repeat(1100)),
      folderNameProblem('docs/', 'bad\uD800'),
    ];
    assert.equal(messages[0], messages[1], 'empty and blank are the same rule');
    const distinct = new Set([messages[0], messages[2], messages[4], messages[5], messages[7], messages[8]]);
    assert.equal(distinct.size, 6, messages.join('\n'));
    assert.equal(messages[2], messages[3]);
    assert.equal(messages[5], messages[6]);
    assert.match(messages[7]!, /1106 bytes .* at most 1023/);
    assert.ok(messages.every((m) => m && !/signature|secret/i.test(m)));
    for (const ok of ['reports', '2026/02', 'a.b/..c', 'räume', 'x'.repeat(1000)]) { assert.equal(folderNameProblem('docs/', ok), undefined, ok); }
    // 1,023 bytes is the limit, counted in UTF-8 (3 bytes for 中).
    assert.equal(objectKeyProblem('中'.repeat(341)), undefined);
    assert.match(objectKeyProblem('中'.repeat(342)) ?? '', /1026 bytes/);
  });

  test('a refused name sends nothing, and the error is InvalidObjectName', async () => {
    const oss = t.cloud().oss;
    const before = t.sandbox.requests.length;
    for (const key of ['docs/../', `${'k'.repeat(1100)}/`, '/abs']) {
      await assert.rejects(oss.createFolder('demo-data', 'cn-hangzhou', key), (e: CloudError) => e.code === 'InvalidObjectName' && !e.explanation);
    }
    assert.equal(t.sandbox.requests.length, before);
  });
});
