import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { explainDenial, suggestResources, suggestStatement } from '../../../src/policy/explain';
import { evaluate } from '../../../src/policy/evaluate';
import { ossReadOnlyPolicy, ossReadWritePolicy, passRolePolicy, roleArn } from '../../../src/policy/builders';
import type { AuthorizationRequest, NamedPolicy, PolicyDocument } from '../../../src/policy/types';

const named = (document: PolicyDocument, name = 'P'): NamedPolicy => ({ name, type: 'Custom', document });

/** Adding the suggested statement (or any alternative) must turn the request into an Allow. */
function assertSuggestionWorks(policies: NamedPolicy[], req: AuthorizationRequest): void {
  const e = explainDenial(policies, req);
  assert.ok(e.suggestion);
  for (const st of [e.suggestion.statement, ...e.suggestion.alternatives]) {
    const d = evaluate([...policies, named({ Version: '1', Statement: [st] }, 'Suggested')], req);
    assert.equal(d.effect, 'Allow', JSON.stringify(st));
  }
}

describe('explainDenial', () => {
  it('no Allow: OSS PutObject under a read-only policy, with a folder-scoped suggestion', () => {
    const req = { action: 'oss:PutObject', resource: 'acs:oss:*:123:bkt/a/b.txt' };
    const e = explainDenial([named(ossReadOnlyPolicy(), 'AliyunOSSReadOnlyAccess')], req);
    assert.equal(e.reason, 'NoAllow');
    assert.equal(e.action, 'oss:PutObject');
    assert.equal(e.resource, 'acs:oss:*:123:bkt/a/b.txt');
    assert.equal(e.denyingStatement, undefined);
    assert.deepEqual(e.conditionMisses, []);
    assert.deepEqual(e.suggestion, {
      statement: { Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:bkt/a/*'] },
      alternatives: [
        { Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:123:bkt/a/b.txt'] },
        { Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:bkt/*'] },
      ],
    });
    assertSuggestionWorks([named(ossReadOnlyPolicy())], req);
  });

  it('explicit Deny: names the statement, suggests nothing (an Allow cannot help)', () => {
    const deny = named(
      {
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
          { Effect: 'Deny', Action: 'oss:Delete*', Resource: 'acs:oss:*:*:bkt/*' },
        ],
      },
      'NoDeletes',
    );
    const e = explainDenial([deny], { action: 'oss:DeleteObject', resource: 'acs:oss:*:123:bkt/x' });
    assert.equal(e.reason, 'ExplicitDeny');
    assert.equal(e.denyingStatement?.policyName, 'NoDeletes');
    assert.equal(e.denyingStatement?.index, 1);
    assert.equal(e.denyingStatement?.statement.Effect, 'Deny');
    assert.equal(e.suggestion, undefined);
  });

  it('allowed requests are reported as such', () => {
    const e = explainDenial([named(ossReadOnlyPolicy())], { action: 'oss:GetObject', resource: 'acs:oss:*:123:bkt/x' });
    assert.equal(e.reason, 'Allowed');
    assert.equal(e.suggestion, undefined);
  });

  it('lists Allow statements that only failed on a Condition', () => {
    const policies = [named(ossReadWritePolicy('bkt', 'logs/'), 'LogsRW')];
    const req = { action: 'oss:ListObjects', resource: 'acs:oss:*:123:bkt', conditions: { 'oss:Prefix': 'data/' } };
    const e = explainDenial(policies, req);
    assert.equal(e.reason, 'NoAllow');
    assert.equal(e.conditionMisses.length, 1);
    assert.equal(e.conditionMisses[0].statement.policyName, 'LogsRW');
    assert.equal(e.conditionMisses[0].statement.index, 1);
    assert.deepEqual(e.conditionMisses[0].failure, { operator: 'StringLike', key: 'oss:Prefix', reason: 'mismatch' });
    const missing = explainDenial(policies, { ...req, conditions: {} });
    assert.equal(missing.conditionMisses[0].failure.reason, 'missing-key');
    assert.deepEqual(missing.suggestion?.statement.Resource, ['acs:oss:*:*:bkt']);
    assertSuggestionWorks(policies, req);
  });

  it('PassRole on another role: suggests exactly that role, not role/*', () => {
    const acct = '1234567890123456';
    const policies = [named(passRolePolicy(roleArn(acct, 'EcsRoleForOss')))];
    const req = { action: 'ram:PassRole', resource: roleArn(acct, 'OtherRole') };
    const e = explainDenial(policies, req);
    assert.equal(e.reason, 'NoAllow');
    assert.deepEqual(e.suggestion?.statement, {
      Effect: 'Allow',
      Action: ['ram:PassRole'],
      Resource: [`acs:ram::${acct}:role/OtherRole`],
    });
    assert.deepEqual(
      e.suggestion?.alternatives.map((s) => s.Resource),
      [[`acs:ram::${acct}:role/*`]],
    );
    assertSuggestionWorks(policies, req);
  });
});

describe('suggestResources', () => {
  const cases: [string, string[]][] = [
    ['*', ['*']],
    ['acs:oss:*:123:bkt/a/b.txt', ['acs:oss:*:*:bkt/a/*', 'acs:oss:*:123:bkt/a/b.txt', 'acs:oss:*:*:bkt/*']],
    ['acs:oss:*:123:bkt/b.txt', ['acs:oss:*:*:bkt/*', 'acs:oss:*:123:bkt/b.txt']],
    [
      'acs:oss:cn-hangzhou:123:bkt/dir/',
      ['acs:oss:*:*:bkt/dir/*', 'acs:oss:cn-hangzhou:123:bkt/dir/', 'acs:oss:*:*:bkt/*'],
    ],
    ['acs:oss:*:123:bkt', ['acs:oss:*:*:bkt', 'acs:oss:*:123:bkt']],
    ['acs:oss:*:*:bkt', ['acs:oss:*:*:bkt']],
    ['acs:oss:*:123:*', ['acs:oss:*:*:*', 'acs:oss:*:123:*']],
    ['acs:ram::123:role/EcsRole', ['acs:ram::123:role/EcsRole', 'acs:ram::123:role/*']],
    ['acs:ecs:cn-hangzhou:123:instance/i-abc', ['acs:ecs:*:*:instance/*', 'acs:ecs:cn-hangzhou:123:instance/i-abc']],
    ['acs:vpc:cn-hangzhou:123:vpc', ['acs:vpc:cn-hangzhou:123:vpc']],
    ['not-an-arn', ['not-an-arn']],
  ];
  for (const [resource, expected] of cases) {
    it(resource, () => {
      assert.deepEqual(suggestResources(resource), expected);
      // Every candidate covers the original resource.
      const st = suggestStatement('x:Y', resource);
      for (const s of [st.statement, ...st.alternatives]) {
        assert.equal(evaluate([named({ Version: '1', Statement: [s] })], { action: 'x:Y', resource }).effect, 'Allow');
      }
    });
  }
});
