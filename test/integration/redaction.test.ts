// Redaction: every credential a provider produces is redacted from the first moment, raw and in
// every URL encoding; every signature and token shape is redacted even when nobody announced it;
// a malformed aliyun CLI config is reported by file, line and column, never by content.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { jsonErrorOffset, lineColumn, readCliConfig, upsertEcsRamRoleProfile } from '../../src/cloud/cliConfig';
import { credentialsFromEnv } from '../../src/cloud/credentials';
import { createProvider } from '../../src/cloud/providerFactory';
import { ImdsClient } from '../../src/cloud/imds';
import { detectInstance } from '../../src/cloud/instance';
import type { CredentialConfig } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import { redact } from '../../src/ui/redact';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

/** A value no test announced yet, with the characters that URL encoding changes. */
const fresh = () => `${randomBytes(18).toString('base64')}+/=${randomBytes(6).toString('hex')}`;

/** The forms a value takes in URLs, double-encoded URLs and JSON. */
function encodings(v: string): string[] {
  const enc = encodeURIComponent(v);
  return [
    v,
    enc,
    enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    enc.replace(/%/g, '%25'),
    v.replace(/\//g, '\\/'),
    v.replace(/\+/g, '%2B'),
  ];
}

function assertRedacted(value: string | undefined, what: string): void {
  assert.ok(value && value.length >= 8, `${what}: a value to check`);
  for (const form of encodings(value)) {
    const out = redact(`before ${form} after`);
    assert.equal(out, 'before *** after', `${what} in the form ${form === value ? 'raw' : 'encoded'} is redacted`);
  }
}

const deps = {
  imds: () => new ImdsClient({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) }),
  assumeRole: () => Promise.reject(new Error('not called')),
};

describe('credentials are redacted the moment a provider has them', () => {
  test('control: a value nobody announced is printed as is', () => {
    const v = fresh();
    assert.equal(redact(`before ${v} after`), `before ${v} after`);
  });

  test('AK and StsToken profiles: secret and token, before any call', () => {
    const ak: CredentialConfig = { mode: 'AK', accessKeyId: 'SBXAKid0001', accessKeySecret: fresh() };
    createProvider(ak, deps);
    assertRedacted(ak.accessKeySecret, 'AK secret');
    const sts = {
      mode: 'StsToken' as const,
      accessKeyId: 'STS.id0001',
      accessKeySecret: fresh(),
      securityToken: fresh(),
    };
    createProvider(sts, deps);
    assertRedacted(sts.accessKeySecret, 'StsToken secret');
    assertRedacted(sts.securityToken, 'StsToken token');
  });

  test('RamRoleArn: the base secret and token at once, the assumed credentials when STS answers', async () => {
    const base = {
      mode: 'RamRoleArn' as const,
      accessKeyId: 'STS.base0001',
      accessKeySecret: fresh(),
      securityToken: fresh(),
      roleArn: 'acs:ram::1:role/x',
    };
    createProvider(base, deps);
    assertRedacted(base.accessKeySecret, 'RamRoleArn base secret');
    assertRedacted(base.securityToken, 'RamRoleArn base token');

    await t.cloud().ram.createRole(
      'RedactAssumable',
      JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } },
        ],
      }),
    );
    await t.cloud().ram.attachPolicyToUser(DEMO.subUser, 'AliyunSTSAssumeRoleAccess', 'System');
    const cloud = t.cloud({
      mode: 'RamRoleArn',
      accessKeyId: DEMO.subAccessKeyId,
      accessKeySecret: DEMO.subAccessKeySecret,
      roleArn: `acs:ram::${DEMO.accountId}:role/RedactAssumable`,
      sessionName: 'redact',
    });
    const c = await cloud.session.provider.get();
    assertRedacted(c.accessKeySecret, 'assumed secret');
    assertRedacted(c.securityToken, 'assumed token');
  });

  test('EcsRamRole: the FIRST credentials, fetched by instance detection', async () => {
    const found = await detectInstance({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
    assert.equal(found.kind, 'found');
    const c = await (found as Extract<typeof found, { kind: 'found' }>).provider.get();
    assertRedacted(c.accessKeySecret, 'instance role secret');
    assertRedacted(c.securityToken, 'instance role token');
  });

  test('aliyun CLI profiles and environment variables: as soon as they are read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-cli-'));
    const file = path.join(dir, 'config.json');
    const secret = fresh();
    const token = fresh();
    fs.writeFileSync(
      file,
      JSON.stringify({
        current: 'p',
        profiles: [
          { name: 'p', mode: 'StsToken', access_key_id: 'STS.cli', access_key_secret: secret, sts_token: token },
        ],
      }),
    );
    readCliConfig(file);
    assertRedacted(secret, 'CLI secret');
    assertRedacted(token, 'CLI token');
    fs.rmSync(dir, { recursive: true, force: true });

    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.env',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: fresh(),
      ALIBABA_CLOUD_SECURITY_TOKEN: fresh(),
    };
    credentialsFromEnv(env);
    assertRedacted(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, 'env secret');
    assertRedacted(env.ALIBABA_CLOUD_SECURITY_TOKEN, 'env token');
  });
});

