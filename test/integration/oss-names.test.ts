// OSS object naming rules are checked before any request, one message per rule, and a refusal is
// our own InvalidObjectName: never a server error such as SignatureDoesNotMatch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import type { CloudError } from '../../src/cloud/errors';
import { folderNameProblem, objectKeyProblem } from '../../src/cloud/oss';
import { useSandbox } from '../helpers/sandbox';

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
    for (const ok of ['reports', '2026/02', 'a.b/..c', 'räume', 'x'.repeat(1000)]) {
      assert.equal(folderNameProblem('docs/', ok), undefined, ok);
    }
    // 1,023 bytes is the limit, counted in UTF-8 (3 bytes for 中).
    assert.equal(objectKeyProblem('中'.repeat(341)), undefined);
    assert.match(objectKeyProblem('中'.repeat(342)) ?? '', /1026 bytes/);
  });

  test('a refused name sends nothing, and the error is InvalidObjectName', async () => {
    const oss = t.cloud().oss;
    const before = t.sandbox.requests.length;
    for (const key of ['docs/../', `${'k'.repeat(1100)}/`, '/abs']) {
      await assert.rejects(
        oss.createFolder('demo-data', 'cn-hangzhou', key),
        (e: CloudError) => e.code === 'InvalidObjectName' && !e.explanation,
      );
    }
    assert.equal(t.sandbox.requests.length, before);
  });

  test('the seeded images/logo.png is a complete PNG: signature, chunk CRCs, IHDR, IDAT that inflates, IEND', async () => {
    const png = await t.cloud().oss.getObject('demo-data', 'cn-hangzhou', 'images/logo.png');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < png.length;) {
      const len = png.readUInt32BE(at);
      const type = png.subarray(at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + len);
      assert.equal(
        png.readUInt32BE(at + 8 + len),
        crc32(Buffer.concat([type, data])),
        `CRC of ${type.toString('latin1')}`,
      );
      chunks.push({ type: type.toString('latin1'), data });
      at += 12 + len;
    }
    assert.deepEqual(
      chunks.map((c) => c.type),
      ['IHDR', 'IDAT', 'IEND'],
    );
    const width = chunks[0].data.readUInt32BE(0);
    const height = chunks[0].data.readUInt32BE(4);
    assert.equal(inflateSync(chunks[1].data).length, height * (1 + width * 4), 'one filter byte and RGBA per row');
  });
});
