// Check Access agrees with the sandbox, case for case, over the wire: for each case the policies
// are created in RAM and attached to the seeded RAM user, Check Access reads them back from RAM and
// decides; then the user makes the real call and the sandbox enforces. OSS tells explicit from
// implicit denials (its message names the Deny); RAM and ECS refuse both alike, so there the
// comparison is allowed versus refused.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cloud } from '../../src/cloud';
import { isCloudError } from '../../src/cloud/errors';
import { formatPolicy } from '../../src/policy/builders';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  addStatementAsNewPolicy,
  addStatementAsNewVersion,
  checkAccess,
  identityPolicies,
  parseContext,
  statementSpan,
  type AccessIdentity,
} from '../../src/setup/checkAccess';
import { useSandbox } from '../helpers/sandbox';

const ACCT = DEMO.accountId;
const B = DEMO.bucket;
const REGION = 'cn-hangzhou';
const ALICE: AccessIdentity = { kind: 'user', name: DEMO.subUser };
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '1', Statement });
const allow = (
  Action: string | string[],
  Resource: string | string[],
  extra: Partial<PolicyStatement> = {},
): PolicyStatement => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (
  Action: string | string[],
  Resource: string | string[],
  extra: Partial<PolicyStatement> = {},
): PolicyStatement => ({ Effect: 'Deny', Action, Resource, ...extra });
const obj = (key: string) => `acs:oss:*:${ACCT}:${B}/${key}`;

type Effect = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';
interface Op {
  action: string;
  resource: string;
  conditions?: Record<string, string>;
  call(c: Cloud): Promise<unknown>;
  rpc?: boolean;
}

const get = (key: string): Op => ({
  action: 'oss:GetObject',
  resource: obj(key),
  call: (c) => c.oss.getObject(B, REGION, key),
});
const put = (key: string): Op => ({
  action: 'oss:PutObject',
  resource: obj(key),
  call: (c) => c.oss.putObject(B, REGION, key, Buffer.from('x')),
});
const del = (key: string): Op => ({
  action: 'oss:DeleteObject',
  resource: obj(key),
  call: (c) => c.oss.deleteObject(B, REGION, key),
});
const list = (prefix: string): Op => ({
  action: 'oss:ListObjects',
  resource: `acs:oss:*:${ACCT}:${B}`,
  conditions: { 'oss:Prefix': prefix, 'oss:Delimiter': '/' },
  call: (c) => c.oss.listObjects(B, REGION, { prefix, delimiter: '/' }),
});
const listBuckets: Op = {
  action: 'oss:ListBuckets',
  resource: `acs:oss:*:${ACCT}:*`,
  call: (c) => c.oss.listBuckets(),
};
const getRole = (name: string): Op => ({
  action: 'ram:GetRole',
  resource: `acs:ram:*:${ACCT}:role/${name}`,
  rpc: true,
  call: (c) => c.ram.getRole(name),
});
const instanceRole: Op = {
  action: 'ecs:DescribeInstanceRamRole',
  resource: `acs:ecs:${REGION}:${ACCT}:instance/${DEMO.vpcInstanceId2}`,
  rpc: true,
  call: (c) => c.ecs.describeInstanceRoles(REGION, [DEMO.vpcInstanceId2]),
};

