import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../../src/policy/evaluate';
import {
  ossReadOnlyBucketPolicy,
  ossReadOnlyPolicy,
  ossReadWritePolicy,
  passRolePolicy,
  roleArn,
} from '../../../src/policy/builders';
import type { AuthorizationRequest, NamedPolicy, PolicyDocument, PolicyStatement } from '../../../src/policy/types';

const named = (document: PolicyDocument, name = 'P', type: 'System' | 'Custom' = 'Custom'): NamedPolicy => ({
  name,
  type,
  document,
});
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '1', Statement });
const effect = (policies: NamedPolicy[], req: AuthorizationRequest) => evaluate(policies, req).effect;
const obj = (key: string, bucket = 'bkt', account = '1234567890') => `acs:oss:*:${account}:${bucket}/${key}`;

describe('evaluate: basics', () => {
  it('no policies → implicit deny', () => {
    assert.deepEqual(evaluate([], { action: 'oss:GetObject', resource: obj('a') }), { effect: 'ImplicitDeny' });
  });

  it('OSS read-only allows Get*/List* and implicitly denies writes', () => {
    const ps = [named(ossReadOnlyPolicy(), 'AliyunOSSReadOnlyAccess', 'System')];
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('a/b.txt') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:ListObjects', resource: 'acs:oss:*:1234567890:bkt' }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:ListBuckets', resource: 'acs:oss:*:1234567890:*' }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('a/b.txt') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'oss:DeleteObject', resource: obj('a/b.txt') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'ecs:DescribeInstances', resource: '*' }), 'ImplicitDeny');
  });

  it('returns the matched statement reference for Allow', () => {
    const ps = [
      named(doc({ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' })),
      named(ossReadOnlyPolicy(), 'RO', 'System'),
    ];
    const d = evaluate(ps, { action: 'oss:GetObject', resource: obj('x') });
    assert.equal(d.effect, 'Allow');
    assert.ok(d.effect === 'Allow');
    assert.deepEqual(
      { ...d.matched, statement: undefined },
      { policyName: 'RO', policyType: 'System', index: 0, statement: undefined },
    );
    assert.deepEqual(d.matched.statement.Action, ['oss:Get*', 'oss:List*']);
  });

  it('explicit Deny beats Allow regardless of order, and is reported', () => {
    const deny = named(
      doc(
        { Effect: 'Allow', Action: 'oss:ListObjects', Resource: '*' },
        { Effect: 'Deny', Action: 'oss:GetObject', Resource: obj('secret/*', 'bkt', '*') },
      ),
      'NoSecrets',
    );
    for (const ps of [
      [named(ossReadOnlyPolicy(), 'RO'), deny],
      [deny, named(ossReadOnlyPolicy(), 'RO')],
    ]) {
      const d = evaluate(ps, { action: 'oss:GetObject', resource: obj('secret/k') });
      assert.equal(d.effect, 'ExplicitDeny');
      assert.ok(d.effect === 'ExplicitDeny');
      assert.equal(d.matched.policyName, 'NoSecrets');
      assert.equal(d.matched.index, 1);
      assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('public/k') }), 'Allow');
    }
  });

  it('Deny alone is just a deny, never an allow', () => {
    const ps = [named(doc({ Effect: 'Deny', Action: 'oss:PutObject', Resource: '*' }))];
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('a') }), 'ExplicitDeny');
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('a') }), 'ImplicitDeny');
  });
});

