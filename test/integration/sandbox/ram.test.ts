/**
 * Sandbox RAM (2015-05-01) through the real @alicloud/ram20150501 SDK over loopback HTTP: every
 * action, RAM's naming rules and error codes, Marker paging, and authorization of RAM users.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ram, * as $Ram from '@alicloud/ram20150501';
import Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { formatPolicy, ossReadOnlyPolicy, serviceTrustPolicy } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { rejectsWith } from '../../helpers/assertions';

let sandbox: Sandbox;
let ram: Ram;
before(async () => {
  sandbox = await startSandbox({ instant: true });
  ram = client(DEMO.accessKeyId, DEMO.accessKeySecret);
});
after(async () => {
  await sandbox.close();
});

function client(accessKeyId: string, accessKeySecret: string): Ram {
  return new Ram(
    new $OpenApiUtil.Config({
      accessKeyId,
      accessKeySecret,
      endpoint: sandbox.info.endpoint,
      protocol: 'http',
      readTimeout: 10000,
      connectTimeout: 5000,
    }),
  );
}

const ecsTrust = formatPolicy(serviceTrustPolicy('ecs.aliyuncs.com'));
const readOnly = formatPolicy(ossReadOnlyPolicy());
const createRole = (roleName: string, extra: Partial<$Ram.CreateRoleRequest> = {}) =>
  ram.createRole(new $Ram.CreateRoleRequest({ roleName, assumeRolePolicyDocument: ecsTrust, ...extra }));
const createPolicy = (policyName: string, policyDocument = readOnly) =>
  ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName, policyDocument, description: `${policyName} policy` }));

describe('RAM roles', () => {
  it('creates, gets, updates and deletes a role with the real shapes', async () => {
    const created = await createRole('EcsDevRole', { description: 'dev', maxSessionDuration: 7200 });
    const role = created.body!.role!;
    assert.equal(role.roleName, 'EcsDevRole');
    assert.equal(role.arn, `acs:ram::${DEMO.accountId}:role/EcsDevRole`);
    assert.match(role.roleId!, /^\d{16,}$/);
    assert.match(role.createDate!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(role.maxSessionDuration, 7200);
    assert.equal(role.assumeRolePolicyDocument, ecsTrust);

    // Names are case-insensitive: the lookup finds the role and reports its real name.
    const got = (await ram.getRole(new $Ram.GetRoleRequest({ roleName: 'ecsdevrole' }))).body!.role!;
    assert.deepEqual([got.roleName, got.roleId, got.description], ['EcsDevRole', role.roleId, 'dev']);
    assert.ok(got.updateDate);

    const trustAccount = formatPolicy({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } },
      ],
    });
    const updated = (
      await ram.updateRole(
        new $Ram.UpdateRoleRequest({
          roleName: 'EcsDevRole',
          newDescription: 'changed',
          newAssumeRolePolicyDocument: trustAccount,
          newMaxSessionDuration: 3600,
        }),
      )
    ).body!.role!;
    assert.deepEqual(
      [updated.description, updated.assumeRolePolicyDocument, updated.maxSessionDuration],
      ['changed', trustAccount, 3600],
    );

    await ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: 'EcsDevRole' }));
    await rejectsWith(ram.getRole(new $Ram.GetRoleRequest({ roleName: 'EcsDevRole' })), 'EntityNotExist.Role', 404);
    await rejectsWith(
      ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: 'EcsDevRole' })),
      'EntityNotExist.Role',
      404,
    );
    await rejectsWith(
      ram.updateRole(new $Ram.UpdateRoleRequest({ roleName: 'EcsDevRole', newDescription: 'x' })),
      'EntityNotExist.Role',
      404,
    );
  });

  it('refuses a duplicate name, case-insensitively: EntityAlreadyExists.Role (409)', async () => {
    await createRole('Dup.Role');
    await rejectsWith(createRole('Dup.Role'), 'EntityAlreadyExists.Role', 409);
    await rejectsWith(createRole('dup.role'), 'EntityAlreadyExists.Role', 409);
  });

  it('enforces RoleName rules: 1–64 of [A-Za-z0-9.-]', async () => {
    await rejectsWith(createRole('x'.repeat(65)), 'InvalidParameter.RoleName.Length', 400);
    await rejectsWith(createRole('bad_name'), 'InvalidParameter.RoleName.InvalidChars', 400);
    await rejectsWith(createRole('bad name'), 'InvalidParameter.RoleName.InvalidChars', 400);
    assert.equal((await createRole('x'.repeat(64))).body?.role?.roleName?.length, 64);
  });

  it('checks the trust policy, description and session duration', async () => {
    const bad = (doc: unknown) =>
      createRole('BadTrust', { assumeRolePolicyDocument: typeof doc === 'string' ? doc : JSON.stringify(doc) });
    await rejectsWith(bad('{"Version": "1", "Statement": ['), 'MalformedPolicyDocument', 400);
    await rejectsWith(
      bad({
        Version: '2',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
      }),
      'MalformedPolicyDocument',
    );
    await rejectsWith(bad({ Version: '1', Statement: {} }), 'MalformedPolicyDocument');
    await rejectsWith(
      bad({
        Version: '1',
        Statement: [{ Effect: 'Maybe', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
      }),
      'MalformedPolicyDocument',
    );
    await rejectsWith(
      bad({ Version: '1', Statement: [{ Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } }] }),
      'MalformedPolicyDocument',
    );
    await rejectsWith(
      bad({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }),
      'MalformedPolicyDocument',
    );
    await rejectsWith(
      bad({ ...serviceTrustPolicy(), Padding: 'a'.repeat(2048) }),
      'InvalidParameter.AssumeRolePolicyDocument.Length',
      400,
    );
    await rejectsWith(
      createRole('BadDesc', { description: 'd'.repeat(1025) }),
      'InvalidParameter.Description.Length',
      400,
    );
    await rejectsWith(
      createRole('BadDuration', { maxSessionDuration: 100 }),
      'InvalidParameter.MaxSessionDuration',
      400,
    );
    await rejectsWith(ram.getRole(new $Ram.GetRoleRequest({ roleName: 'BadTrust' })), 'EntityNotExist.Role', 404);
  });

  it('pages ListRoles with Marker/IsTruncated/MaxItems, without trust documents', async () => {
    for (let i = 0; i < 7; i++) {
      await createRole(`Page-Role-${i}`, { tag: [new $Ram.CreateRoleRequestTag({ key: 'suite', value: 'paging' })] });
    }
    const expected = [...sandbox.state.roles.values()].map((r) => r.roleName.toLowerCase()).sort();
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const body = (await ram.listRoles(new $Ram.ListRolesRequest({ maxItems: 3, marker }))).body!;
      const roles = body.roles!.role!;
      assert.ok(roles.length <= 3);
      for (const r of roles) {
        assert.equal(r.arn, `acs:ram::${DEMO.accountId}:role/${r.roleName}`);
        assert.equal((r as Record<string, unknown>).assumeRolePolicyDocument, undefined);
        seen.push(r.roleName!.toLowerCase());
      }
      assert.equal(body.isTruncated, !!body.marker);
      marker = body.isTruncated ? body.marker : undefined;
      pages++;
    } while (marker);
    assert.deepEqual(seen, expected);
    assert.ok(pages >= 4, `expected several pages, got ${pages}`);

    const tagged = await ram.listRoles(
      new $Ram.ListRolesRequest({ tag: [new $Ram.ListRolesRequestTag({ key: 'suite', value: 'paging' })] }),
    );
    assert.deepEqual(
      tagged.body?.roles?.role?.map((r) => r.roleName),
      Array.from({ length: 7 }, (_, i) => `Page-Role-${i}`),
    );
    assert.deepEqual({ ...tagged.body?.roles?.role?.[0]?.tags?.tag?.[0] }, { tagKey: 'suite', tagValue: 'paging' });
    assert.equal(tagged.body?.isTruncated, false);
    await rejectsWith(ram.listRoles(new $Ram.ListRolesRequest({ maxItems: 0 })), 'InvalidParameter.MaxItems', 400);
    await rejectsWith(ram.listRoles(new $Ram.ListRolesRequest({ maxItems: 1001 })), 'InvalidParameter.MaxItems', 400);
  });
});

describe('RAM policies', () => {
  it('creates a custom policy and reads it back (GetPolicy, GetPolicyVersion, System policies)', async () => {
    const p = (await createPolicy('Oss-Reader')).body!.policy!;
    assert.deepEqual(
      [p.policyName, p.policyType, p.defaultVersion, p.description],
      ['Oss-Reader', 'Custom', 'v1', 'Oss-Reader policy'],
    );
    const got = (await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'oss-reader', policyType: 'Custom' })))
      .body!;
    assert.deepEqual([got.policy?.policyName, got.policy?.attachmentCount], ['Oss-Reader', 0]);
    assert.deepEqual(
      [
        got.defaultPolicyVersion?.versionId,
        got.defaultPolicyVersion?.isDefaultVersion,
        got.defaultPolicyVersion?.policyDocument,
      ],
      ['v1', true, readOnly],
    );
    const v1 = (
      await ram.getPolicyVersion(
        new $Ram.GetPolicyVersionRequest({ policyName: 'Oss-Reader', policyType: 'Custom', versionId: 'v1' }),
      )
    ).body!;
    assert.equal(v1.policyVersion?.policyDocument, readOnly);
    const sys = (
      await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'AliyunOSSReadOnlyAccess', policyType: 'System' }))
    ).body!;
    assert.equal(sys.policy?.policyType, 'System');
    assert.equal(JSON.parse(sys.defaultPolicyVersion!.policyDocument!).Version, '1');
    await rejectsWith(
      ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'AliyunOSSReadOnlyAccess', policyType: 'Custom' })),
      'EntityNotExist.Policy',
      404,
    );
    await rejectsWith(
      ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'Oss-Reader', policyType: 'Managed' })),
      'InvalidParameter.PolicyType',
      400,
    );
    await rejectsWith(
      ram.getPolicyVersion(
        new $Ram.GetPolicyVersionRequest({ policyName: 'Oss-Reader', policyType: 'Custom', versionId: 'v9' }),
      ),
      'EntityNotExist.Policy.Version',
      404,
    );
    await rejectsWith(
      ram.getPolicyVersion(
        new $Ram.GetPolicyVersionRequest({ policyName: 'Oss-Reader', policyType: 'Custom', versionId: 'one' }),
      ),
      'InvalidParameter.VersionId.Format',
      400,
    );
  });

  it('enforces PolicyName rules, document limits and uniqueness', async () => {
    await rejectsWith(createPolicy('has.dot'), 'InvalidParameter.PolicyName.InvalidChars', 400);
    await rejectsWith(createPolicy('p'.repeat(129)), 'InvalidParameter.PolicyName.Length', 400);
    await rejectsWith(
      createPolicy('NoResource', JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:*' }] })),
      'MalformedPolicyDocument',
      400,
    );
    await rejectsWith(createPolicy('NotJson', 'Version: 1'), 'MalformedPolicyDocument', 400);
    // Padding of letters: they travel unencoded, so the URL stays within Node's header limit.
    const long = JSON.stringify({ ...ossReadOnlyPolicy(), Padding: 'a'.repeat(6144) });
    await rejectsWith(createPolicy('TooLong', long), 'InvalidParameter.PolicyDocument.Length', 400);
    await createPolicy('Unique-Policy');
    await rejectsWith(createPolicy('UNIQUE-policy'), 'EntityAlreadyExists.Policy', 409);
  });

  it('manages versions: SetAsDefault, the limit of 5, RotateStrategy, ids never reused', async () => {
    await createPolicy('Versioned');
    const doc = (n: number) =>
      formatPolicy({ Version: '1', Statement: [{ Effect: 'Allow', Action: `oss:GetObject${n}`, Resource: '*' }] });
    const create = (n: number, extra: Partial<$Ram.CreatePolicyVersionRequest> = {}) =>
      ram.createPolicyVersion(
        new $Ram.CreatePolicyVersionRequest({ policyName: 'Versioned', policyDocument: doc(n), ...extra }),
      );
    assert.deepEqual(
      { ...(await create(2)).body!.policyVersion, createDate: undefined },
      { versionId: 'v2', isDefaultVersion: false, policyDocument: doc(2), createDate: undefined },
    );
    await create(3, { setAsDefault: true });
    await create(4);
    await create(5);
    await rejectsWith(create(6), 'LimitExceeded.Policy.Version', 409);
    const rotated = (await create(6, { rotateStrategy: 'DeleteOldestNonDefaultVersionWhenLimitExceeded' })).body!
      .policyVersion!;
    assert.equal(rotated.versionId, 'v6');
    const list = async () =>
      (
        await ram.listPolicyVersions(
          new $Ram.ListPolicyVersionsRequest({ policyName: 'Versioned', policyType: 'Custom' }),
        )
      ).body!.policyVersions!.policyVersion!;
    // The rotation removed the oldest non-default version, v1 (v3 is the default).
    assert.deepEqual(
      (await list()).map((v) => [v.versionId, v.isDefaultVersion]),
      [
        ['v2', false],
        ['v3', true],
        ['v4', false],
        ['v5', false],
        ['v6', false],
      ],
    );
    await rejectsWith(create(7, { rotateStrategy: 'Sometimes' }), 'InvalidParameter.RotateStrategy', 400);

    await ram.setDefaultPolicyVersion(
      new $Ram.SetDefaultPolicyVersionRequest({ policyName: 'Versioned', versionId: 'v5' }),
    );
    const got = (await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'Versioned', policyType: 'Custom' })))
      .body!;
    assert.deepEqual([got.policy?.defaultVersion, got.defaultPolicyVersion?.policyDocument], ['v5', doc(5)]);
    await rejectsWith(
      ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName: 'Versioned', versionId: 'v5' })),
      'DeleteConflict.Policy.Version.Default',
      409,
    );
    await ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName: 'Versioned', versionId: 'v6' }));
    await rejectsWith(
      ram.deletePolicyVersion(new $Ram.DeletePolicyVersionRequest({ policyName: 'Versioned', versionId: 'v6' })),
      'EntityNotExist.Policy.Version',
      404,
    );
    assert.equal((await create(7)).body?.policyVersion?.versionId, 'v7');
    await rejectsWith(
      ram.setDefaultPolicyVersion(
        new $Ram.SetDefaultPolicyVersionRequest({ policyName: 'Versioned', versionId: 'v1' }),
      ),
      'EntityNotExist.Policy.Version',
      404,
    );

    await rejectsWith(
      ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'Versioned' })),
      'DeleteConflict.Policy.Version',
      409,
    );
    await ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'Versioned', cascadingDelete: true }));
    await rejectsWith(
      ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'Versioned', policyType: 'Custom' })),
      'EntityNotExist.Policy',
      404,
    );
  });

  it('lists policies with a PolicyType filter and Marker paging', async () => {
    const system = (await ram.listPolicies(new $Ram.ListPoliciesRequest({ policyType: 'System', maxItems: 1000 })))
      .body!;
    assert.ok(system.policies!.policy!.length >= 8);
    assert.ok(system.policies!.policy!.every((p) => p.policyType === 'System'));
    assert.equal(system.isTruncated, false);
    const custom = (await ram.listPolicies(new $Ram.ListPoliciesRequest({ policyType: 'Custom' }))).body!.policies!
      .policy!;
    assert.ok(custom.some((p) => p.policyName === 'DemoLogsWriter' && p.attachmentCount === 1));

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const body = (await ram.listPolicies(new $Ram.ListPoliciesRequest({ maxItems: 4, marker }))).body!;
      seen.push(...body.policies!.policy!.map((p) => `${p.policyType}:${p.policyName}`));
      marker = body.isTruncated ? body.marker : undefined;
    } while (marker);
    assert.equal(seen.length, sandbox.state.policies.size);
    assert.equal(new Set(seen).size, seen.length);
    await rejectsWith(
      ram.listPolicies(new $Ram.ListPoliciesRequest({ policyType: 'Other' })),
      'InvalidParameter.PolicyType',
      400,
    );
  });

  it('attaches and detaches policies on roles, with conflicts reported by real codes', async () => {
    await createRole('Attach-Role');
    await createPolicy('Attach-Policy');
    const attach = (policyName: string, policyType = 'Custom', roleName = 'Attach-Role') =>
      ram.attachPolicyToRole(new $Ram.AttachPolicyToRoleRequest({ policyName, policyType, roleName }));
    const detach = (policyName: string, policyType = 'Custom', roleName = 'Attach-Role') =>
      ram.detachPolicyFromRole(new $Ram.DetachPolicyFromRoleRequest({ policyName, policyType, roleName }));

    await attach('Attach-Policy');
    await attach('AliyunOSSReadOnlyAccess', 'System');
    await rejectsWith(attach('attach-policy'), 'EntityAlreadyExists.Role.Policy', 409);
    await rejectsWith(attach('No-Such-Policy'), 'EntityNotExist.Policy', 404);
    await rejectsWith(attach('Attach-Policy', 'Custom', 'No-Such-Role'), 'EntityNotExist.Role', 404);
    await rejectsWith(attach('Attach-Policy', 'Shared'), 'InvalidParameter.PolicyType', 400);

    const listed = (await ram.listPoliciesForRole(new $Ram.ListPoliciesForRoleRequest({ roleName: 'Attach-Role' })))
      .body!.policies!.policy!;
    assert.deepEqual(
      listed.map((p) => [p.policyName, p.policyType, p.defaultVersion]),
      [
        ['Attach-Policy', 'Custom', 'v1'],
        ['AliyunOSSReadOnlyAccess', 'System', 'v1'],
      ],
    );
    assert.ok(listed.every((p) => p.attachDate));
    const count = (
      await ram.getPolicy(new $Ram.GetPolicyRequest({ policyName: 'Attach-Policy', policyType: 'Custom' }))
    ).body!.policy!.attachmentCount;
    assert.equal(count, 1);

    await rejectsWith(
      ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: 'Attach-Role' })),
      'DeleteConflict.Role.Policy',
      409,
    );
    await rejectsWith(
      ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'Attach-Policy' })),
      'DeleteConflict.Policy.Role',
      409,
    );

    const entities = (
      await ram.listEntitiesForPolicy(
        new $Ram.ListEntitiesForPolicyRequest({ policyName: 'Attach-Policy', policyType: 'Custom' }),
      )
    ).body!;
    assert.deepEqual(
      entities.roles?.role?.map((r) => [r.roleName, r.arn]),
      [['Attach-Role', `acs:ram::${DEMO.accountId}:role/Attach-Role`]],
    );
    assert.deepEqual([entities.users?.user, entities.groups?.group], [[], []]);

    await detach('Attach-Policy');
    await rejectsWith(detach('Attach-Policy'), 'EntityNotExist.Role.Policy', 404);
    await detach('AliyunOSSReadOnlyAccess', 'System');
    await ram.deletePolicy(new $Ram.DeletePolicyRequest({ policyName: 'Attach-Policy' }));
    await ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: 'Attach-Role' }));
  });
});

describe('RAM users and access keys', () => {
  it('creates, gets and pages users', async () => {
    const u = (
      await ram.createUser(
        new $Ram.CreateUserRequest({
          userName: 'bob',
          displayName: 'Bob',
          comments: 'tester',
          email: 'bob@example.com',
        }),
      )
    ).body!.user!;
    assert.deepEqual([u.userName, u.displayName, u.comments, u.email], ['bob', 'Bob', 'tester', 'bob@example.com']);
    assert.match(u.userId!, /^\d+$/);
    const got = (await ram.getUser(new $Ram.GetUserRequest({ userName: 'BOB' }))).body!.user!;
    assert.deepEqual([got.userName, got.userId], ['bob', u.userId]);
    await rejectsWith(ram.createUser(new $Ram.CreateUserRequest({ userName: 'Bob' })), 'EntityAlreadyExists.User', 409);
    await rejectsWith(
      ram.createUser(new $Ram.CreateUserRequest({ userName: 'bad user' })),
      'InvalidParameter.UserName.InvalidChars',
      400,
    );
    await rejectsWith(ram.getUser(new $Ram.GetUserRequest({ userName: 'nobody' })), 'EntityNotExist.User', 404);

    for (let i = 0; i < 4; i++) {
      await ram.createUser(new $Ram.CreateUserRequest({ userName: `pager-${i}` }));
    }
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const body = (await ram.listUsers(new $Ram.ListUsersRequest({ maxItems: 2, marker }))).body!;
      names.push(...body.users!.user!.map((x) => x.userName!));
      marker = body.isTruncated ? body.marker : undefined;
    } while (marker);
    assert.deepEqual(
      names,
      [...sandbox.state.users.keys()].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    );
  });

  it('attaches policies to users and lists them', async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'carol' }));
    const req = { userName: 'carol', policyType: 'System', policyName: 'AliyunECSReadOnlyAccess' };
    await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest(req));
    await rejectsWith(
      ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest(req)),
      'EntityAlreadyExists.User.Policy',
      409,
    );
    const listed = (await ram.listPoliciesForUser(new $Ram.ListPoliciesForUserRequest({ userName: 'carol' }))).body!
      .policies!.policy!;
    assert.deepEqual(
      listed.map((p) => p.policyName),
      ['AliyunECSReadOnlyAccess'],
    );
    const entities = (
      await ram.listEntitiesForPolicy(
        new $Ram.ListEntitiesForPolicyRequest({ policyName: 'AliyunECSReadOnlyAccess', policyType: 'System' }),
      )
    ).body!;
    assert.deepEqual(
      entities.users?.user?.map((x) => x.userName),
      ['carol'],
    );
    await ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest(req));
    await rejectsWith(
      ram.detachPolicyFromUser(new $Ram.DetachPolicyFromUserRequest(req)),
      'EntityNotExist.User.Policy',
      404,
    );
    await rejectsWith(
      ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ ...req, userName: 'nobody' })),
      'EntityNotExist.User',
      404,
    );
  });

  it('creates access keys that sign requests as the user, at most two per user', async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'dave' }));
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'dave' }))).body!.accessKey!;
    assert.match(key.accessKeyId!, /^SBXAK\w+$/);
    assert.equal(key.status, 'Active');
    const sts = new Sts(
      new $OpenApiUtil.Config({
        accessKeyId: key.accessKeyId,
        accessKeySecret: key.accessKeySecret,
        endpoint: sandbox.info.endpoint,
        protocol: 'http',
      }),
    );
    const who = (await sts.getCallerIdentity()).body!;
    assert.deepEqual([who.identityType, who.arn], ['RAMUser', `acs:ram::${DEMO.accountId}:user/dave`]);
    await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'dave' }));
    await rejectsWith(
      ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'dave' })),
      'LimitExceeded.User.AccessKey',
      409,
    );
    await rejectsWith(
      ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'nobody' })),
      'EntityNotExist.User',
      404,
    );
  });
});

describe('RAM authorization of RAM users', () => {
  const alice = () => client(DEMO.subAccessKeyId, DEMO.subAccessKeySecret);

  it('refuses writes to a read-only sub-account: NoPermission (403) with AccessDeniedDetail', async () => {
    const e = await rejectsWith(
      alice().createRole(new $Ram.CreateRoleRequest({ roleName: 'AliceRole', assumeRolePolicyDocument: ecsTrust })),
      'NoPermission',
      403,
    );
    const detail = e.accessDeniedDetail as Record<string, unknown>;
    assert.deepEqual(
      [detail.AuthAction, detail.AuthPrincipalType, detail.AuthPrincipalDisplayName],
      ['ram:CreateRole', 'SubUser', DEMO.subUser],
    );
    await rejectsWith(ram.getRole(new $Ram.GetRoleRequest({ roleName: 'AliceRole' })), 'EntityNotExist.Role', 404);
  });

  it('lets the sub-account read (AliyunRAMReadOnlyAccess)', async () => {
    const roles = (await alice().listRoles(new $Ram.ListRolesRequest({}))).body!.roles!.role!;
    assert.ok(roles.some((r) => r.roleName === DEMO.seededRole));
    assert.equal(
      (await alice().getRole(new $Ram.GetRoleRequest({ roleName: DEMO.seededRole }))).body?.role?.roleName,
      DEMO.seededRole,
    );
  });

  it('honours resource-scoped grants: ram:GetRole on one role only', async () => {
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'scoped' }));
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: 'Get-One-Role',
        policyDocument: formatPolicy({
          Version: '1',
          Statement: [
            { Effect: 'Allow', Action: 'ram:GetRole', Resource: `acs:ram:*:${DEMO.accountId}:role/${DEMO.seededRole}` },
          ],
        }),
      }),
    );
    await ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({ userName: 'scoped', policyType: 'Custom', policyName: 'Get-One-Role' }),
    );
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'scoped' }))).body!.accessKey!;
    const scoped = client(key.accessKeyId!, key.accessKeySecret!);
    assert.equal((await scoped.getRole(new $Ram.GetRoleRequest({ roleName: DEMO.seededRole }))).statusCode, 200);
    await rejectsWith(scoped.getRole(new $Ram.GetRoleRequest({ roleName: DEMO.notEcsRole })), 'NoPermission', 403);
    await rejectsWith(scoped.listRoles(new $Ram.ListRolesRequest({})), 'NoPermission', 403);
  });
});