const CASES: [string, PolicyDocument[], Op, Effect][] = [
  ['no policies', [], get('a.txt'), 'ImplicitDeny'],
  ['GetObject on *', [doc(allow('oss:GetObject', '*'))], get('a.txt'), 'Allow'],
  ["oss:Get* on the bucket's objects", [doc(allow('oss:Get*', `acs:oss:*:*:${B}/*`))], get('a.txt'), 'Allow'],
  ['oss:Get* does not write', [doc(allow('oss:Get*', `acs:oss:*:*:${B}/*`))], put('w/a.txt'), 'ImplicitDeny'],
  [
    'Deny on a prefix beats oss:*',
    [doc(allow('oss:*', `acs:oss:*:*:${B}/*`), deny('oss:DeleteObject', `acs:oss:*:*:${B}/secret/*`))],
    del('secret/x'),
    'ExplicitDeny',
  ],
  [
    'Deny on a prefix leaves the rest',
    [doc(allow('oss:*', `acs:oss:*:*:${B}/*`), deny('oss:DeleteObject', `acs:oss:*:*:${B}/secret/*`))],
    del('public/x'),
    'Allow',
  ],
  [
    'Deny in another policy wins',
    [doc(allow('oss:*', '*')), doc(deny('oss:PutObject', '*'))],
    put('w/b.txt'),
    'ExplicitDeny',
  ],
  [
    'NotAction allows what it does not name',
    [doc({ Effect: 'Allow', NotAction: 'oss:Delete*', Resource: `acs:oss:*:*:${B}/*` })],
    put('w/c.txt'),
    'Allow',
  ],
  [
    'NotAction does not allow what it names',
    [doc({ Effect: 'Allow', NotAction: 'oss:Delete*', Resource: `acs:oss:*:*:${B}/*` })],
    del('w/c.txt'),
    'ImplicitDeny',
  ],
  [
    'NotResource allows elsewhere',
    [doc({ Effect: 'Allow', Action: 'oss:GetObject', NotResource: `acs:oss:*:*:${B}/private/*` })],
    get('public/a'),
    'Allow',
  ],
  [
    'NotResource does not allow there',
    [doc({ Effect: 'Allow', Action: 'oss:GetObject', NotResource: `acs:oss:*:*:${B}/private/*` })],
    get('private/a'),
    'ImplicitDeny',
  ],
  [
    'Deny with NotResource outside uploads/',
    [doc(allow('oss:*', '*'), { Effect: 'Deny', Action: 'oss:PutObject', NotResource: `acs:oss:*:*:${B}/uploads/*` })],
    put('other/a'),
    'ExplicitDeny',
  ],
  [
    'Deny with NotResource lets uploads/ through',
    [doc(allow('oss:*', '*'), { Effect: 'Deny', Action: 'oss:PutObject', NotResource: `acs:oss:*:*:${B}/uploads/*` })],
    put('uploads/a'),
    'Allow',
  ],
  [
    'ListObjects with oss:Prefix logs/*',
    [doc(allow('oss:ListObjects', `acs:oss:*:*:${B}`, { Condition: { StringLike: { 'oss:Prefix': 'logs/*' } } }))],
    list('logs/'),
    'Allow',
  ],
  [
    'ListObjects outside the prefix',
    [doc(allow('oss:ListObjects', `acs:oss:*:*:${B}`, { Condition: { StringLike: { 'oss:Prefix': 'logs/*' } } }))],
    list('other/'),
    'ImplicitDeny',
  ],
  [
    'ListObjects on bucket/* never lists',
    [doc(allow('oss:ListObjects', `acs:oss:*:*:${B}/*`))],
    list(''),
    'ImplicitDeny',
  ],
  ['ListObjects on the bucket', [doc(allow('oss:ListObjects', `acs:oss:*:*:${B}`))], list(''), 'Allow'],
  [
    'acs:SourceIp in 127.0.0.0/8',
    [doc(allow('oss:GetObject', '*', { Condition: { IpAddress: { 'acs:SourceIp': '127.0.0.0/8' } } }))],
    get('a.txt'),
    'Allow',
  ],
  [
    'acs:SourceIp outside 10.0.0.0/8',
    [doc(allow('oss:GetObject', '*', { Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }))],
    get('a.txt'),
    'ImplicitDeny',
  ],
  [
    'Deny NotIpAddress, caller inside',
    [doc(allow('oss:*', '*'), deny('*', '*', { Condition: { NotIpAddress: { 'acs:SourceIp': '127.0.0.1/32' } } }))],
    get('a.txt'),
    'Allow',
  ],
  [
    'Deny NotIpAddress, caller outside',
    [doc(allow('oss:*', '*'), deny('*', '*', { Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }))],
    get('a.txt'),
    'ExplicitDeny',
  ],
  [
    'acs:SecureTransport must be true',
    [doc(allow('oss:GetObject', '*', { Condition: { Bool: { 'acs:SecureTransport': 'true' } } }))],
    get('a.txt'),
    'ImplicitDeny',
  ],
  [
    'acs:CurrentTime before 2100',
    [doc(allow('oss:GetObject', '*', { Condition: { DateLessThan: { 'acs:CurrentTime': '2100-01-01T00:00:00Z' } } }))],
    get('a.txt'),
    'Allow',
  ],
  [
    'acs:CurrentTime after 2100',
    [
      doc(
        allow('oss:GetObject', '*', { Condition: { DateGreaterThan: { 'acs:CurrentTime': '2100-01-01T00:00:00Z' } } }),
      ),
    ],
    get('a.txt'),
    'ImplicitDeny',
  ],
  ['? matches one character', [doc(allow('oss:GetObjec?', '*'))], get('a.txt'), 'Allow'],
  ['actions are case-insensitive', [doc(allow('OSS:GETOBJECT', '*'))], get('a.txt'), 'Allow'],
  ['bucket wildcard', [doc(allow('oss:GetObject', 'acs:oss:*:*:demo-*/*'))], get('a.txt'), 'Allow'],
  ['another account', [doc(allow('oss:GetObject', `acs:oss:*:9999999999999999:${B}/*`))], get('a.txt'), 'ImplicitDeny'],
  [
    'object keys are case-sensitive',
    [doc(allow('oss:GetObject', `acs:oss:*:*:${B}/Public/*`))],
    get('public/a'),
    'ImplicitDeny',
  ],
  ['ListBuckets on acs:oss:*:*:*', [doc(allow('oss:ListBuckets', 'acs:oss:*:*:*'))], listBuckets, 'Allow'],
  [
    'ListBuckets on a bucket is not enough',
    [doc(allow('oss:ListBuckets', `acs:oss:*:*:${B}/*`))],
    listBuckets,
    'ImplicitDeny',
  ],
  ['ram:Get* on roles', [doc(allow('ram:Get*', 'acs:ram:*:*:role/*'))], getRole(DEMO.seededRole), 'Allow'],
  [
    'ram:GetRole on another role',
    [doc(allow('ram:GetRole', 'acs:ram:*:*:role/Other'))],
    getRole(DEMO.seededRole),
    'ImplicitDeny',
  ],
  [
    'ram:* with a Deny on DemoEcs*',
    [doc(allow('ram:*', '*'), deny('ram:GetRole', 'acs:ram:*:*:role/DemoEcs*'))],
    getRole(DEMO.seededRole),
    'ExplicitDeny',
  ],
  [
    'RAM role names are case-insensitive',
    [doc(allow('ram:GetRole', `acs:ram:*:*:role/${DEMO.seededRole.toLowerCase()}`))],
    getRole(DEMO.seededRole),
    'Allow',
  ],
  [
    'ecs:DescribeInstanceRamRole on instances',
    [doc(allow('ecs:DescribeInstanceRamRole', 'acs:ecs:*:*:instance/*'))],
    instanceRole,
    'Allow',
  ],
  [
    'ecs:Describe* only from a VPC',
    [doc(allow('ecs:Describe*', '*', { Condition: { StringEquals: { 'acs:SourceVpc': 'vpc-x' } } }))],
    instanceRole,
    'ImplicitDeny',
  ],
];