describe('evaluate: action matching', () => {
  const allow = (Action: string | string[]) => [named(doc({ Effect: 'Allow', Action, Resource: '*' }))];
  const cases: [string | string[], string, boolean][] = [
    ['*', 'ecs:RunInstances', true],
    ['oss:*', 'oss:GetObject', true],
    ['oss:*', 'ossx:GetObject', false],
    ['oss:Get*', 'oss:GetObject', true],
    ['oss:Get*', 'oss:getobjectmeta', true], // case-insensitive
    ['OSS:GETOBJECT', 'oss:GetObject', true],
    ['oss:Get*', 'oss:PutObject', false],
    ['ecs:Describe*', 'ecs:DescribeInstances', true],
    ['ecs:Describe*', 'ecs:AttachInstanceRamRole', false],
    ['ecs:Describe?nstances', 'ecs:DescribeInstances', true],
    ['ecs:Describe?nstances', 'ecs:DescribeXXnstances', false],
    ['oss:GetObject', 'oss:GetObjectAcl', false], // exact names do not prefix-match
    [['ram:PassRole', 'ecs:*'], 'ecs:StopInstance', true],
    ['oss.Get*', 'ossXGetObject', false], // `.` is literal
    [[], 'oss:GetObject', false],
  ];
  for (const [pattern, action, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${action}`, () => {
      assert.equal(effect(allow(pattern), { action, resource: '*' }), expected ? 'Allow' : 'ImplicitDeny');
    });
  }

  it('NotAction: everything except the listed actions', () => {
    const ps = [named(doc({ Effect: 'Allow', NotAction: ['ram:*', 'oss:Delete*'], Resource: '*' }))];
    assert.equal(effect(ps, { action: 'ecs:RunInstances', resource: '*' }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('a') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:DeleteObject', resource: obj('a') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'RAM:CreateUser', resource: '*' }), 'ImplicitDeny');
  });

  it('Deny with NotAction denies everything else', () => {
    const ps = [named(ossReadOnlyPolicy()), named(doc({ Effect: 'Deny', NotAction: 'oss:GetObject', Resource: '*' }))];
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('a') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:ListObjects', resource: 'acs:oss:*:1:bkt' }), 'ExplicitDeny');
  });
});

describe('evaluate: resource matching', () => {
  const allowOn = (Resource: string | string[]) => [named(doc({ Effect: 'Allow', Action: '*', Resource }))];
  const cases: [string | string[], string, boolean][] = [
    ['*', 'acs:oss:*:1:anything/at/all', true],
    ['acs:oss:*:*:bkt/*', obj('a/b.txt'), true],
    ['acs:oss:*:*:bkt/*', 'acs:oss:*:1:bkt', false], // the bucket itself is not an object in it
    ['acs:oss:*:*:bkt', 'acs:oss:*:1:bkt', true],
    ['acs:oss:*:*:bkt/*', obj('a', 'bkt2'), false],
    ['acs:oss:*:*:bkt*', obj('a', 'bkt2'), true],
    ['acs:oss:*:*:bkt/logs/*', obj('logs/2024/x.gz'), true],
    ['acs:oss:*:*:bkt/logs/*', obj('Logs/2024/x.gz'), false], // OSS keys are case-sensitive
    ['acs:oss:*:*:bkt/a?.txt', obj('ab.txt'), true],
    ['acs:oss:*:*:bkt/a?.txt', obj('abc.txt'), false],
    ['acs:oss:cn-hangzhou:*:bkt/*', 'acs:oss:cn-hangzhou:1:bkt/x', true],
    ['acs:oss:cn-hangzhou:*:bkt/*', 'acs:oss:cn-beijing:1:bkt/x', false],
    ['acs:oss:cn-hangzhou:*:bkt/*', 'acs:oss:*:1:bkt/x', true], // unknown request region
    ['acs:oss:cn-*:*:bkt/*', 'acs:oss:cn-shanghai:1:bkt/x', true],
    ['acs:oss:*:1234567890:bkt/*', obj('x'), true],
    ['acs:oss:*:999:bkt/*', obj('x'), false],
    ['acs:ecs:*:*:instance/*', 'acs:ecs:cn-hangzhou:1:instance/i-abc', true],
    ['acs:ecs:*:*:instance/*', 'acs:ecs:cn-hangzhou:1:disk/d-abc', false],
    ['acs:ecs:*:*:*', 'acs:oss:*:1:bkt', false], // service must match
    ['ACS:OSS:*:*:bkt/x', obj('x'), true], // prefix and service are case-insensitive
    ['acs:ram:*:*:role/name', 'acs:ram::1234567890:role/name', true],
    ['acs:ram:*:*:role/name', 'acs:ram::1234567890:role/NAME', true], // RAM names are case-insensitive
    ['acs:ram::1234567890:role/EcsRole', 'acs:ram::1234567890:role/ecsrole', true],
    ['acs:ram::1234567890:role/EcsRole', 'acs:ram::1234567890:role/EcsRole2', false],
    ['acs:ram::1234567890:role/*', 'acs:ram::1234567890:user/alice', false],
    ['acs:ram:cn-hangzhou:1234567890:role/r', 'acs:ram::1234567890:role/r', false], // empty region is literal
    ['acs:ram::1234567890:role/r', 'acs:ram:*:1234567890:role/R', true], // the sandbox writes RAM ARNs with region `*`
    ['acs:log:*:*:project/p/logstore/s:x', 'acs:log:cn-hangzhou:1:project/p/logstore/s:x', true], // `:` inside the relative part
    ['not-an-arn', 'not-an-arn', true],
    ['not-an-arn', 'acs:oss:*:1:not-an-arn', false],
  ];
  for (const [pattern, resource, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${resource}`, () => {
      assert.equal(effect(allowOn(pattern), { action: 'x:Y', resource }), expected ? 'Allow' : 'ImplicitDeny');
    });
  }

  it('NotResource: everything except the listed resources', () => {
    const ps = [
      named(doc({ Effect: 'Allow', Action: 'oss:*', NotResource: ['acs:oss:*:*:private', 'acs:oss:*:*:private/*'] })),
    ];
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('x') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('x', 'private') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'oss:ListObjects', resource: 'acs:oss:*:1:private' }), 'ImplicitDeny');
  });

  it('Deny with NotResource fences a user into one bucket', () => {
    const ps = [
      named(
        doc(
          { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
          { Effect: 'Deny', Action: 'oss:*', NotResource: ['acs:oss:*:*:mine', 'acs:oss:*:*:mine/*'] },
        ),
      ),
    ];
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('a', 'mine') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('a', 'theirs') }), 'ExplicitDeny');
  });
});

