// RamApi over real HTTP to the sandbox with the real RAM SDK: every call, paging and the errors users hit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectAll } from '../../src/cloud/paging';
import { CloudError } from '../../src/cloud/errors';
import { createCloud } from '../../src/cloud';
import { formatPolicy, ossReadOnlyPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const trust = formatPolicy(serviceTrustPolicy());

describe('RAM roles', () => {
  test('create, get (with trust policy), update trust, delete', async () => {
    const ram = t.cloud().ram;
    const created = await ram.createRole('CloudTestRole', trust, 'made by a test');
    assert.equal(created.roleName, 'CloudTestRole');
    assert.equal(created.arn, `acs:ram::${DEMO.accountId}:role/CloudTestRole`);
    const got = await ram.getRole('CloudTestRole');
    assert.deepEqual(JSON.parse(got.trustPolicy!), serviceTrustPolicy());
    await ram.updateRoleTrust('CloudTestRole', formatPolicy(serviceTrustPolicy('fc.aliyuncs.com')));
    assert.match((await ram.getRole('CloudTestRole')).trustPolicy!, /fc\.aliyuncs\.com/);
    await ram.deleteRole('CloudTestRole');
    await assert.rejects(
      ram.getRole('CloudTestRole'),
      (e: CloudError) => e.code === 'EntityNotExist.Role' && e.status === 404 && !!e.requestId && !!e.explanation,
    );
  });

  test('a duplicate name is EntityAlreadyExists.Role with an explanation and a fix', async () => {
    const ram = t.cloud().ram;
    await assert.rejects(ram.createRole(DEMO.seededRole, trust), (e: CloudError) => {
      assert.equal(e.code, 'EntityAlreadyExists.Role');
      assert.equal(e.status, 409);
      assert.ok(e.explanation && e.fix);
      return true;
    });
  });

  test('ListRoles pages with Marker/IsTruncated and collectAll walks every page', async () => {
    const ram = t.cloud().ram;
    for (let i = 0; i < 23; i++) {
      await ram.createRole(`PageRole-${String(i).padStart(2, '0')}`, trust);
    }
    const first = await ram.listRoles(undefined, 10);
    assert.equal(first.items.length, 10);
    assert.ok(first.next, 'a marker for the next page');
    const second = await ram.listRoles(first.next, 10);
    assert.equal(second.items.length, 10);
    assert.equal(new Set([...first.items, ...second.items].map((r) => r.roleName)).size, 20, 'pages do not overlap');
    let pages = 0;
    const all = await collectAll(async (m) => {
      pages++;
      return ram.listRoles(m, 10);
    });
    assert.ok(pages >= 3);
    assert.equal(all.filter((r) => r.roleName.startsWith('PageRole-')).length, 23);
  });

  test('deleting a role with policies attached is DeleteConflict.Role.Policy', async () => {
    const ram = t.cloud().ram;
    await ram.createRole('ConflictRole', trust);
    await ram.attachPolicyToRole('ConflictRole', 'AliyunOSSReadOnlyAccess', 'System');
    await assert.rejects(
      ram.deleteRole('ConflictRole'),
      (e: CloudError) => e.code === 'DeleteConflict.Role.Policy' && /Detach/.test(e.fix ?? ''),
    );
    await ram.detachPolicyFromRole('ConflictRole', 'AliyunOSSReadOnlyAccess', 'System');
    await ram.deleteRole('ConflictRole');
  });
});

describe('RAM policies', () => {
  test('custom policy lifecycle: create, get, versions, attach, entities, detach, delete', async () => {
    const ram = t.cloud().ram;
    const doc = formatPolicy(ossReadOnlyPolicy());
    const p = await ram.createPolicy('CloudTestOssRead', doc, 'read OSS');
    assert.equal(p.policyType, 'Custom');
    assert.equal(p.defaultVersion, 'v1');
    const got = await ram.getPolicy('CloudTestOssRead', 'Custom');
    assert.deepEqual(JSON.parse(got.document), ossReadOnlyPolicy());
    const v2 = await ram.createPolicyVersion(
      'CloudTestOssRead',
      JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }] }),
    );
    assert.equal(v2.versionId, 'v2');
    assert.equal(v2.isDefault, true);
    const versions = await ram.listPolicyVersions('CloudTestOssRead', 'Custom');
    assert.deepEqual(versions.map((v) => [v.versionId, v.isDefault]).sort(), [
      ['v1', false],
      ['v2', true],
    ]);
    assert.match((await ram.getPolicyVersion('CloudTestOssRead', 'Custom', 'v1')).document, /oss:List\*/);
    await ram.attachPolicyToRole(DEMO.seededRole, 'CloudTestOssRead', 'Custom');
    assert.ok((await ram.listPoliciesForRole(DEMO.seededRole)).some((x) => x.policyName === 'CloudTestOssRead'));
    assert.deepEqual((await ram.listEntitiesForPolicy('CloudTestOssRead', 'Custom')).roles, [DEMO.seededRole]);
    await assert.rejects(
      ram.attachPolicyToRole(DEMO.seededRole, 'CloudTestOssRead', 'Custom'),
      (e: CloudError) => e.code === 'EntityAlreadyExists.Role.Policy',
    );
    await ram.detachPolicyFromRole(DEMO.seededRole, 'CloudTestOssRead', 'Custom');
    await ram.deletePolicy('CloudTestOssRead');
    await assert.rejects(
      ram.getPolicy('CloudTestOssRead', 'Custom'),
      (e: CloudError) => e.code === 'EntityNotExist.Policy',
    );
  });

  test('malformed documents are refused by RAM with MalformedPolicyDocument', async () => {
    await assert.rejects(
      t.cloud().ram.createPolicy('Broken', '{"Version":"1","Statement":[{"Effect":"Allow"} {"Effect":"Allow"}]}'),
      (e: CloudError) => e.code === 'MalformedPolicyDocument',
    );
  });

  test('system policies are listed separately and include the OSS read-only policy', async () => {
    const system = await collectAll((m) => t.cloud().ram.listPolicies('System', m, 5));
    assert.ok(system.some((p) => p.policyName === 'AliyunOSSReadOnlyAccess' && p.policyType === 'System'));
    const custom = await collectAll((m) => t.cloud().ram.listPolicies('Custom', m, 5));
    assert.ok(custom.every((p) => p.policyType === 'Custom'));
  });

  test('users: list and their policies', async () => {
    const ram = t.cloud().ram;
    const users = await collectAll((m) => ram.listUsers(m));
    assert.ok(users.some((u) => u.userName === DEMO.subUser));
    const attached = await ram.listPoliciesForUser(DEMO.subUser);
    assert.ok(attached.some((p) => p.policyName === 'AliyunECSFullAccess'));
  });
});

