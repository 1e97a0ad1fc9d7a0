// Credentials end to end: signatures, unknown keys, expired STS tokens, RamRoleArn via STS,
// CLI profiles, environment variables, retries with backoff, and nothing secret in errors.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readCliConfig, upsertEcsRamRoleProfile } from '../../src/cloud/cliConfig';
import { credentialsFromEnv } from '../../src/cloud/credentials';
import { CloudError } from '../../src/cloud/errors';
import { DEMO } from '../../src/sandbox/seed/demo';
import { mutations, useSandbox } from '../helpers/sandbox';

const t = useSandbox();

describe('credentials', () => {
  test('whoAmI for the root account and a RAM user', async () => {
    const root = await t.cloud().whoAmI();
    assert.equal(root.accountId, DEMO.accountId);
    assert.equal(root.identityType, 'Account');
    const user = await t.cloud(t.subAccount).whoAmI();
    assert.equal(user.identityType, 'RAMUser');
    assert.match(user.arn, /user\/dev-alice$/);
  });

  test('a wrong secret is SignatureDoesNotMatch and the error carries no secret', async () => {
    const wrong = 'thisIsNotTheRightSecret00000000';
    await assert.rejects(
      t.cloud({ mode: 'AK', accessKeyId: DEMO.accessKeyId, accessKeySecret: wrong }).ram.listRoles(),
      (e: CloudError) => {
        assert.equal(e.code, 'SignatureDoesNotMatch');
        assert.ok(!e.message.includes(wrong) && !e.message.includes(DEMO.accessKeySecret));
        return true;
      },
    );
  });

  test('an unknown AccessKey is InvalidAccessKeyId.NotFound', async () => {
    await assert.rejects(
      t
        .cloud({ mode: 'AK', accessKeyId: 'SBXAKNoSuchKey000000', accessKeySecret: 'x'.repeat(30) })
        .ecs.describeRegions(),
      (e: CloudError) => e.code === 'InvalidAccessKeyId.NotFound',
    );
  });

  test('RamRoleArn: AssumeRole through the sandbox STS, then calls run as the role', async () => {
    await t.cloud().ram.createRole(
      'AssumableAdmin',
      JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } },
        ],
      }),
    );
    await t.cloud().ram.attachPolicyToRole('AssumableAdmin', 'AliyunRAMReadOnlyAccess', 'System');
    // As on the real STS, a root account cannot assume roles: a RAM user allowed sts:AssumeRole does.
    await t.cloud().ram.attachPolicyToUser(DEMO.subUser, 'AliyunSTSAssumeRoleAccess', 'System');
    const arn = `acs:ram::${DEMO.accountId}:role/AssumableAdmin`;
    const cloud = t.cloud({
      mode: 'RamRoleArn',
      accessKeyId: DEMO.subAccessKeyId,
      accessKeySecret: DEMO.subAccessKeySecret,
      roleArn: arn,
      sessionName: 'test',
    });
    const who = await cloud.whoAmI();
    assert.equal(who.identityType, 'AssumedRoleUser');
    assert.ok((await cloud.ram.listRoles()).items.length > 0, 'read-only RAM allowed');
    await assert.rejects(cloud.ram.createRole('NotAllowed', '{}'), (e: CloudError) => e.code === 'NoPermission');
    assert.ok(cloud.session.provider.expiration, 'temporary credentials have an expiry');
  });

  test('an expired STS token is refused with the expiry code', async () => {
    const arn = `acs:ram::${DEMO.accountId}:role/AssumableAdmin`;
    const cloud = t.cloud({
      mode: 'RamRoleArn',
      accessKeyId: DEMO.subAccessKeyId,
      accessKeySecret: DEMO.subAccessKeySecret,
      roleArn: arn,
      sessionName: 'expiry',
    });
    const c = await cloud.session.provider.get();
    t.sandbox.advanceClock(2 * 3600 * 1000);
    try {
      await assert.rejects(
        t
          .cloud({
            mode: 'StsToken',
            accessKeyId: c.accessKeyId,
            accessKeySecret: c.accessKeySecret,
            securityToken: c.securityToken!,
          })
          .ram.listRoles(),
        (e: CloudError) => /Expired/.test(e.code) && !!e.explanation,
      );
      // A refreshing provider recovers by itself: it fetches new credentials and retries once.
      assert.ok((await cloud.ram.listRoles()).items.length > 0);
    } finally {
      t.sandbox.advanceClock(-2 * 3600 * 1000);
    }
  });

  test('throttling and 5xx are retried with backoff; a persistent fault fails after the bounded attempts', async () => {
    const from = t.sandbox.requests.length;
    t.sandbox.faults.add({ service: 'ram', action: 'ListRoles', kind: 'throttle', count: 2 });
    assert.ok((await t.cloud().ram.listRoles()).items.length > 0);
    assert.deepEqual(
      t.sandbox.requests.slice(from).map((r) => r.status),
      [400, 400, 200],
    );
    t.sandbox.faults.add({ service: 'ecs', action: 'DescribeRegions', kind: 'error5xx', count: 10 });
    const before = t.sandbox.requests.length;
    await assert.rejects(t.cloud().ecs.describeRegions(), (e: CloudError) => e.status === 500 && e.retryable);
    assert.equal(t.sandbox.requests.length - before, 3, 'exactly maxAttempts requests');
    t.sandbox.faults.clear();
    assert.deepEqual(mutations(t.sandbox, from), []);
  });

  test('network failures become NetworkError', async () => {
    const cloud = t.cloud(t.root, {
      endpoints: { protocol: 'http', ram: '127.0.0.1:1' },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await assert.rejects(cloud.ram.listRoles(), (e: CloudError) => e.code === 'NetworkError');
  });
});