describe('signature and token shapes are redacted even when never announced', () => {
  const hex = () => randomBytes(32).toString('hex');
  const b64 = () => randomBytes(20).toString('base64');
  const cases: Array<[string, (v: string) => string, () => string]> = [
    [
      'V4 presigned query',
      (v) =>
        `GET https://b.oss-cn-hangzhou.aliyuncs.com/k?x-oss-credential=AK%2F20250101%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=20250101T000000Z&x-oss-expires=60&x-oss-signature=${v}&x-oss-signature-version=OSS4-HMAC-SHA256`,
      hex,
    ],
    ['X-Oss-Signature header', (v) => `X-Oss-Signature: ${v}`, hex],
    ['OSS V1 Authorization', (v) => `Authorization: OSS SBXAKabcdefgh12:${v}`, b64],
    ['OSS V1 Authorization (STS id)', (v) => `authorization: 'OSS STS.NUabcdefgh:${v}'`, b64],
    [
      'OSS4 Authorization',
      (v) =>
        `Authorization: OSS4-HMAC-SHA256 Credential=AK/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=${v}`,
      hex,
    ],
    [
      'ACS3 Authorization',
      (v) => `{"authorization":"ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-action,Signature=${v}"}`,
      hex,
    ],
    [
      'RPC V1 query',
      (v) =>
        `POST /?AccessKeyId=AK&Action=DescribeRegions&Signature=${encodeURIComponent(v)}&SignatureMethod=HMAC-SHA1&SignatureNonce=n1`,
      b64,
    ],
    [
      'OSS V1 presigned query',
      (v) => `https://b.oss-cn-hangzhou.aliyuncs.com/k?OSSAccessKeyId=AK&Expires=1&Signature=${encodeURIComponent(v)}`,
      b64,
    ],
    [
      'OSS SignatureProvided',
      (v) => `<Error><Code>SignatureDoesNotMatch</Code><SignatureProvided>${v}</SignatureProvided></Error>`,
      b64,
    ],
    [
      'security-token query',
      (v) => `?OSSAccessKeyId=STS.x&Expires=1&Signature=s&security-token=${encodeURIComponent(v)}`,
      fresh,
    ],
    [
      'x-oss-security-token query (V4)',
      (v) => `?x-oss-security-token=${encodeURIComponent(v)}&x-oss-signature=abc`,
      fresh,
    ],
    ['x-oss-security-token header', (v) => `x-oss-security-token: ${v}`, fresh],
    ['x-acs-security-token header', (v) => `x-acs-security-token:${v}`, fresh],
    ['x-acs-security-token in JSON', (v) => `headers {"x-acs-security-token":"${v}","host":"ram"}`, fresh],
    ['SecurityToken RPC query', (v) => `?SecurityToken=${encodeURIComponent(v)}&Version=2015-05-01`, fresh],
    [
      'SecurityToken in JSON',
      (v) => `{"AccessKeyId":"STS.x","AccessKeySecret":"${fresh()}","SecurityToken": "${v}"}`,
      fresh,
    ],
    ['SecurityToken in XML', (v) => `<Credentials><SecurityToken>${v}</SecurityToken></Credentials>`, fresh],
    ['AccessKeySecret in JSON', (v) => `{"AccessKeySecret":"${v}"}`, fresh],
    [
      'util.inspect credentials',
      (v) => `{ accessKeyId: 'STS.x', accessKeySecret: '${v}', stsToken: '${fresh()}' }`,
      fresh,
    ],
    [
      'URL inside a URL',
      (v) => `?redirect=https%3A%2F%2Fb%2Fk%3Fsecurity-token%3D${encodeURIComponent(encodeURIComponent(v))}%26x=1`,
      fresh,
    ],
  ];
  for (const [name, shape, make] of cases) {
    test(name, () => {
      const v = make();
      const out = redact(shape(v));
      for (const form of [v, encodeURIComponent(v), encodeURIComponent(encodeURIComponent(v))]) {
        assert.ok(!out.includes(form), `${name}: the value survives`);
      }
      assert.match(out, /\*\*\*/);
    });
  }

  test('ordinary text is left alone', () => {
    for (const text of [
      'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
      'InvalidSecurityToken.Expired: The security token you provided has expired.',
      'POST /?Action=ListRoles&SignatureMethod=HMAC-SHA1&SignatureNonce=abc&SignatureVersion=1.0',
      'OSS refused oss:PutObject on acs:oss:*:1234567890:bucket/key for role DemoEcsOssReader',
      'x-oss-signature-version=OSS4-HMAC-SHA256',
    ]) {
      assert.equal(redact(text), text);
    }
  });
});

