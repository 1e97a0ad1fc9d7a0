/**
 * The sandbox's realistic RAM behaviours, each switched on alone on top of an instant sandbox and
 * driven through the real SDKs: propagation of role changes to ECS, STS, IMDS and session
 * authorization; the policy grammar RAM enforces; the per-role attach limit; ram:PassRole with
 * the acs:Service condition; SignatureNonceUsed. Delays are long and crossed with advanceClock()
 * so the outcome never depends on the machine's speed; one test waits in real time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import Ram, * as $Ram from '@alicloud/ram20150501';
import Sts, * as $Sts from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { formatPolicy, roleArn, serviceTrustPolicy } from '../../../src/policy/builders';
import type { PolicyDocument } from '../../../src/policy/types';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server';
import { rejectsWith } from '../../helpers/assertions';

const REGION = 'cn-hangzhou';
const PROPAGATION = 60_000;

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}
const ROOT: Keys = { accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret };
const ALICE: Keys = { accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret };

/** One sandbox per describe block, instant except for what the block turns on. */
function sandboxWith(options: SandboxOptions) {
  const t = {} as { sandbox: Sandbox; ram: Ram; ecs: Ecs; config(keys?: Keys): $OpenApiUtil.Config };
  before(async () => {
    t.sandbox = await startSandbox({ instant: true, ...options });
    t.config = (keys = ROOT) =>
      new $OpenApiUtil.Config({
        ...keys,
        endpoint: t.sandbox.info.endpoint,
        protocol: 'http',
        regionId: REGION,
        readTimeout: 10000,
        connectTimeout: 5000,
      });
    t.ram = new Ram(t.config());
    t.ecs = new Ecs(t.config());
  });
  after(async () => {
    await t.sandbox.close();
  });
  return t;
}

const trustAccount = (): PolicyDocument => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } }],
});
const ids = (...list: string[]) => JSON.stringify(list);

async function newInstance(ecs: Ecs): Promise<string> {
  const r = await ecs.runInstances(
    new $Ecs.RunInstancesRequest({
      regionId: REGION,
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
    }),
  );
  return r.body!.instanceIdSets!.instanceIdSet![0];
}

const attach = (ecs: Ecs, ramRoleName: string, instanceId: string) =>
  ecs.attachInstanceRamRole(
    new $Ecs.AttachInstanceRamRoleRequest({ regionId: REGION, ramRoleName, instanceIds: ids(instanceId) }),
  );

