import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributeLines, logObjectTime, parseAccessLog, parseAccessLogLine } from '../../../src/cloud/ossAccessLog';

// The documented example line (help.aliyun.com/zh/oss/user-guide/logging), key and AccessKey ID ours.
const line = (key = 'example.jpg', accessKeyId = 'STS.NUgYrLnoC37mZZCNnAbez1234', extra = '') =>
  `192.168.0.1 - - [03/Jan/2021:14:59:49 +0800] "GET /example.jpg HTTP/1.0" 200 999131 127 "http://www.aliyun.com/product/oss" "curl/7.15.5" "examplebucket.oss-cn-hangzhou.aliyuncs.com" "5FF16B65F05BC932307A3C3C" "true" "16571836914537****" "GetObject" "examplebucket" "${key}" 999131 88 "-" 302 "16571836914537****" - "cdn" "standard" "-" "-" "${accessKeyId}" "acs:oss***************"${extra}`;

test('the documented line parses: time in UTC, operation, bucket, key, AccessKey ID', () => {
  assert.deepEqual(parseAccessLogLine(line()), {
    at: '2021-01-03T06:59:49Z',
    operation: 'GetObject',
    bucket: 'examplebucket',
    key: 'example.jpg',
    status: 200,
    errorCode: undefined,
    accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez1234',
  });
});

test('fields OSS appends later are accepted; a line of an older format has no AccessKey ID', () => {
  assert.equal(parseAccessLogLine(line('a', 'STS.x', ' "new-field" 12'))?.key, 'a');
  const old = line()
    .split(' "standard"')[0]
    .replace(/ - "cdn"$/, '');
  const parsed = parseAccessLogLine(old);
  assert.equal(parsed?.operation, 'GetObject');
  assert.equal(parsed?.accessKeyId, undefined);
});

test('hostile keys stay data: URL-decoded once, never split a line, never widen', () => {
  const key = 'in/"quoted" [x] *star?/new\nline.txt';
  const encoded = encodeURIComponent(key).replace(/%2F/g, '/');
  assert.equal(parseAccessLogLine(line(encoded))?.key, key);
  // Raw (unencoded) quotes or brackets do not tokenise: counted as malformed, not guessed.
  assert.equal(parseAccessLogLine(line('a"b')), undefined);
  assert.equal(parseAccessLogLine(line('%E0%A4%A')), undefined, 'a broken escape');
  assert.equal(parseAccessLogLine(line(`${'a'.repeat(1024)}`)), undefined, 'longer than OSS allows');
  assert.equal(parseAccessLogLine(line('k', 'STS.a;rm -rf')), undefined);
  const text = [line('a/1'), 'garbage', '', `${line('a/2')}\r`, line().replace('GetObject', '<script>')].join('\n');
  const parsed = parseAccessLog(text);
  assert.deepEqual(
    parsed.lines.map((l) => l.key),
    ['a/1', 'a/2'],
  );
  assert.equal(parsed.malformed, 2);
});

test('log object names: the hour in Beijing time after <prefix><bucket>', () => {
  assert.equal(logObjectTime('2021-01-03-14-00-00-0001'), Date.UTC(2021, 0, 3, 6));
  assert.equal(logObjectTime('x2021-01-03-14-00-00-0001'), undefined, 'another bucket sharing the name start');
  assert.equal(logObjectTime('2021-01-03-14-00-00'), undefined);
});

test("attribution rests on the role's STS AccessKey IDs; long-term keys and anonymous are never the role", () => {
  const parse = (ak: string) => parseAccessLogLine(line('k', ak))!;
  const lines = [
    parse('STS.role1'),
    parse('STS.role2'),
    parse('STS.other'),
    parse(['LT', 'AIxxxxxxxx'].join('')),
    parse('-'),
  ];
  const a = attributeLines(lines, new Set(['STS.role1', 'STS.role2']));
  assert.equal(a.attributed.length, 2);
  assert.equal(a.unattributed, 1);
  assert.equal(a.others, 2);
});
