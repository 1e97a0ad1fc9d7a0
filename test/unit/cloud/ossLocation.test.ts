/** oss:// URIs and folder arithmetic (no cloud needed). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  asPrefix,
  baseName,
  entryName,
  formatOssUri,
  formatSize,
  isBucketName,
  parentPrefix,
  parseOssUri,
} from '../../../src/cloud/ossLocation';

describe('oss:// locations', () => {
  it('parses and formats URIs', () => {
    assert.deepEqual(parseOssUri('oss://demo-data/logs/2026/'), { bucket: 'demo-data', key: 'logs/2026/' });
    assert.deepEqual(parseOssUri('oss://demo-data'), { bucket: 'demo-data', key: '' });
    assert.deepEqual(parseOssUri(' demo-data/a b.txt '), { bucket: 'demo-data', key: 'a b.txt' });
    assert.equal(parseOssUri('oss://Bad_Bucket/x'), undefined);
    assert.equal(parseOssUri('https://x'), undefined);
    assert.equal(parseOssUri(''), undefined);
    assert.equal(formatOssUri({ bucket: 'b1b', key: 'a/b.txt' }), 'oss://b1b/a/b.txt');
    assert.equal(formatOssUri({ bucket: 'b1b', key: '' }), 'oss://b1b/');
    assert.ok(isBucketName('abc') && !isBucketName('ab') && !isBucketName('-abc') && !isBucketName('ABC'));
  });

  it('does folder arithmetic', () => {
    assert.equal(asPrefix('a/b'), 'a/b/');
    assert.equal(asPrefix('a/b/'), 'a/b/');
    assert.equal(asPrefix(''), '');
    assert.equal(baseName('a/b/c.txt'), 'c.txt');
    assert.equal(baseName('a/b/'), 'b');
    assert.equal(parentPrefix('a/b/c.txt'), 'a/b/');
    assert.equal(parentPrefix('a/b/'), 'a/');
    assert.equal(parentPrefix('top.txt'), '');
    assert.equal(entryName({ kind: 'folder', prefix: 'logs/2026/' }, 'logs/'), '2026');
    assert.equal(entryName({ kind: 'object', key: 'logs/x.log', size: 1, lastModified: '' }, 'logs/'), 'x.log');
    assert.equal(entryName({ kind: 'folder', prefix: 'a//' }, 'a/'), '/');
  });

  it('formats sizes', () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(1023), '1023 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(50 * 1024 * 1024), '50 MB');
  });
});