describe('propagation: role changes reach ECS, STS and IMDS only after the delay', () => {
  const t = sandboxWith({ realism: { propagationMs: PROPAGATION } });

  it('ECS: a new role is InvalidRamRole.NotFound until it has propagated; RAM knows it at once', async () => {
    const instanceId = await newInstance(t.ecs);
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Prop-New',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    assert.equal(
      (await t.ram.getRole(new $Ram.GetRoleRequest({ roleName: 'Prop-New' }))).body?.role?.roleName,
      'Prop-New',
    );
    await rejectsWith(attach(t.ecs, 'Prop-New', instanceId), 'InvalidRamRole.NotFound', 404);
    t.sandbox.advanceClock(PROPAGATION);
    assert.equal((await attach(t.ecs, 'Prop-New', instanceId)).body?.failCount, 0);
  });

  it('ECS: a trust policy changed to trust ECS is InvalidRamRole.NotEcsRole until it has propagated', async () => {
    const instanceId = await newInstance(t.ecs);
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Prop-Trust',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy('fc.aliyuncs.com')),
      }),
    );
    t.sandbox.advanceClock(PROPAGATION);
    await t.ram.updateRole(
      new $Ram.UpdateRoleRequest({
        roleName: 'Prop-Trust',
        newAssumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    await rejectsWith(attach(t.ecs, 'Prop-Trust', instanceId), 'InvalidRamRole.NotEcsRole', 404);
    t.sandbox.advanceClock(PROPAGATION);
    assert.equal((await attach(t.ecs, 'Prop-Trust', instanceId)).body?.failCount, 0);
  });

  it('STS: AssumeRole sees the old state, and a session gets a newly attached policy only once it has propagated', async () => {
    // Alice may call sts:AssumeRole (user policies are not what propagates here).
    await t.ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: 'Alice-Assume',
        policyDocument: formatPolicy({
          Version: '1',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
        }),
      }),
    );
    await t.ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName: 'Alice-Assume', userName: DEMO.subUser }),
    );
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({ roleName: 'Prop-Assume', assumeRolePolicyDocument: formatPolicy(trustAccount()) }),
    );
    const sts = new Sts(t.config(ALICE));
    const assume = () =>
      sts.assumeRole(
        new $Sts.AssumeRoleRequest({ roleArn: roleArn(DEMO.accountId, 'Prop-Assume'), roleSessionName: 'prop' }),
      );
    await rejectsWith(assume(), 'EntityNotExist.Role', 404);
    t.sandbox.advanceClock(PROPAGATION);
    const creds = (await assume()).body!.credentials!;
    const asRole = new Ecs(
      t.config({
        accessKeyId: creds.accessKeyId!,
        accessKeySecret: creds.accessKeySecret!,
        securityToken: creds.securityToken!,
      }),
    );
    const describe = () => asRole.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    await rejectsWith(describe(), 'Forbidden.RAM', 403);
    await t.ram.attachPolicyToRole(
      new $Ram.AttachPolicyToRoleRequest({
        policyType: 'System',
        policyName: 'AliyunECSReadOnlyAccess',
        roleName: 'Prop-Assume',
      }),
    );
    await rejectsWith(describe(), 'Forbidden.RAM', 403);
    t.sandbox.advanceClock(PROPAGATION);
    assert.ok((await describe()).body?.regions?.region?.length);
  });

  it("IMDS: an instance keeps serving its role until the role's deletion has propagated", async () => {
    const instanceId = await newInstance(t.ecs);
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Prop-Gone',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    t.sandbox.advanceClock(PROPAGATION);
    await attach(t.ecs, 'Prop-Gone', instanceId);
    const creds = () =>
      fetch(`${t.sandbox.info.imdsUrl(instanceId)}/latest/meta-data/ram/security-credentials/Prop-Gone`);
    assert.equal((await creds()).status, 200);
    await t.ram.deleteRole(new $Ram.DeleteRoleRequest({ roleName: 'Prop-Gone' }));
    assert.equal((await creds()).status, 200);
    t.sandbox.advanceClock(PROPAGATION);
    assert.equal((await creds()).status, 404);
  });

  it('in real time too: 300 ms after creation the role is usable', async () => {
    t.sandbox.setRealism({ propagationMs: 300 });
    try {
      const instanceId = await newInstance(t.ecs);
      await t.ram.createRole(
        new $Ram.CreateRoleRequest({
          roleName: 'Prop-Fast',
          assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
        }),
      );
      await rejectsWith(attach(t.ecs, 'Prop-Fast', instanceId), 'InvalidRamRole.NotFound', 404);
      await new Promise((r) => setTimeout(r, 350));
      assert.equal((await attach(t.ecs, 'Prop-Fast', instanceId)).body?.failCount, 0);
    } finally {
      t.sandbox.setRealism({ propagationMs: PROPAGATION });
    }
  });

  it('instant (propagationMs 0): the same attach works at once', async () => {
    t.sandbox.setRealism({ propagationMs: 0 });
    try {
      const instanceId = await newInstance(t.ecs);
      await t.ram.createRole(
        new $Ram.CreateRoleRequest({
          roleName: 'Prop-Instant',
          assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
        }),
      );
      assert.equal((await attach(t.ecs, 'Prop-Instant', instanceId)).body?.failCount, 0);
    } finally {
      t.sandbox.setRealism({ propagationMs: PROPAGATION });
    }
  });
});