/** What the sandbox did with the real call. */
async function enforced(c: Cloud, op: Op): Promise<Effect> {
  try {
    await op.call(c);
    return 'Allow';
  } catch (e) {
    // Authorized, then failed for another reason: the policy allowed it.
    if (isCloudError(e, /^(NoSuchKey|EntityNotExist\..*)$/)) {
      return 'Allow';
    }
    if (isCloudError(e, /^(AccessDenied|NoPermission|Forbidden\.RAM)$/)) {
      return /explicit Deny/i.test((e as Error).message) ? 'ExplicitDeny' : 'ImplicitDeny';
    }
    throw e;
  }
}

describe('Check Access agrees with the sandbox', () => {
  const t = useSandbox();
  let root: Cloud;
  let alice: Cloud;
  before(async () => {
    root = t.cloud();
    alice = t.cloud(t.subAccount);
    for (const p of await root.ram.listPoliciesForUser(ALICE.name)) {
      await root.ram.detachPolicyFromUser(ALICE.name, p.policyName, p.policyType);
    }
    assert.deepEqual(await root.ram.listPoliciesForUser(ALICE.name), []);
  });

  it(`has at least 30 cases (${CASES.length})`, () => assert.ok(CASES.length >= 30));

  CASES.forEach(([name, docs, op, expected], i) => {
    it(`${name}: ${expected}`, async () => {
      const names = docs.map((_, j) => `CheckAccess-${i}-${j}`);
      for (const [j, d] of docs.entries()) {
        await root.ram.createPolicy(names[j], formatPolicy(d));
        await root.ram.attachPolicyToUser(ALICE.name, names[j], 'Custom');
      }
      try {
        const conditions = {
          'acs:SourceIp': '127.0.0.1',
          'acs:SecureTransport': 'false',
          'acs:CurrentTime': new Date().toISOString(),
          ...op.conditions,
        };
        const ours = checkAccess(await identityPolicies(root, ALICE), {
          action: op.action,
          resource: op.resource,
          conditions,
        });
        const theirs = await enforced(alice, op);
        assert.equal(ours.effect, expected, 'Check Access');
        if (op.rpc) {
          assert.equal(theirs === 'Allow', expected === 'Allow', 'sandbox (allowed or refused)');
        } else {
          assert.equal(theirs, expected, 'sandbox');
        }
        if (ours.effect !== 'ImplicitDeny') {
          assert.ok(ours.deciding, 'names the deciding statement');
          const span = statementSpan(ours.deciding.policy.text, ours.deciding.index);
          assert.ok(span);
          assert.deepEqual(
            JSON.parse(ours.deciding.policy.text.slice(span.offset, span.offset + span.length)),
            ours.deciding.statement,
          );
        } else if (docs.length === 0 || !docs.some((d) => d.Statement.some((s) => s.Effect === 'Deny'))) {
          assert.ok(ours.suggestion, 'proposes a statement');
        }
      } finally {
        for (const n of names) {
          await root.ram.detachPolicyFromUser(ALICE.name, n, 'Custom');
          await root.ram.deletePolicy(n);
        }
      }
    });
  });
});