describe('evaluate: builders', () => {
  const account = '1234567890';
  const arn = roleArn(account, 'EcsRoleForOss');

  it('PassRole policy allows ram:PassRole on its role only, plus the ECS role actions', () => {
    const ps = [named(passRolePolicy(arn), 'PassEcsRole')];
    assert.equal(effect(ps, { action: 'ram:PassRole', resource: arn }), 'Allow');
    assert.equal(effect(ps, { action: 'ram:PassRole', resource: roleArn(account, 'ecsrolefoross') }), 'Allow');
    assert.equal(effect(ps, { action: 'ram:PassRole', resource: roleArn(account, 'AdminRole') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'ram:PassRole', resource: roleArn('999', 'EcsRoleForOss') }), 'ImplicitDeny');
    assert.equal(
      effect(ps, { action: 'ecs:AttachInstanceRamRole', resource: 'acs:ecs:cn-hangzhou:1234567890:instance/i-1' }),
      'Allow',
    );
    assert.equal(effect(ps, { action: 'ecs:RunInstances', resource: '*' }), 'ImplicitDeny');
    const withRun = [named(passRolePolicy(arn, { includeRunInstances: true }))];
    assert.equal(effect(withRun, { action: 'ecs:RunInstances', resource: '*' }), 'Allow');
    const passOnly = [named(passRolePolicy(arn, { includeEcsActions: false }))];
    assert.equal(effect(passOnly, { action: 'ecs:AttachInstanceRamRole', resource: '*' }), 'ImplicitDeny');
  });

  it('bucket read-only policy is scoped to its bucket', () => {
    const ps = [named(ossReadOnlyBucketPolicy('photos'))];
    assert.equal(effect(ps, { action: 'oss:ListBuckets', resource: `acs:oss:*:${account}:*` }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('2024/a.jpg', 'photos') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:ListObjects', resource: `acs:oss:*:${account}:photos` }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:GetObject', resource: obj('a.jpg', 'other') }), 'ImplicitDeny');
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('a.jpg', 'photos') }), 'ImplicitDeny');
  });

  it('read-write policy with a prefix: objects under it, listing only with oss:Prefix under it', () => {
    const ps = [named(ossReadWritePolicy('bkt', 'logs/'))];
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('logs/a.gz') }), 'Allow');
    assert.equal(effect(ps, { action: 'oss:PutObject', resource: obj('data/a.gz') }), 'ImplicitDeny');
    const list = (prefix?: string) =>
      effect(ps, {
        action: 'oss:ListObjects',
        resource: `acs:oss:*:${account}:bkt`,
        conditions: { 'oss:Prefix': prefix },
      });
    assert.equal(list('logs/'), 'Allow');
    assert.equal(list('logs/2024/'), 'Allow');
    assert.equal(list('data/'), 'ImplicitDeny');
    assert.equal(list(undefined), 'ImplicitDeny'); // missing key → StringLike false
  });
});