describe('a malformed ~/.aliyun/config.json', () => {
  const secret = `Sk${randomBytes(12).toString('hex')}`;
  const token = `Tk${randomBytes(12).toString('hex')}`;
  const valid = JSON.stringify(
    {
      current: 'default',
      profiles: [
        {
          name: 'default',
          mode: 'StsToken',
          access_key_id: 'STS.idOfTheProfile',
          access_key_secret: secret,
          sts_token: token,
          region_id: 'cn-hangzhou',
        },
      ],
    },
    null,
    2,
  );
  const broken: Array<[string, string]> = [
    ['a missing comma after the secret', valid.replace(`"${secret}",`, `"${secret}"`)],
    ['an unquoted secret', valid.replace(`"${secret}"`, secret)],
    ['a single-quoted token', valid.replace(`"${token}"`, `'${token}'`)],
    ['a bad escape inside the secret', valid.replace(secret, `${secret.slice(0, 6)}\\x${secret.slice(6)}`)],
    ['a line break inside the token', valid.replace(token, `${token.slice(0, 5)}\n${token.slice(5)}`)],
    ['a trailing comma', valid.replace(/"cn-hangzhou"/, '"cn-hangzhou",')],
    ['a truncated file', valid.slice(0, valid.indexOf(token) + 6)],
    ['text after the object', `${valid}\n${secret}`],
  ];

  for (const [name, text] of broken) {
    test(`${name}: the error names file, line and column, and nothing of the content`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-cfg-'));
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, text);
      try {
        const at = jsonErrorOffset(text);
        assert.ok(at >= 0, 'the scan finds the error');
        const { line, column } = lineColumn(text, at);
        for (const run of [
          () => readCliConfig(file),
          () => upsertEcsRamRoleProfile(file, { name: 'x', roleName: 'R', regionId: 'cn-hangzhou' }, false),
        ]) {
          assert.throws(run, (e: Error) => {
            assert.ok(e.message.includes(file), e.message);
            assert.ok(e.message.includes(`line ${line}, column ${column}`), e.message);
            const rest = e.message.split(file).join('');
            // No piece of the file (5+ characters; shorter ones are ordinary words) is in the message.
            for (let i = 0; i + 5 <= text.length; i++) {
              const piece = text.slice(i, i + 5);
              if (piece.trim().length === 5) {
                assert.ok(
                  !rest.includes(piece),
                  `the message quotes "${piece === secret.slice(0, 5) ? '<secret>' : '…'}"`,
                );
              }
            }
            return true;
          });
        }
        assert.equal(fs.readFileSync(file, 'utf8'), text, 'a broken file is not rewritten');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('the error position agrees with V8 wherever V8 gives one', () => {
    const samples = [
      ...broken.map(([, s]) => s),
      '',
      ' ',
      '{',
      '{"a":1,}',
      '[1 2]',
      '{"a" 1}',
      '{"a":tru}',
      '{"a":-}',
      '{"a":01}',
      '{"a":1.}',
      '"\\u12G4"',
      '{"a":"b"}}',
      '\ufeff{}',
      '[1,]',
    ];
    let compared = 0;
    for (const s of samples) {
      let message = '';
      try {
        JSON.parse(s);
      } catch (e) {
        message = (e as Error).message;
      }
      assert.ok(message, `V8 refuses ${JSON.stringify(s).slice(0, 40)}`);
      const v8 = /position (\d+)/.exec(message);
      if (v8) {
        compared++;
        assert.equal(
          jsonErrorOffset(s),
          Number(v8[1]),
          `${JSON.stringify(s).slice(0, 60)}: ${message.replace(secret, '<secret>').replace(token, '<token>')}`,
        );
      } else {
        assert.ok(jsonErrorOffset(s) >= 0);
      }
    }
    assert.ok(compared >= 5, `compared ${compared} positions with V8`);
    assert.equal(jsonErrorOffset(valid), -1);
  });
});
