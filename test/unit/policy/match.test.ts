import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchAction, matchResource, matchWildcard, parseArn } from '../../../src/policy/match';
import { checkConditions, ipInRange, parseCidr, parseIp } from '../../../src/policy/conditions';

describe('match', () => {
  it('wildcards: * spans anything including / and :, ? exactly one char, regex characters are literal', () => {
    assert.ok(matchWildcard('a*z', 'az'));
    assert.ok(matchWildcard('a*z', 'a/b:c/z'));
    assert.ok(matchWildcard('a?c', 'abc'));
    assert.ok(!matchWildcard('a?c', 'ac'));
    assert.ok(!matchWildcard('a.c', 'abc'));
    assert.ok(matchWildcard('a+(b)[c]$^|\\', 'a+(b)[c]$^|\\'));
    assert.ok(!matchWildcard('abc', 'ABC'));
    assert.ok(matchWildcard('abc', 'ABC', true));
    assert.ok(matchWildcard('line*', 'line1\nline2'));
  });

  it('actions are case-insensitive', () => {
    assert.ok(matchAction('ECS:describe*', 'ecs:DescribeInstances'));
    assert.ok(!matchAction('ecs:Describe*', 'ecs:StartInstance'));
  });

  it('parseArn keeps colons in the relative part', () => {
    assert.deepEqual(parseArn('acs:log:cn-hangzhou:1:project/p:x'), {
      service: 'log',
      region: 'cn-hangzhou',
      account: '1',
      relative: 'project/p:x',
    });
    assert.equal(parseArn('acs:oss:*:1'), undefined);
    assert.equal(parseArn('arn:aws:s3:::b'), undefined);
  });

  it('resources: region/account stars on either side, RAM names case-insensitive, others case-sensitive', () => {
    assert.ok(matchResource('acs:oss:*:*:bkt/*', 'acs:oss:cn-hangzhou:1:bkt/k'));
    assert.ok(matchResource('acs:oss:cn-hangzhou:1:bkt/*', 'acs:oss:*:*:bkt/k'));
    assert.ok(matchResource('acs:RAM::1:Role/Admin', 'acs:ram::1:role/admin'));
    assert.ok(!matchResource('acs:ecs:*:*:instance/I-ABC', 'acs:ecs:*:1:instance/i-abc'));
  });
});

describe('conditions helpers', () => {
  it('parses IPv4 and IPv6', () => {
    assert.deepEqual(parseIp('10.0.0.1'), { bits: 32, n: 0x0a000001n });
    assert.equal(parseIp('256.0.0.1'), undefined);
    assert.equal(parseIp('1.2.3'), undefined);
    assert.deepEqual(parseIp('::1'), { bits: 128, n: 1n });
    assert.deepEqual(parseIp('2001:db8::'), { bits: 128, n: 0x20010db8n << 96n });
    assert.equal(parseIp('1::2::3'), undefined);
    assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(parseIp('::g'), undefined);
  });

  it('CIDR ranges', () => {
    assert.ok(ipInRange('10.255.255.255', '10.0.0.0/8'));
    assert.ok(!ipInRange('11.0.0.0', '10.0.0.0/8'));
    assert.ok(ipInRange('192.168.1.7', '192.168.1.7'));
    assert.ok(ipInRange('8.8.8.8', '0.0.0.0/0'));
    assert.ok(ipInRange('192.168.1.130', '192.168.1.128/25'));
    assert.ok(!ipInRange('192.168.1.127', '192.168.1.128/25'));
    assert.ok(ipInRange('2001:db8:ffff::1', '2001:db8::/32'));
    assert.ok(!ipInRange('2001:db9::1', '2001:db8::/32'));
    assert.ok(!ipInRange('10.0.0.1', '::/0')); // families never mix
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0/'), undefined);
    assert.equal(parseCidr('10.0.0.0/8/8'), undefined);
  });

  it('checkConditions reports the first failing operator and key', () => {
    const block = { StringEquals: { 'acs:A': 'x' }, IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } };
    assert.equal(checkConditions(block, { 'acs:a': 'x', 'acs:sourceip': '10.1.1.1' }), undefined);
    assert.deepEqual(checkConditions(block, { 'acs:A': 'x' }), {
      operator: 'IpAddress',
      key: 'acs:SourceIp',
      reason: 'missing-key',
    });
    assert.deepEqual(checkConditions(block, { 'acs:A': 'y', 'acs:SourceIp': '10.1.1.1' }), {
      operator: 'StringEquals',
      key: 'acs:A',
      reason: 'mismatch',
    });
    assert.deepEqual(checkConditions({ Nope: {} }, {}), { operator: 'Nope', key: '', reason: 'unknown-operator' });
    assert.equal(checkConditions(undefined, {}), undefined);
    assert.equal(checkConditions({}, {}), undefined);
    // An empty context array is the same as a missing key.
    assert.equal(checkConditions({ StringNotEquals: { 'acs:A': 'x' } }, { 'acs:A': [] }), undefined);
    assert.deepEqual(checkConditions({ StringEquals: { 'acs:A': 'x' } }, { 'acs:A': [] })?.reason, 'missing-key');
  });
});