describe('aliyun CLI config and environment', () => {
  test('reads AK, StsToken, RamRoleArn and EcsRamRole profiles; names unsupported modes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aliyun-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        current: 'default',
        profiles: [
          { name: 'default', mode: 'AK', access_key_id: 'SBXAKA', access_key_secret: 'sA', region_id: 'cn-shanghai' },
          { name: 'sts', mode: 'StsToken', access_key_id: 'STS.a', access_key_secret: 's', sts_token: 'tok' },
          {
            name: 'assume',
            mode: 'ramrolearn',
            access_key_id: 'SBXAKA',
            access_key_secret: 'sA',
            ram_role_arn: 'acs:ram::1:role/x',
            ram_session_name: 's',
            expired_seconds: 900,
          },
          { name: 'ecs', mode: 'EcsRamRole', ram_role_name: 'R' },
          { name: 'sso', mode: 'CloudSSO' },
        ],
      }),
    );
    const cfg = readCliConfig(file);
    assert.equal(cfg.current, 'default');
    const byName = Object.fromEntries(cfg.profiles.map((p) => [p.name, p]));
    assert.equal(byName.default.supported && byName.default.credentials.mode, 'AK');
    assert.equal(byName.default.regionId, 'cn-shanghai');
    assert.equal(byName.sts.supported && byName.sts.credentials.mode, 'StsToken');
    assert.equal(byName.assume.supported && byName.assume.credentials.mode, 'RamRoleArn');
    assert.equal(byName.ecs.supported && byName.ecs.credentials.mode, 'EcsRamRole');
    assert.equal(byName.sso.supported, false);
    assert.match(!byName.sso.supported ? byName.sso.reason : '', /CloudSSO/);
  });

  test('writing an EcsRamRole profile keeps the others, is 0600, and changes current only when asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aliyun-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        current: 'default',
        profiles: [{ name: 'default', mode: 'AK', access_key_id: 'a', access_key_secret: 'b' }],
        meta_path: '',
      }),
    );
    const r = upsertEcsRamRoleProfile(file, { name: 'instance', roleName: 'R', regionId: 'cn-hangzhou' }, false);
    assert.deepEqual(r, { created: false, replaced: false, madeCurrent: false });
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(saved.current, 'default');
    assert.deepEqual(
      saved.profiles.map((p: { name: string }) => p.name),
      ['default', 'instance'],
    );
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    upsertEcsRamRoleProfile(file, { name: 'instance', roleName: 'R2', regionId: 'cn-hangzhou' }, true);
    const again = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(again.current, 'instance');
    assert.equal(again.profiles.length, 2);
    assert.equal(again.profiles[1].ram_role_name, 'R2');
  });

  test('environment variables: AK, STS token, role ARN', () => {
    assert.equal(credentialsFromEnv({}), undefined);
    assert.deepEqual(credentialsFromEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' }), {
      mode: 'AK',
      accessKeyId: 'a',
      accessKeySecret: 'b',
    });
    assert.equal(
      credentialsFromEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'a',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b',
        ALIBABA_CLOUD_SECURITY_TOKEN: 't',
      })?.mode,
      'StsToken',
    );
    assert.equal(
      credentialsFromEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'a',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b',
        ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/x',
      })?.mode,
      'RamRoleArn',
    );
  });
});