describe('the cloud log', () => {
  test('"not there"" is an answer, logged as such; a refusal or a real failure is logged as a failure', async () => {
    const lines: Array<[string, string]> = [];
    const logger = {
      info: (m: string) => lines.push(['info', m]),
      warn: (m: string) => lines.push(['warn', m]),
      error: (m: string) => lines.push(['error', m]),
    };
    const cloud = createCloud(t.profile(), logger);
    try {
      await assert.rejects(cloud.ram.getRole('NoSuchRoleForLogTest'), { code: 'EntityNotExist.Role' });
      await assert.rejects(cloud.oss.headObject(DEMO.bucket, 'cn-hangzhou', 'no/such/object'), { code: 'NoSuchKey' });
      await assert.rejects(cloud.ram.createRole('bad name!', '{}'));
    } finally {
      cloud.dispose();
    }
    const of = (re: RegExp) =>
      lines.filter(([, m]) => re.test(m)).map(([level, m]) => `${level} ${m.split(' requestId')[0]}`);
    assert.deepEqual(of(/ram\.GetRole/), ['info ram.GetRole - answered EntityNotExist.Role (404)']);
    assert.match(of(/oss\.HeadObject/)[0], /^info oss\.HeadObject cn-hangzhou answered NoSuchKey/);
    assert.match(of(/ram\.CreateRole/)[0], /^warn ram\.CreateRole - failed /);
  });
});