describe('policy grammar: MalformedPolicyDocument as RAM answers', () => {
  const t = sandboxWith({ realism: { ramGrammar: true } });
  const create = (name: string, doc: object) =>
    t.ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: name, policyDocument: JSON.stringify(doc) }));
  const stmt = (extra: object) => ({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:b/*', ...extra }],
  });

  it('refuses an action without a service prefix, a resource that is not an ARN, unknown keys and condition keys', async () => {
    for (const [name, doc] of [
      ['Bad-Action', stmt({ Action: 'GetObject' })],
      ['Bad-Resource', stmt({ Resource: 'my-bucket/*' })],
      ['Bad-Key', stmt({ Sid: 'ReadLogs' })],
      ['Bad-Top', { ...stmt({}), Id: 'x' }],
      ['Bad-Condition', stmt({ Condition: { StringLike: { Prefix: 'logs/*' } } })],
    ] as const) {
      const e = await rejectsWith(create(name, doc), 'MalformedPolicyDocument', 400);
      assert.match(String(e.message), /Statement|element/);
    }
    await rejectsWith(
      t.ram.createRole(
        new $Ram.CreateRoleRequest({
          roleName: 'Bad-Trust',
          assumeRolePolicyDocument: JSON.stringify({
            Version: '1',
            Statement: [{ Effect: 'Allow', Action: 'AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
          }),
        }),
      ),
      'MalformedPolicyDocument',
      400,
    );
  });

  it('accepts what the reference allows: "*", service:Action with wildcards, acs: ARNs, prefix:Name conditions', async () => {
    await create('Good-Policy', {
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:Get*', 'ecs:Describe*'],
          Resource: ['acs:oss:*:*:b/*', '*'],
          Condition: { StringLike: { 'oss:Prefix': ['logs/*'] }, IpAddress: { 'acs:SourceIp': ['10.0.0.0/8'] } },
        },
        { Effect: 'Deny', NotAction: '*', NotResource: 'acs:ram:*:*:role/x' },
      ],
    });
  });

  it('instant (ramGrammar off): the same bad documents are accepted', async () => {
    t.sandbox.setRealism({ ramGrammar: false });
    try {
      await create('Lax-Action', stmt({ Action: 'GetObject' }));
    } finally {
      t.sandbox.setRealism({ ramGrammar: true });
    }
  });
});

describe('limits: policies attached to one role (LimitExceeded.Role.Policy)', () => {
  const t = sandboxWith({ realism: { ramLimits: true } });

  it('allows 10 custom policies on a role and refuses the 11th; detaching makes room', async () => {
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Many-Policies',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    const doc = formatPolicy({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }],
    });
    const attachN = (n: number) =>
      t.ram.attachPolicyToRole(
        new $Ram.AttachPolicyToRoleRequest({
          policyType: 'Custom',
          policyName: `Limit-${n}`,
          roleName: 'Many-Policies',
        }),
      );
    for (let n = 1; n <= 11; n++) {
      await t.ram.createPolicy(new $Ram.CreatePolicyRequest({ policyName: `Limit-${n}`, policyDocument: doc }));
    }
    for (let n = 1; n <= 10; n++) {
      await attachN(n);
    }
    await rejectsWith(attachN(11), 'LimitExceeded.Role.Policy', 409);
    // System policies count separately (20).
    await t.ram.attachPolicyToRole(
      new $Ram.AttachPolicyToRoleRequest({
        policyType: 'System',
        policyName: 'AliyunOSSReadOnlyAccess',
        roleName: 'Many-Policies',
      }),
    );
    await t.ram.detachPolicyFromRole(
      new $Ram.DetachPolicyFromRoleRequest({ policyType: 'Custom', policyName: 'Limit-1', roleName: 'Many-Policies' }),
    );
    await attachN(11);
  });
});

describe('ram:PassRole is evaluated with acs:Service, as ECS does', () => {
  const t = sandboxWith({});

  it('the documented PassRole policy with an acs:Service = ecs.aliyuncs.com condition lets a sub-account attach; another service does not', async () => {
    await t.ram.createRole(
      new $Ram.CreateRoleRequest({
        roleName: 'Pass-Cond',
        assumeRolePolicyDocument: formatPolicy(serviceTrustPolicy()),
      }),
    );
    const arn = roleArn(DEMO.accountId, 'Pass-Cond');
    const policy = (service: string) =>
      formatPolicy({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'ram:PassRole',
            Resource: arn,
            Condition: { StringEquals: { 'acs:Service': service } },
          },
        ],
      });
    await t.ram.createPolicy(
      new $Ram.CreatePolicyRequest({ policyName: 'Pass-Fc', policyDocument: policy('fc.aliyuncs.com') }),
    );
    await t.ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName: 'Pass-Fc', userName: DEMO.subUser }),
    );
    const alice = new Ecs(t.config(ALICE));
    const first = await newInstance(t.ecs);
    await rejectsWith(attach(alice, 'Pass-Cond', first), 'InvalidUser.PassRoleForbidden', 403);
    await t.ram.createPolicy(
      new $Ram.CreatePolicyRequest({ policyName: 'Pass-Ecs', policyDocument: policy('ecs.aliyuncs.com') }),
    );
    await t.ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({ policyType: 'Custom', policyName: 'Pass-Ecs', userName: DEMO.subUser }),
    );
    assert.equal((await attach(alice, 'Pass-Cond', first)).body?.failCount, 0);
  });
});

describe('SignatureNonceUsed: a replayed request is refused', () => {
  const t = sandboxWith({ realism: { nonceReplay: true } });

  /** A V3-signed DescribeRegions, built by hand so the very same bytes can be sent twice. */
  function signed(): Record<string, string> {
    const headers: Record<string, string> = {
      host: t.sandbox.info.endpoint,
      'x-acs-action': 'DescribeRegions',
      'x-acs-version': '2014-05-26',
      'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'x-acs-signature-nonce': randomBytes(16).toString('hex'),
      'x-acs-content-sha256': createHash('sha256').update('').digest('hex'),
    };
    const names = Object.keys(headers).sort();
    const canonical = [
      'POST',
      '/',
      '',
      names.map((n) => `${n}:${headers[n]}\n`).join(''),
      names.join(';'),
      headers['x-acs-content-sha256'],
    ].join('\n');
    const signature = createHmac('sha256', ROOT.accessKeySecret)
      .update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`)
      .digest('hex');
    return {
      ...headers,
      authorization: `ACS3-HMAC-SHA256 Credential=${ROOT.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`,
    };
  }
  const send = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: Record<string, string> }>((resolve, reject) => {
      http
        .request({ host: '127.0.0.1', port: t.sandbox.info.port, method: 'POST', path: '/', headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>,
            }),
          );
        })
        .on('error', reject)
        .end();
    });

  it('answers the first request and refuses the identical second one with SignatureNonceUsed (400)', async () => {
    const headers = signed();
    assert.equal((await send(headers)).status, 200);
    const replay = await send(headers);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.Code, 'SignatureNonceUsed');
    // The SDK draws a fresh nonce per call, so ordinary clients never trip over it.
    await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
    await t.ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}));
  });
});
