/**
 * AccessDenied from OSS, explained: under the read-only instance role DemoEcsOssReader (IMDS of
 * DEMO.vpcInstanceId2) PutObject is refused; the report names oss:PutObject, the object and the
 * role; the role cannot read its own policies (then the report says so and still suggests a
 * statement); read with an administrator, the policies are evaluated (no Allow, or an explicit
 * Deny) and the suggested statement, once attached, really lets the request through.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudError } from '../../src/cloud/errors';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  analyseOssDenial,
  grantStatement,
  isPolicyDenial,
  isValidPolicyName,
  principalOf,
  ramRequestOf,
  suggestedPolicyName,
} from '../../src/setup/accessDeniedReport';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const ACCOUNT = DEMO.accountId;

const instanceCloud = () =>
  t.cloud({ mode: 'EcsRamRole' }, { endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId2) });

async function refusal(p: Promise<unknown>): Promise<CloudError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CloudError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

describe('the RAM request behind an OSS refusal', () => {
  const err = (action: string, resource: string, message = 'denied') =>
    new CloudError({ code: 'AccessDenied', message, service: 'oss', action, resource });

  it('maps OSS operations to the RAM action and resource OSS authorizes', () => {
    assert.deepEqual(ramRequestOf(err('oss:PutObject', 'acs:oss:*:*:b1b/a/x.txt'), ACCOUNT), {
      action: 'oss:PutObject',
      resource: `acs:oss:*:${ACCOUNT}:b1b/a/x.txt`,
    });
    assert.deepEqual(ramRequestOf(err('oss:HeadObject', 'acs:oss:*:*:b1b/x'), ACCOUNT), {
      action: 'oss:GetObject',
      resource: `acs:oss:*:${ACCOUNT}:b1b/x`,
    });
    assert.deepEqual(ramRequestOf(err('oss:DeleteMultipleObjects', 'acs:oss:*:*:b1b/x'))?.action, 'oss:DeleteObject');
    assert.deepEqual(ramRequestOf(err('oss:ListObjects', 'acs:oss:*:*:b1b/logs/'), ACCOUNT), {
      action: 'oss:ListObjects',
      resource: `acs:oss:*:${ACCOUNT}:b1b`,
      conditions: { 'oss:Prefix': 'logs/', 'oss:Delimiter': '/' },
    });
    assert.deepEqual(ramRequestOf(err('oss:ListBuckets', 'acs:oss:*:*:*'), ACCOUNT), {
      action: 'oss:ListBuckets',
      resource: `acs:oss:*:${ACCOUNT}:*`,
    });
    assert.equal(ramRequestOf(new CloudError({ code: 'AccessDenied', message: 'x' })), undefined);
  });

  it('tells policy refusals from other AccessDenied answers', () => {
    assert.ok(isPolicyDenial(err('oss:PutObject', 'acs:oss:*:*:b1b/x')));
    assert.ok(
      !isPolicyDenial(
        err(
          'oss:ListObjects',
          'acs:oss:*:*:b1b',
          'The bucket you are attempting to access must be addressed using the specified endpoint.',
        ),
      ),
    );
    assert.ok(!isPolicyDenial(err('oss:GetObject', 'acs:oss:*:*:b1b/x', 'Request has expired.')));
    assert.ok(
      !isPolicyDenial(
        new CloudError({ code: 'NoSuchKey', message: 'x', service: 'oss', action: 'oss:GetObject', resource: 'r' }),
      ),
    );
  });

  it('names principals from caller identity ARNs', () => {
    assert.deepEqual(
      principalOf({
        accountId: ACCOUNT,
        arn: `acs:ram::${ACCOUNT}:assumed-role/DemoEcsOssReader/i-1`,
        identityType: 'AssumedRoleUser',
      }),
      {
        kind: 'role',
        name: 'DemoEcsOssReader',
        arn: `acs:ram::${ACCOUNT}:assumed-role/DemoEcsOssReader/i-1`,
        accountId: ACCOUNT,
      },
    );
    assert.equal(
      principalOf({ accountId: ACCOUNT, arn: `acs:ram::${ACCOUNT}:user/dev-alice`, identityType: 'RAMUser' }).name,
      'dev-alice',
    );
    assert.equal(
      principalOf({ accountId: ACCOUNT, arn: `acs:ram::${ACCOUNT}:root`, identityType: 'Account' }).kind,
      'root',
    );
  });

  it('suggests valid policy names', () => {
    const name = suggestedPolicyName(
      { action: 'oss:PutObject', resource: `acs:oss:*:${ACCOUNT}:demo-data/x.txt` },
      new Date('2026-11-27T21:30:00Z'),
    );
    assert.equal(name, 'AllowOssPutObject-demo-data-202611272130');
    assert.ok(isValidPolicyName(name));
    assert.ok(!isValidPolicyName('bad name'));
  });
});

describe('AccessDenied under the read-only instance role', () => {
  it('refuses PutObject with an error naming oss:PutObject and the object', async () => {
    const e = await refusal(
      instanceCloud().oss.putObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt', Buffer.from('hi')),
    );
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.action, 'oss:PutObject');
    assert.equal(e.resource, `acs:oss:*:*:${DEMO.bucket}/notes/new.txt`);
    assert.ok(isPolicyDenial(e));
  });

  it('explains it as the role itself: who, what, and that its policies cannot be read', async () => {
    const cloud = instanceCloud();
    const e = await refusal(cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt', Buffer.from('hi')));
    const r = await analyseOssDenial(e, { cloud, profileName: 'Instance role' });
    assert.equal(r.principal?.kind, 'role');
    assert.equal(r.principal?.name, DEMO.seededRole);
    assert.deepEqual(r.request, {
      action: 'oss:PutObject',
      resource: `acs:oss:*:${ACCOUNT}:${DEMO.bucket}/notes/new.txt`,
    });
    assert.match(
      r.text,
      /OSS refused oss:PutObject on acs:oss:\*:1234567890123456:demo-data\/notes\/new\.txt for role DemoEcsOssReader/,
    );
    assert.match(r.text, /profile "Instance role"/);
    assert.equal(r.policiesUnreadable, 'ram:ListPoliciesForRole: NoPermission');
    assert.match(r.text, /could not be read/);
    assert.deepEqual(r.statement, {
      Effect: 'Allow',
      Action: ['oss:PutObject'],
      Resource: ['acs:oss:*:*:demo-data/notes/*'],
    });
  });

  it("evaluates the role's policies when an administrator can read them, and the suggestion works", async () => {
    const cloud = instanceCloud();
    const admin = t.cloud();
    const e = await refusal(cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt', Buffer.from('hi')));
    const r = await analyseOssDenial(e, { cloud, profileName: 'Instance role', policyReader: admin });
    assert.equal(r.explanation?.reason, 'NoAllow');
    assert.deepEqual(r.policyNames, ['AliyunOSSReadOnlyAccess']);
    assert.match(r.text, /None of its policies \(AliyunOSSReadOnlyAccess\) allows it/);
    assert.ok(r.statement);

    // "Add to Role…": a new custom policy with the statement, attached to the role.
    const name = suggestedPolicyName(r.request);
    await grantStatement(admin, { kind: 'role', name: DEMO.seededRole }, name, r.statement, 'test');
    try {
      await cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt', Buffer.from('hi'));
      assert.equal((await cloud.oss.getObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt')).toString(), 'hi');
      // Scoped to the folder: elsewhere it is still refused.
      await refusal(cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'other.txt', Buffer.from('x')));
    } finally {
      await admin.ram.detachPolicyFromRole(DEMO.seededRole, name, 'Custom');
      await admin.ram.deletePolicy(name);
      await admin.oss.deleteObject(DEMO.bucket, 'cn-hangzhou', 'notes/new.txt');
    }
  });

  it('points at an explicit Deny instead of suggesting an Allow that cannot help', async () => {
    const admin = t.cloud();
    const deny = 'TestDenyConfigReads';
    await admin.ram.createPolicy(
      deny,
      JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Deny', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:demo-data/config/*' }],
      }),
    );
    await admin.ram.attachPolicyToRole(DEMO.seededRole, deny, 'Custom');
    try {
      const cloud = instanceCloud();
      const e = await refusal(cloud.oss.headObject(DEMO.bucket, 'cn-hangzhou', 'config/app.json'));
      assert.equal(e.action, 'oss:HeadObject');
      const r = await analyseOssDenial(e, { cloud, profileName: 'Instance role', policyReader: admin });
      assert.equal(r.request.action, 'oss:GetObject');
      assert.equal(r.explanation?.reason, 'ExplicitDeny');
      assert.equal(r.statement, undefined);
      assert.match(r.text, /Statement 1 of policy TestDenyConfigReads denies it explicitly/);
    } finally {
      await admin.ram.detachPolicyFromRole(DEMO.seededRole, deny, 'Custom');
      await admin.ram.deletePolicy(deny);
    }
  });
});

describe('AccessDenied for a RAM user', () => {
  it("reads the user's own policies (RAM read-only) and finds no Allow for ListObjects", async () => {
    const cloud = t.cloud(t.subAccount);
    const e = await refusal(cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: 'logs/' }));
    assert.equal(e.action, 'oss:ListObjects');
    const r = await analyseOssDenial(e, { cloud, profileName: 'alice' });
    assert.equal(r.principal?.kind, 'user');
    assert.equal(r.principal?.name, DEMO.subUser);
    assert.equal(r.policiesUnreadable, undefined);
    assert.deepEqual(r.policyNames?.sort(), ['AliyunECSFullAccess', 'AliyunRAMReadOnlyAccess']);
    assert.equal(r.explanation?.reason, 'NoAllow');
    assert.deepEqual(r.request.conditions, { 'oss:Prefix': 'logs/', 'oss:Delimiter': '/' });
    assert.match(r.text, /for RAM user dev-alice/);
    assert.deepEqual(r.statement?.Action, ['oss:ListObjects']);
  });
});