describe('evaluate: conditions', () => {
  const withCond = (Condition: PolicyStatement['Condition'], Effect: 'Allow' | 'Deny' = 'Allow') => [
    named(doc({ Effect, Action: 'oss:GetObject', Resource: '*', Condition })),
  ];
  const run = (ps: NamedPolicy[], conditions?: AuthorizationRequest['conditions']) =>
    effect(ps, { action: 'oss:GetObject', resource: obj('a'), conditions });

  it("IpAddress with CIDR and single addresses; values OR'ed", () => {
    const ps = withCond({ IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '192.168.1.7'] } });
    assert.equal(run(ps, { 'acs:SourceIp': '10.20.30.40' }), 'Allow');
    assert.equal(run(ps, { 'acs:SourceIp': '192.168.1.7' }), 'Allow');
    assert.equal(run(ps, { 'acs:SourceIp': '192.168.1.8' }), 'ImplicitDeny');
    assert.equal(run(ps, { 'acs:SourceIp': '11.0.0.1' }), 'ImplicitDeny');
    assert.equal(run(ps, {}), 'ImplicitDeny');
    assert.equal(run(ps, { 'ACS:SOURCEIP': '10.0.0.1' }), 'Allow'); // key names are case-insensitive
  });

  it('NotIpAddress as a Deny guard, including when the key is missing', () => {
    const ps = [
      named(ossReadOnlyPolicy()),
      ...withCond({ NotIpAddress: { 'acs:SourceIp': '203.0.113.0/24' } }, 'Deny'),
    ];
    assert.equal(run(ps, { 'acs:SourceIp': '203.0.113.9' }), 'Allow');
    assert.equal(run(ps, { 'acs:SourceIp': '198.51.100.1' }), 'ExplicitDeny');
    assert.equal(run(ps, {}), 'ExplicitDeny'); // negated operator on a missing key is true (fail closed)
  });

  it('StringLike on oss:Prefix', () => {
    const ps = withCond({ StringLike: { 'oss:Prefix': ['home/alice/*', 'public/*'] } });
    assert.equal(run(ps, { 'oss:Prefix': 'home/alice/docs/' }), 'Allow');
    assert.equal(run(ps, { 'oss:Prefix': 'public/' }), 'Allow');
    assert.equal(run(ps, { 'oss:Prefix': 'home/bob/' }), 'ImplicitDeny');
    assert.equal(run(ps, { 'oss:Prefix': 'Home/alice/' }), 'ImplicitDeny'); // case-sensitive
  });

  it('string operators', () => {
    const eq = withCond({ StringEquals: { 'acs:ResourceTag/team': 'dev' } });
    assert.equal(run(eq, { 'acs:ResourceTag/team': 'dev' }), 'Allow');
    assert.equal(run(eq, { 'acs:ResourceTag/team': 'Dev' }), 'ImplicitDeny');
    assert.equal(run(eq, { 'acs:ResourceTag/team': ['ops', 'dev'] }), 'Allow'); // multi-valued context
    const ic = withCond({ StringEqualsIgnoreCase: { 'acs:ResourceTag/team': 'dev' } });
    assert.equal(run(ic, { 'acs:ResourceTag/team': 'DEV' }), 'Allow');
    const ne = withCond({ StringNotEquals: { 'acs:ResourceTag/team': ['prod', 'staging'] } });
    assert.equal(run(ne, { 'acs:ResourceTag/team': 'dev' }), 'Allow');
    assert.equal(run(ne, { 'acs:ResourceTag/team': 'prod' }), 'ImplicitDeny');
    assert.equal(run(ne, { 'acs:ResourceTag/team': 'PROD' }), 'Allow');
    assert.equal(run(ne, {}), 'Allow'); // missing key: negated operator holds
    const nei = withCond({ StringNotEqualsIgnoreCase: { 'acs:ResourceTag/team': 'prod' } });
    assert.equal(run(nei, { 'acs:ResourceTag/team': 'PROD' }), 'ImplicitDeny');
    assert.equal(run(nei, { 'acs:ResourceTag/team': 'dev' }), 'Allow');
    const nl = withCond({ StringNotLike: { 'oss:Prefix': 'secret/*' } });
    assert.equal(run(nl, { 'oss:Prefix': 'public/' }), 'Allow');
    assert.equal(run(nl, { 'oss:Prefix': 'secret/x' }), 'ImplicitDeny');
  });

  it('numeric operators', () => {
    const check = (op: string, value: number, actual: string) =>
      run(withCond({ [op]: { 'oss:MaxKeys': value } }), { 'oss:MaxKeys': actual });
    assert.equal(check('NumericEquals', 100, '100'), 'Allow');
    assert.equal(check('NumericEquals', 100, '100.0'), 'Allow');
    assert.equal(check('NumericEquals', 100, '101'), 'ImplicitDeny');
    assert.equal(check('NumericNotEquals', 100, '101'), 'Allow');
    assert.equal(check('NumericNotEquals', 100, '100'), 'ImplicitDeny');
    assert.equal(check('NumericLessThan', 100, '99'), 'Allow');
    assert.equal(check('NumericLessThan', 100, '100'), 'ImplicitDeny');
    assert.equal(check('NumericLessThanEquals', 100, '100'), 'Allow');
    assert.equal(check('NumericGreaterThan', 100, '100'), 'ImplicitDeny');
    assert.equal(check('NumericGreaterThan', 100, '1000'), 'Allow');
    assert.equal(check('NumericGreaterThanEquals', 100, '100'), 'Allow');
    assert.equal(check('NumericGreaterThanEquals', 100, 'abc'), 'ImplicitDeny'); // not a number
    assert.equal(check('NumericLessThan', 100, ''), 'ImplicitDeny');
  });

  it('date operators (ISO 8601 and epoch seconds)', () => {
    const check = (op: string, value: string, actual: string) =>
      run(withCond({ [op]: { 'acs:CurrentTime': value } }), { 'acs:CurrentTime': actual });
    const limit = '2025-01-01T00:00:00Z';
    assert.equal(check('DateLessThan', limit, '2024-12-31T23:59:59Z'), 'Allow');
    assert.equal(check('DateLessThan', limit, '2025-01-01T08:00:00+08:00'), 'ImplicitDeny'); // same instant
    assert.equal(check('DateLessThanEquals', limit, '2025-01-01T08:00:00+08:00'), 'Allow');
    assert.equal(check('DateEquals', limit, '2025-01-01T08:00:00+08:00'), 'Allow');
    assert.equal(check('DateNotEquals', limit, '2025-01-01T08:00:00+08:00'), 'ImplicitDeny');
    assert.equal(check('DateNotEquals', limit, '2025-01-02T00:00:00Z'), 'Allow');
    assert.equal(check('DateGreaterThan', limit, '2025-06-01T00:00:00Z'), 'Allow');
    assert.equal(check('DateGreaterThan', limit, limit), 'ImplicitDeny');
    assert.equal(check('DateGreaterThanEquals', limit, limit), 'Allow');
    assert.equal(check('DateGreaterThan', '1735689600', '2025-01-01T00:00:01Z'), 'Allow'); // epoch seconds
    assert.equal(check('DateGreaterThan', limit, 'not a date'), 'ImplicitDeny');
  });

  it('Bool', () => {
    const ps = withCond({ Bool: { 'acs:SecureTransport': 'true' } });
    assert.equal(run(ps, { 'acs:SecureTransport': 'true' }), 'Allow');
    assert.equal(run(ps, { 'acs:SecureTransport': 'TRUE' }), 'Allow');
    assert.equal(run(ps, { 'acs:SecureTransport': 'false' }), 'ImplicitDeny');
    assert.equal(run(ps, {}), 'ImplicitDeny');
    const mfa = withCond({ Bool: { 'acs:MFAPresent': true } });
    assert.equal(run(mfa, { 'acs:MFAPresent': 'true' }), 'Allow');
  });

  it('keys AND, operators AND, values OR', () => {
    const ps = withCond({
      IpAddress: { 'acs:SourceIp': '10.0.0.0/8' },
      StringEquals: { 'acs:ResourceTag/team': ['dev', 'qa'], 'acs:ResourceTag/env': 'test' },
    });
    const ok = { 'acs:SourceIp': '10.1.1.1', 'acs:ResourceTag/team': 'qa', 'acs:ResourceTag/env': 'test' };
    assert.equal(run(ps, ok), 'Allow');
    assert.equal(run(ps, { ...ok, 'acs:SourceIp': '8.8.8.8' }), 'ImplicitDeny');
    assert.equal(run(ps, { ...ok, 'acs:ResourceTag/env': 'prod' }), 'ImplicitDeny');
    assert.equal(run(ps, { ...ok, 'acs:ResourceTag/team': undefined }), 'ImplicitDeny');
  });

  it('unknown operator: the statement does not apply; operator names are case-insensitive', () => {
    assert.equal(run(withCond({ StringMatches: { 'oss:Prefix': 'a' } }), { 'oss:Prefix': 'a' }), 'ImplicitDeny');
    assert.equal(run(withCond({ stringequals: { 'oss:Prefix': 'a' } }), { 'oss:Prefix': 'a' }), 'Allow');
  });

  it('conditions on Deny only deny when they hold', () => {
    const ps = [named(ossReadOnlyPolicy()), ...withCond({ Bool: { 'acs:SecureTransport': 'false' } }, 'Deny')];
    assert.equal(run(ps, { 'acs:SecureTransport': 'false' }), 'ExplicitDeny');
    assert.equal(run(ps, { 'acs:SecureTransport': 'true' }), 'Allow');
  });
});

describe('evaluate: malformed documents are tolerated', () => {
  it('statements missing parts neither allow nor deny; a lone statement object still counts', () => {
    const broken = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Resource: '*' },
        { Effect: 'Deny', Action: '*' },
        { Effect: 'allow', Action: '*', Resource: '*' },
        null,
        42,
        'x',
      ],
    } as unknown as PolicyDocument;
    assert.equal(effect([named(broken)], { action: 'oss:GetObject', resource: obj('a') }), 'ImplicitDeny');
    const single = {
      Version: '1',
      Statement: { Effect: 'Allow', Action: 'oss:*', Resource: '*' },
    } as unknown as PolicyDocument;
    assert.equal(effect([named(single)], { action: 'oss:GetObject', resource: obj('a') }), 'Allow');
    assert.equal(
      effect([named({} as PolicyDocument)], { action: 'oss:GetObject', resource: obj('a') }),
      'ImplicitDeny',
    );
  });
});
