/**
 * The sandbox's RPC gateway over real HTTP: signature verification (V3 ACS3-HMAC-SHA256 and V1
 * HMAC-SHA1, with and without STS tokens), the error body shape, routing by version/action,
 * and STS (GetCallerIdentity, AssumeRole). Real SDKs where they can say it; hand-signed requests
 * where a test needs to send what no SDK would.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Ram, * as $Ram from '@alicloud/ram20150501';
import Sts, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { formatPolicy, roleArn } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { issueSession } from '../../../src/sandbox/rpc/sessions';
import { rejectsWith } from '../../helpers/assertions';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ instant: true });
});
after(async () => {
  await sandbox.close();
});

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}
const ROOT: Keys = { accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret };

const config = (keys: Keys = ROOT, extra: Partial<$OpenApiUtil.Config> = {}) =>
  new $OpenApiUtil.Config({
    ...keys,
    endpoint: sandbox.info.endpoint,
    protocol: 'http',
    regionId: 'cn-hangzhou',
    readTimeout: 10000,
    connectTimeout: 5000,
    ...extra,
  });
const v1 = { signatureAlgorithm: 'v2' } as const;

// ---- hand-made requests ----

const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const timestamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: sandbox.info.port,
        method,
        path,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A V1 (HMAC-SHA1) signed parameter set, as the POP docs describe it. */
function signV1(method: string, params: Record<string, string>, keys: Keys = ROOT): Record<string, string> {
  const all: Record<string, string> = {
    Format: 'JSON',
    Timestamp: timestamp(),
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomBytes(8).toString('hex'),
    AccessKeyId: keys.accessKeyId,
    ...params,
  };
  const canon = Object.keys(all)
    .sort()
    .map((k) => `${enc(k)}=${enc(all[k])}`)
    .join('&');
  const sts = `${method}&${enc('/')}&${enc(canon)}`;
  return { ...all, Signature: createHmac('sha1', `${keys.accessKeySecret}&`).update(sts).digest('base64') };
}

const qs = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');

/** A V3 (ACS3-HMAC-SHA256) signed request, implemented from the "V3 request signature" documentation, independently of the SDK. */
function signV3(action: string, version: string, query: Record<string, string>, body = '', keys: Keys = ROOT) {
  const headers: Record<string, string> = {
    host: sandbox.info.endpoint,
    'x-acs-action': action,
    'x-acs-version': version,
    'x-acs-date': timestamp(),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    '/',
    Object.keys(query)
      .sort()
      .map((k) => `${k}=${enc(query[k])}`)
      .join('&'),
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    headers['x-acs-content-sha256'],
  ].join('\n');
  const sts = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', keys.accessKeySecret).update(sts).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${keys.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return headers;
}