describe('Check Access: adding the proposed statement makes the sandbox allow it', () => {
  const t = useSandbox();
  it('as a new policy attached, then as a new version of it', async () => {
    const root = t.cloud();
    const alice = t.cloud(t.subAccount);
    for (const p of await root.ram.listPoliciesForUser(ALICE.name)) {
      await root.ram.detachPolicyFromUser(ALICE.name, p.policyName, p.policyType);
    }
    const first = { action: 'oss:PutObject', resource: obj('reports/2026/q1.csv') };
    const r1 = checkAccess(await identityPolicies(root, ALICE), first);
    assert.equal(r1.effect, 'ImplicitDeny');
    assert.deepEqual(r1.suggestion, {
      Effect: 'Allow',
      Action: ['oss:PutObject'],
      Resource: [`acs:oss:*:*:${B}/reports/2026/*`],
    });
    await addStatementAsNewPolicy(root, ALICE, 'CheckAccessGrant', r1.suggestion!);
    assert.equal(await enforced(alice, put('reports/2026/q1.csv')), 'Allow');
    assert.equal(checkAccess(await identityPolicies(root, ALICE), first).effect, 'Allow');

    const second = { action: 'oss:GetObject', resource: obj('reports/2026/q1.csv') };
    const r2 = checkAccess(await identityPolicies(root, ALICE), second);
    assert.equal(r2.effect, 'ImplicitDeny');
    assert.equal(await enforced(alice, get('reports/2026/q1.csv')), 'ImplicitDeny');
    const version = await addStatementAsNewVersion(root, 'CheckAccessGrant', r2.suggestion!);
    assert.equal(version, 'v2');
    assert.equal(await enforced(alice, get('reports/2026/q1.csv')), 'Allow');
    assert.equal(checkAccess(await identityPolicies(root, ALICE), second).effect, 'Allow');
  });

  it('parses a request context', () => {
    assert.deepEqual(parseContext('acs:SourceIp=10.0.0.1, oss:Prefix = logs/ ; oss:Prefix=tmp/'), {
      'acs:SourceIp': '10.0.0.1',
      'oss:Prefix': ['logs/', 'tmp/'],
    });
  });
});
