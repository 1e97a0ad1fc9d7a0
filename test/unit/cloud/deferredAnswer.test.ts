/**
 * Reading a listing answer in pieces: the top-level token without parsing the rest, and the rows
 * of one nested array, wherever the pieces are cut (inside a string, an escape, a number).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deferredPage, readParts, scanAnswer } from '../../../src/cloud/deferredAnswer';

/** Every way of cutting `text` in two, and a few in many. */
function cuts(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
  }
  for (const size of [1, 2, 3, 7]) {
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += size) {
      parts.push(text.slice(i, i + size));
    }
    out.push(parts);
  }
  return out;
}

const answer = {
  RequestId: 'R-1',
  Instances: {
    Instance: [
      // Values that quote keys or escape quotes are data, and a nested NextToken is not the page's.
      { InstanceId: 'i-1', InstanceName: 'say "NextToken":"x" \\', Meta: { NextToken: 'inner' }, Cpu: 2 },
      { InstanceId: 'i-2', InstanceName: '名字 \\"q', Tags: { Tag: [{ TagKey: 'k', TagValue: '}]{[' }] } },
    ],
  },
  TotalCount: 2,
  IsTruncated: true,
  NextToken: 'tok\\"en',
};
const text = JSON.stringify(answer);

describe('scanAnswer', () => {
  it('reads the top-level scalars and the nested array however the answer is cut', () => {
    for (const parts of cuts(text)) {
      const all = scanAnswer(parts, {
        scalars: ['NextToken', 'TotalCount', 'IsTruncated', 'RequestId'],
        elements: ['Instances', 'Instance'],
      });
      assert.deepEqual(
        all.scalars,
        { NextToken: answer.NextToken, TotalCount: 2, IsTruncated: true, RequestId: 'R-1' },
        parts.join('|'),
      );
      assert.deepEqual(
        all.elements.map((e) => JSON.parse(e)),
        answer.Instances.Instance,
        parts.join('|'),
      );
      assert.equal(scanAnswer(parts, { scalars: ['NextToken'] }).scalars.NextToken, answer.NextToken);
    }
  });

  it('does not take a member of the same name deeper down for the top-level one', () => {
    const last = JSON.stringify({ Instances: { Instance: [{ NextToken: 'x', Marker: 'y' }] }, NextToken: '' });
    assert.deepEqual(scanAnswer([last], { scalars: ['NextToken', 'Marker'] }).scalars, { NextToken: '' });
  });

  it('throws a SyntaxError, as JSON.parse would, on an answer that is not an object or ends early', () => {
    assert.throws(() => scanAnswer([''], { scalars: ['NextToken'] }), SyntaxError);
    assert.throws(() => scanAnswer(['<html>busy</html>'], { scalars: ['NextToken'] }), SyntaxError);
    assert.throws(() => scanAnswer([text.slice(0, 60)], { scalars: ['Absent'] }), SyntaxError);
  });
});

describe('deferredPage', () => {
  it('parses on the first items() only, and keeps the rows', () => {
    let built = 0;
    const page = deferredPage(cuts(text)[40], 'n', ['Instances', 'Instance'], (rows: Array<{ InstanceId: string }>) => {
      built++;
      return rows.map((r) => r.InstanceId);
    });
    assert.equal(built, 0);
    assert.deepEqual(page.items(), ['i-1', 'i-2']);
    assert.deepEqual(page.items(), ['i-1', 'i-2']);
    assert.equal(built, 1);
  });
});

describe('readParts', () => {
  it('keeps a character split between chunks whole and cuts nothing longer than 32 KB', async () => {
    const body = Buffer.from(`{"a":"${'é'.repeat(40_000)}名"}`);
    async function* chunks() {
      yield body.subarray(0, 7); // inside the first é
      yield body.subarray(7, body.length - 3);
      yield body.subarray(body.length - 3);
    }
    const parts = await readParts(chunks());
    assert.equal(parts.join(''), body.toString());
    assert.ok(parts.every((p) => Buffer.byteLength(p) <= 32 * 1024));
  });
});