describe('RPC signatures', () => {
  it('accepts V3 (ACS3-HMAC-SHA256) from the SDK and identifies the root account', async () => {
    const r = await new Sts(config()).getCallerIdentity();
    assert.equal(r.statusCode, 200);
    assert.deepEqual(
      { ...r.body, requestId: undefined },
      {
        requestId: undefined,
        accountId: DEMO.accountId,
        userId: DEMO.accountId,
        arn: `acs:ram::${DEMO.accountId}:root`,
        identityType: 'Account',
        principalId: DEMO.accountId,
      },
    );
    assert.match(r.body!.requestId!, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('accepts V1 (HMAC-SHA1 query signing) from the SDK, for every product', async () => {
    assert.equal((await new Sts(config(ROOT, v1)).getCallerIdentity()).body?.identityType, 'Account');
    const roles = await new Ram(config(ROOT, v1)).listRoles(new $Ram.ListRolesRequest({}));
    assert.ok((roles.body?.roles?.role ?? []).some((r) => r.roleName === DEMO.seededRole));
    const regions = await new Ecs(config(ROOT, v1)).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    assert.deepEqual(
      regions.body?.regions?.region?.map((r) => r.regionId),
      [...DEMO.regions],
    );
  });

  it('round-trips parameters with characters that need careful encoding', async () => {
    const description = "it's (a) *test* ~ü !@#$%^&=+ 空格";
    const ram = new Ram(config());
    for (const [i, cfgExtra] of [{}, v1].entries()) {
      const r = await new Ram(config(ROOT, cfgExtra)).createRole(
        new $Ram.CreateRoleRequest({
          roleName: `Enc.Role-${i}`,
          description,
          assumeRolePolicyDocument: formatPolicy({
            Version: '1',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
          }),
        }),
      );
      assert.equal(r.body?.role?.description, description);
      assert.equal(
        (await ram.getRole(new $Ram.GetRoleRequest({ roleName: `Enc.Role-${i}` }))).body?.role?.description,
        description,
      );
    }
  });

  it('rejects a wrong secret with SignatureDoesNotMatch (400), V3 and V1', async () => {
    const bad = { ...ROOT, accessKeySecret: 'not-the-secret' };
    const e3 = await rejectsWith(new Sts(config(bad)).getCallerIdentity(), 'SignatureDoesNotMatch', 400);
    assert.match(
      String((e3.data as Record<string, unknown>).Message),
      /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/,
    );
    const e1 = await rejectsWith(
      new Ram(config(bad, v1)).getRole(new $Ram.GetRoleRequest({ roleName: DEMO.seededRole })),
      'SignatureDoesNotMatch',
      400,
    );
    assert.match(
      String((e1.data as Record<string, unknown>).Message),
      /server string to sign is:POST&%2F&AccessKeyId%3D/,
    );
  });

  it('rejects an unknown AccessKeyId with InvalidAccessKeyId.NotFound, V3 and V1', async () => {
    const unknown = { accessKeyId: 'SBXAKNoSuchKey000000000', accessKeySecret: 'x' };
    await rejectsWith(new Sts(config(unknown)).getCallerIdentity(), 'InvalidAccessKeyId.NotFound', 404);
    await rejectsWith(
      new Ecs(config(unknown, v1)).describeRegions(new $Ecs.DescribeRegionsRequest({})),
      'InvalidAccessKeyId.NotFound',
      404,
    );
  });

  it('rejects a query changed after signing (V3 and V1) and a body changed after signing (V3)', async () => {
    const headers = signV3('GetRole', '2015-05-01', { RoleName: DEMO.seededRole });
    const ok = await send('POST', `/?${qs({ RoleName: DEMO.seededRole })}`, headers);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((ok.body.Role as Record<string, unknown>).RoleName, DEMO.seededRole);
    const tampered = await send('POST', `/?${qs({ RoleName: DEMO.notEcsRole })}`, headers);
    assert.equal(tampered.status, 400);
    assert.equal(tampered.body.Code, 'SignatureDoesNotMatch');

    const formHeaders = {
      ...signV3('GetRole', '2015-05-01', {}, `RoleName=${DEMO.seededRole}`),
      'content-type': 'application/x-www-form-urlencoded',
    };
    const badBody = await send('POST', '/', formHeaders, `RoleName=${DEMO.notEcsRole}`);
    assert.equal(badBody.body.Code, 'SignatureDoesNotMatch');

    const params = signV1('GET', { Action: 'GetRole', Version: '2015-05-01', RoleName: DEMO.seededRole });
    assert.equal((await send('GET', `/?${qs(params)}`, {})).status, 200);
    const v1tampered = await send('GET', `/?${qs({ ...params, RoleName: DEMO.notEcsRole })}`, {});
    assert.equal(v1tampered.body.Code, 'SignatureDoesNotMatch');
  });

  it('accepts the classic Action-in-query V1 form with GET and with a POST form body', async () => {
    const get = await send('GET', `/?${qs(signV1('GET', { Action: 'DescribeRegions', Version: '2014-05-26' }))}`, {});
    assert.equal(get.status, 200);
    assert.deepEqual(
      (get.body.Regions as { Region: Array<{ RegionId: string }> }).Region.map((r) => r.RegionId),
      [...DEMO.regions],
    );
    const form = qs(signV1('POST', { Action: 'GetCallerIdentity', Version: '2015-04-01' }));
    const post = await send('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, form);
    assert.equal(post.status, 200);
    assert.equal(post.body.IdentityType, 'Account');
  });

  it('rejects requests without a signature, and stale timestamps', async () => {
    const unsigned = await send(
      'GET',
      `/?${qs({ Action: 'DescribeRegions', Version: '2014-05-26', AccessKeyId: DEMO.accessKeyId })}`,
      {},
    );
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.body.Code, 'IncompleteSignature');
    const old = signV1('GET', {
      Action: 'DescribeRegions',
      Version: '2014-05-26',
      Timestamp: timestamp(Date.now() - 3600_000),
    });
    const stale = await send('GET', `/?${qs(old)}`, {});
    assert.equal(stale.status, 400);
    assert.equal(stale.body.Code, 'InvalidTimeStamp.Expired');
  });

  it('answers errors in the gateway shape with application/json;charset=utf-8', async () => {
    const res = await send(
      'GET',
      `/?${qs(signV1('GET', { Action: 'GetRole', Version: '2015-05-01', RoleName: 'NoSuchRole' }))}`,
      {},
    );
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/json;charset=utf-8');
    assert.deepEqual(Object.keys(res.body).sort(), ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    assert.equal(res.body.Code, 'EntityNotExist.Role');
    assert.equal(res.body.HostId, 'ram.aliyuncs.com');
    assert.equal(res.headers['x-acs-request-id'], res.body.RequestId);
    assert.match(String(res.body.Recommend), /q=EntityNotExist\.Role&product=Ram&requestId=/);
  });

  it('routes by version: unknown action → InvalidAction.NotFound, unknown version → InvalidVersion', async () => {
    const noAction = await send(
      'GET',
      `/?${qs(signV1('GET', { Action: 'DescribeEverything', Version: '2014-05-26' }))}`,
      {},
    );
    assert.deepEqual(
      [noAction.status, noAction.body.Code, noAction.body.HostId],
      [404, 'InvalidAction.NotFound', 'ecs.aliyuncs.com'],
    );
    const noVersion = await send(
      'GET',
      `/?${qs(signV1('GET', { Action: 'DescribeRegions', Version: '2099-01-01' }))}`,
      {},
    );
    assert.deepEqual([noVersion.status, noVersion.body.Code], [400, 'InvalidVersion']);
    // RAM's CreateRole is not an ECS action, even though the name is known to the sandbox.
    const wrong = await send('GET', `/?${qs(signV1('GET', { Action: 'CreateRole', Version: '2014-05-26' }))}`, {});
    assert.equal(wrong.body.Code, 'InvalidAction.NotFound');
  });

  it('names the service and action for faults and the request log', async () => {
    sandbox.faults.add({ service: 'ram', action: 'GetRole', kind: 'throttle', count: 1 });
    const e = await rejectsWith(
      new Ram(config()).getRole(new $Ram.GetRoleRequest({ roleName: DEMO.seededRole })),
      'Throttling.User',
      400,
    );
    assert.equal(e.name, 'ThrottlingError');
    assert.equal(
      (await new Ram(config()).getRole(new $Ram.GetRoleRequest({ roleName: DEMO.seededRole }))).statusCode,
      200,
    );
    await new Ecs(config()).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    assert.deepEqual(sandbox.requests.at(-1), {
      service: 'ecs',
      action: 'DescribeRegions',
      status: 200,
      accessKeyId: ROOT.accessKeyId,
    });
  });
});

describe('STS tokens', () => {
  const session = () => {
    const s = issueSession(sandbox.state, DEMO.seededRole, 'rpc-test', 3600);
    return { accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, securityToken: s.securityToken };
  };

  it('accepts an STS token (x-acs-security-token in V3, SecurityToken in V1) as the assumed role', async () => {
    const keys = session();
    for (const extra of [{}, v1]) {
      const r = await new Sts(config(keys, extra)).getCallerIdentity();
      assert.equal(r.body?.identityType, 'AssumedRoleUser');
      assert.equal(r.body?.arn, `acs:ram::${DEMO.accountId}:assumed-role/${DEMO.seededRole}/rpc-test`);
      assert.equal(r.body?.principalId, `${r.body?.roleId}:rpc-test`);
    }
  });

  it('rejects a token that does not belong to the key, and a missing token', async () => {
    const keys = session();
    await rejectsWith(
      new Sts(config({ ...keys, securityToken: `${keys.securityToken}x` })).getCallerIdentity(),
      'InvalidSecurityToken.MismatchWithAccessKey',
      400,
    );
    await rejectsWith(
      new Sts(config({ accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret }, v1)).getCallerIdentity(),
      'InvalidSecurityToken.Malformed',
      400,
    );
  });

  it('rejects an expired token with InvalidSecurityToken.Expired (sandbox clock moved past expiry)', async () => {
    const keys = session();
    sandbox.advanceClock(3601_000);
    try {
      await rejectsWith(new Sts(config(keys)).getCallerIdentity(), 'InvalidSecurityToken.Expired', 400);
      await rejectsWith(new Sts(config(keys, v1)).getCallerIdentity(), 'InvalidSecurityToken.Expired', 400);
    } finally {
      sandbox.advanceClock(-3601_000);
    }
    assert.equal((await new Sts(config(keys)).getCallerIdentity()).body?.identityType, 'AssumedRoleUser');
  });
});

describe('STS AssumeRole', () => {
  const trustAccount = formatPolicy({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } }],
  });
  let caller: Keys;

  before(async () => {
    const ram = new Ram(config());
    await ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'AssumableByAccount',
        assumeRolePolicyDocument: trustAccount,
        maxSessionDuration: 7200,
      }),
    );
    await ram.createUser(new $Ram.CreateUserRequest({ userName: 'sts-caller' }));
    await ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({
        userName: 'sts-caller',
        policyType: 'System',
        policyName: 'AliyunSTSAssumeRoleAccess',
      }),
    );
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName: 'sts-caller' }))).body!
      .accessKey!;
    caller = { accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! };
  });

  const assume = (keys: Keys, req: Partial<$Sts.AssumeRoleRequest>) =>
    new Sts(config(keys)).assumeRole(
      new $Sts.AssumeRoleRequest({
        roleArn: roleArn(DEMO.accountId, 'AssumableByAccount'),
        roleSessionName: 'sess-1',
        ...req,
      }),
    );

  it('refuses the root account: NoPermission "Roles may not be assumed by root accounts."', async () => {
    const e = await rejectsWith(assume(ROOT, {}), 'NoPermission', 403);
    assert.match(String(e.message), /Roles may not be assumed by root accounts\./);
  });

  it('validates RoleArn and RoleSessionName, and reports a missing role', async () => {
    await rejectsWith(assume(caller, { roleArn: 'arn:aws:iam::1:role/x' }), 'InvalidParameter.RoleArn', 400);
    await rejectsWith(assume(caller, { roleSessionName: 'a' }), 'InvalidParameter.RoleSessionName', 400);
    await rejectsWith(assume(caller, { roleArn: roleArn(DEMO.accountId, 'NoSuchRole') }), 'EntityNotExist.Role', 404);
  });

  it('issues credentials to a RAM user with sts:AssumeRole on a role trusting the account', async () => {
    const r = await assume(caller, { durationSeconds: 1800 });
    const c = r.body!.credentials!;
    assert.match(c.accessKeyId!, /^STS\./);
    assert.ok(c.accessKeySecret && c.securityToken);
    assert.match(c.expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const role = (await new Ram(config()).getRole(new $Ram.GetRoleRequest({ roleName: 'AssumableByAccount' }))).body!
      .role!;
    assert.deepEqual(
      { ...r.body?.assumedRoleUser },
      { arn: `${role.arn}/sess-1`, assumedRoleId: `${role.roleId}:sess-1` },
    );
    const who = await new Sts(
      config({ accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! }),
    ).getCallerIdentity();
    assert.equal(who.body?.arn, `acs:ram::${DEMO.accountId}:assumed-role/AssumableByAccount/sess-1`);
  });

  it('a session policy narrows the role: only what both allow is allowed', async () => {
    await new Ram(config()).attachPolicyToRole(
      new $Ram.AttachPolicyToRoleRequest({
        roleName: 'AssumableByAccount',
        policyType: 'System',
        policyName: 'AliyunRAMReadOnlyAccess',
      }),
    );
    const narrow = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'ram:GetRole', Resource: '*' }],
    });
    const c = (await assume(caller, { policy: narrow, roleSessionName: 'narrow' })).body!.credentials!;
    const asSession = new Ram(
      config({ accessKeyId: c.accessKeyId!, accessKeySecret: c.accessKeySecret!, securityToken: c.securityToken! }),
    );
    assert.equal(
      (await asSession.getRole(new $Ram.GetRoleRequest({ roleName: 'AssumableByAccount' }))).body?.role?.roleName,
      'AssumableByAccount',
    );
    await rejectsWith(asSession.listRoles(new $Ram.ListRolesRequest({})), 'NoPermission', 403);
    const full = (await assume(caller, { roleSessionName: 'full' })).body!.credentials!;
    const asRole = new Ram(
      config({
        accessKeyId: full.accessKeyId!,
        accessKeySecret: full.accessKeySecret!,
        securityToken: full.securityToken!,
      }),
    );
    assert.ok(
      (await asRole.listRoles(new $Ram.ListRolesRequest({}))).body?.roles?.role?.length,
      'without a session policy the role policy applies',
    );
  });

  it('refuses a role whose trust policy does not name the caller, and a caller without sts:AssumeRole', async () => {
    await rejectsWith(assume(caller, { roleArn: roleArn(DEMO.accountId, DEMO.seededRole) }), 'NoPermission', 403);
    const alice = { accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret };
    await rejectsWith(assume(alice, {}), 'NoPermission', 403);
  });

  it('limits DurationSeconds to 900..MaxSessionDuration', async () => {
    await rejectsWith(assume(caller, { durationSeconds: 600 }), 'InvalidParameter.DurationSeconds', 400);
    await rejectsWith(assume(caller, { durationSeconds: 7201 }), 'InvalidParameter.DurationSeconds', 400);
    assert.ok((await assume(caller, { durationSeconds: 7200 })).body?.credentials?.accessKeyId);
  });
});
