// The aliyun CLI modes beyond keys and roles, each over the wire against the sandbox:
// ChainableRamRoleArn (and RamRoleArnWithRoleName), External, CredentialsURI, OIDC
// (AssumeRoleWithOIDC, unsigned), and the CloudSSO/OAuth credentials the CLI caches; with the
// failures a user meets (bad source profile, a command that fails / prints junk / hangs, a URI that
// errs, an invalid OIDC token) and nothing secret in any error.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readCliConfig, type CliProfile } from '../../src/cloud/cliConfig';
import {
  commandApprovalKey,
  fetchCredentialsUri,
  MAX_CREDENTIALS_URI_BODY,
  resolveProgram,
  splitCommand,
  visibleCommand,
} from '../../src/cloud/credentialSources';
import { CredentialProviders } from '../../src/cloud/credentials';
import type { CloudError } from '../../src/cloud/errors';
import type { CredentialConfig } from '../../src/cloud/profile';
import { onSecret } from '../../src/cloud/secretValues';
import { DEMO } from '../../src/sandbox/seed/demo';
import { registerOidcProvider } from '../../src/sandbox/rpc/sts';
import { randomAlnum } from '../helpers/fakeKeys';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-modes-'));
const announced = new Set<string>();
const sub = onSecret((v) => announced.add(v));
after(() => {
  sub.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const trustAccount = () =>
  JSON.stringify({
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } }],
  });
const roleArn = (name: string) => `acs:ram::${DEMO.accountId}:role/${name}`;

function writeConfig(profiles: Array<Record<string, unknown>>): string {
  const file = path.join(dir, `config-${randomAlnum(6)}.json`);
  fs.writeFileSync(file, JSON.stringify({ current: profiles[0].name, profiles }), { mode: 0o600 });
  return file;
}

function profileIn(file: string, name: string): CliProfile {
  const p = readCliConfig(file).profiles.find((x) => x.name === name);
  assert.ok(p, `profile ${name}`);
  return p;
}

function usable(p: CliProfile): CredentialConfig {
  assert.ok(p.supported, `${p.name} should be supported: ${p.supported ? '' : p.reason}`);
  return p.credentials;
}

function reasonOf(p: CliProfile): string {
  assert.ok(!p.supported, `${p.name} should not be usable`);
  return p.reason;
}

const sub1 = { access_key_id: DEMO.subAccessKeyId, access_key_secret: DEMO.subAccessKeySecret };

let roles: Promise<void> | undefined;
/** Roles every suite uses, made once (inside the suites: the sandbox starts in a root hook). */
const setup = () =>
  (roles ??= (async () => {
    const admin = t.cloud();
    await admin.ram.createRole('ChainFirst', trustAccount());
    await admin.ram.attachPolicyToRole('ChainFirst', 'AliyunSTSAssumeRoleAccess', 'System');
    await admin.ram.createRole('ChainSecond', trustAccount());
    await admin.ram.attachPolicyToRole('ChainSecond', 'AliyunRAMReadOnlyAccess', 'System');
    await admin.ram.attachPolicyToUser(DEMO.subUser, 'AliyunSTSAssumeRoleAccess', 'System');
  })());

/** Real temporary credentials of ChainSecond from the sandbox STS (what a URI or the CLI cache would hold). */
async function roleCredentials() {
  const c = await t
    .cloud({
      mode: 'RamRoleArn',
      ...{ accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret },
      roleArn: roleArn('ChainSecond'),
      sessionName: 'issuer',
    })
    .session.provider.get();
  return { id: c.accessKeyId, secret: c.accessKeySecret, token: c.securityToken!, expiration: c.expiration! };
}

describe('ChainableRamRoleArn', () => {
  before(() => setup());
  test('source profile by name, then AssumeRole; chains of chains; calls run as the final role', async () => {
    const file = writeConfig([
      { name: 'base', mode: 'AK', ...sub1, region_id: 'cn-hangzhou' },
      {
        name: 'first',
        mode: 'ChainableRamRoleArn',
        source_profile: 'base',
        ram_role_arn: roleArn('ChainFirst'),
        ram_session_name: 'one',
      },
      {
        name: 'second',
        mode: 'ChainableRamRoleArn',
        source_profile: 'first',
        ram_role_arn: roleArn('ChainSecond'),
        ram_session_name: 'two',
        external_id: 'ext-1',
      },
    ]);
    const from = t.sandbox.requests.length;
    const cloud = t.cloud(usable(profileIn(file, 'second')));
    const who = await cloud.whoAmI();
    assert.equal(who.identityType, 'AssumedRoleUser');
    assert.match(who.arn, /role\/chainsecond\/two$/i);
    assert.ok((await cloud.ram.listRoles()).items.length > 0, 'the final role reads RAM');
    assert.deepEqual(
      t.sandbox.requests.slice(from).filter((r) => r.action === 'AssumeRole').length,
      2,
      'one AssumeRole per link',
    );
    assert.ok(cloud.session.provider.expiration, 'temporary, refreshed by the RefreshingProvider machinery');
    assert.equal(cloud.session.roleName, 'ChainSecond');
  });

  test('a missing, looping or unusable source profile is refused with the reason, before any call', () => {
    const file = writeConfig([
      { name: 'orphan', mode: 'ChainableRamRoleArn', source_profile: 'nope', ram_role_arn: roleArn('ChainFirst') },
      { name: 'self', mode: 'ChainableRamRoleArn', source_profile: 'self', ram_role_arn: roleArn('ChainFirst') },
      { name: 'ping', mode: 'ChainableRamRoleArn', source_profile: 'pong', ram_role_arn: roleArn('ChainFirst') },
      { name: 'pong', mode: 'ChainableRamRoleArn', source_profile: 'ping', ram_role_arn: roleArn('ChainFirst') },
      { name: 'broken', mode: 'AK', access_key_id: DEMO.subAccessKeyId },
      { name: 'onBroken', mode: 'ChainableRamRoleArn', source_profile: 'broken', ram_role_arn: roleArn('ChainFirst') },
      { name: 'noRole', mode: 'ChainableRamRoleArn', source_profile: 'broken' },
    ]);
    assert.match(reasonOf(profileIn(file, 'orphan')), /source profile "nope", which is not in the aliyun CLI config/);
    assert.match(reasonOf(profileIn(file, 'self')), /leads back to itself/);
    assert.match(reasonOf(profileIn(file, 'ping')), /leads back to itself/);
    assert.match(
      reasonOf(profileIn(file, 'onBroken')),
      /Source profile "broken" of profile "onBroken" cannot be used: Profile "broken" has no access_key_id\/access_key_secret/,
    );
    assert.match(reasonOf(profileIn(file, 'noRole')), /has no ram_role_arn/);
  });

  test('a role the source may not assume fails with the STS code, no secret in the message', async () => {
    const file = writeConfig([
      { name: 'base', mode: 'AK', ...sub1 },
      { name: 'ghost', mode: 'ChainableRamRoleArn', source_profile: 'base', ram_role_arn: roleArn('NoSuchRoleHere') },
    ]);
    await assert.rejects(t.cloud(usable(profileIn(file, 'ghost'))).whoAmI(), (e: CloudError) => {
      assert.equal(e.code, 'EntityNotExist.Role');
      assert.ok(!e.message.includes(DEMO.subAccessKeySecret));
      return true;
    });
  });
});

describe('External (process_command)', () => {
  before(() => setup());
  const script = (name: string, body: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, body);
    return `"${process.execPath}" "${f}"`;
  };
  const marker = path.join(dir, 'ran.txt');
  const printer = script(
    'print-ak.js',
    `require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); process.stdout.write(JSON.stringify({ mode: 'AK', access_key_id: ${JSON.stringify(DEMO.subAccessKeyId)}, access_key_secret: ${JSON.stringify(DEMO.subAccessKeySecret)} }));`,
  );

  test('splits the command like the CLI: quotes group, no shell', () => {
    assert.deepEqual(splitCommand(`"/opt/my tools/cred" --profile 'a b' plain\\ space`), [
      '/opt/my tools/cred',
      '--profile',
      'a b',
      'plain space',
    ]);
    assert.deepEqual(splitCommand('echo $(id) ; rm -rf x'), ['echo', '$(id)', ';', 'rm', '-rf', 'x']);
  });

  test('consults the approval (naming the command) before each run, runs it, and calls run as the identity it printed', async () => {
    const file = writeConfig([{ name: 'ext', mode: 'External', process_command: printer }]);
    const asked: string[] = [];
    // The profile store's hook asks the user once and answers later runs from what it keeps.
    const cloud = t.cloud(usable(profileIn(file, 'ext')), {
      approveCommand: async (c) => {
        asked.push(c);
        return asked.length < 3;
      },
    });
    const who = await cloud.whoAmI();
    assert.equal(who.identityType, 'RAMUser');
    cloud.session.provider.invalidate();
    await cloud.whoAmI();
    assert.deepEqual(asked, [printer, printer], 'consulted at each run, with the command');
    assert.equal(fs.readFileSync(marker, 'utf8'), 'xx', 'ran once per fetch');
    // An approval withdrawn since (Forget Approved Credential Commands) stops the next run.
    cloud.session.provider.invalidate();
    await assert.rejects(cloud.whoAmI(), (e: CloudError) => e.code === 'ExternalCommandNotApproved');
    assert.equal(fs.readFileSync(marker, 'utf8'), 'xx', 'not run once withdrawn');
  });

  test('clients rebuilt with the same approval hook (a profile switch, a settings change) do not run the command again', async () => {
    fs.rmSync(marker, { force: true });
    const file = writeConfig([{ name: 'ext', mode: 'External', process_command: printer }]);
    const hook = async () => true;
    const providers = new CredentialProviders(); // the profile store's
    await t.cloud(usable(profileIn(file, 'ext')), { approveCommand: hook }, providers).whoAmI();
    await t.cloud(usable(profileIn(file, 'ext')), { approveCommand: hook }, providers).whoAmI();
    assert.equal(fs.readFileSync(marker, 'utf8'), 'x', 'ran once for both clients');
    await t.cloud(usable(profileIn(file, 'ext')), { approveCommand: async () => true }, providers).whoAmI();
    assert.equal(fs.readFileSync(marker, 'utf8'), 'xx', 'another hook (another profile) runs it for itself');
    await t.cloud(usable(profileIn(file, 'ext')), { approveCommand: hook }).whoAmI();
    assert.equal(fs.readFileSync(marker, 'utf8'), 'xxx', 'another owner (no shared providers) runs it for itself');
  });

  test('declined, or with nobody to ask: the command never runs', async () => {
    fs.rmSync(marker, { force: true });
    const file = writeConfig([{ name: 'ext', mode: 'External', process_command: printer }]);
    await assert.rejects(
      t.cloud(usable(profileIn(file, 'ext')), { approveCommand: async () => false }).whoAmI(),
      (e: CloudError) => e.code === 'ExternalCommandNotApproved',
    );
    await assert.rejects(
      t.cloud(usable(profileIn(file, 'ext'))).whoAmI(),
      (e: CloudError) => e.code === 'ExternalCommandNotApproved',
    );
    assert.ok(!fs.existsSync(marker), 'not run');
  });

  test('StsToken output works; its secret and token are announced for redaction', async () => {
    const c = await roleCredentials();
    const cmd = script(
      'print-sts.js',
      `process.stdout.write(JSON.stringify({ mode: 'StsToken', access_key_id: ${JSON.stringify(c.id)}, access_key_secret: ${JSON.stringify(c.secret)}, sts_token: ${JSON.stringify(c.token)} }))`,
    );
    const cloud = t.cloud({ mode: 'External', command: cmd }, { approveCommand: async () => true });
    assert.equal((await cloud.whoAmI()).identityType, 'AssumedRoleUser');
    // A secret nobody has seen yet is announced as soon as the process prints it, even if the call then fails.
    const fresh = `Aa${randomAlnum(28)}`;
    const unknown = script(
      'print-fresh.js',
      `process.stdout.write(JSON.stringify({ mode: 'AK', access_key_id: 'SBXAKNoSuchKey000000', access_key_secret: ${JSON.stringify(fresh)} }))`,
    );
    await assert.rejects(
      t.cloud({ mode: 'External', command: unknown }, { approveCommand: async () => true }).whoAmI(),
      (e: CloudError) => e.code === 'InvalidAccessKeyId.NotFound' && !e.message.includes(fresh),
    );
    assert.ok(announced.has(fresh), 'announced to secretValues');
  });

  const failing: Array<[string, string, string, RegExp]> = [
    ['exits non-zero', 'exit.js', `process.stdout.write('{"mode":"AK"'); process.exit(3)`, /^ExternalCommandFailed$/],
    [
      'prints bad JSON',
      'junk.js',
      `process.stdout.write('access_key_secret=SECRETVALUE1234 not json')`,
      /^ExternalCommandInvalidOutput$/,
    ],
    [
      'prints an unsupported mode',
      'mode.js',
      `process.stdout.write(JSON.stringify({ mode: 'RamRoleArn', access_key_id: 'a', access_key_secret: 'SECRETVALUE1234' }))`,
      /^ExternalCommandInvalidOutput$/,
    ],
    ['times out', 'hang.js', `setTimeout(() => {}, 60000)`, /^ExternalCommandTimeout$/],
  ];
  for (const [what, name, body, code] of failing) {
    test(`a command that ${what} fails with ${code.source}, quoting none of its output`, async () => {
      const started = Date.now();
      // Node starts slowly on a busy machine: only the hanging script gets a short limit.
      const cloud = t.cloud(
        { mode: 'External', command: script(name, body), timeoutMs: name === 'hang.js' ? 1500 : 20_000 },
        { approveCommand: async () => true },
      );
      await assert.rejects(cloud.whoAmI(), (e: CloudError) => {
        assert.match(e.code, code);
        assert.ok(!e.message.includes('SECRETVALUE1234'), e.message);
        assert.match(
          e.message,
          new RegExp(`"${path.basename(process.execPath)}"`),
          'names the program, not its arguments',
        );
        return true;
      });
      assert.ok(Date.now() - started < 25_000, 'bounded');
    });
  }

  test('a program that does not exist fails plainly', async () => {
    await assert.rejects(
      t
        .cloud({ mode: 'External', command: path.join(dir, 'no-such-program') }, { approveCommand: async () => true })
        .whoAmI(),
      (e: CloudError) => e.code === 'ExternalCommandFailed' && /was not found/.test(e.message),
    );
  });
});

describe('External command approvals', () => {
  test('an approval is bound to machine, config path, resolved program and command: each one changed is another key', () => {
    const base = {
      machine: 'local|host-a|m1',
      configPath: '/home/u/.aliyun/config.json',
      program: '/usr/bin/creds',
      command: 'creds --profile x',
    };
    const key = commandApprovalKey(base);
    assert.equal(commandApprovalKey({ ...base }), key);
    for (const change of [
      { machine: 'ssh-remote|host-b|m1' },
      { configPath: '/tmp/evil/config.json' },
      { program: '/tmp/evil/creds' },
      { command: 'creds --profile y' },
    ]) {
      assert.notEqual(commandApprovalKey({ ...base, ...change }), key, JSON.stringify(change));
    }
    // Fields cannot be shifted into each other to forge a key.
    assert.notEqual(
      commandApprovalKey({ ...base, machine: 'a|b', configPath: 'c' }),
      commandApprovalKey({ ...base, machine: 'a', configPath: 'b|c' }),
    );
  });

  test('the program is resolved as spawn finds it: a bare name on PATH, a path as written, nothing when absent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resolve-'));
    const [first, second] = [path.join(dir, 'a'), path.join(dir, 'b')];
    fs.mkdirSync(first);
    fs.mkdirSync(second);
    fs.writeFileSync(path.join(first, 'creds'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(second, 'creds'), '#!/bin/sh\n', { mode: 0o755 });
    const env = { PATH: [first, second].join(path.delimiter) };
    assert.equal(resolveProgram('creds', env, 'linux'), path.join(second, 'creds'), 'the first executable one on PATH');
    assert.equal(resolveProgram(path.join(second, 'creds'), env, 'linux'), path.join(second, 'creds'));
    assert.equal(resolveProgram('no-such-program', env, 'linux'), undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the command is shown with control and bidi characters as visible escapes', () => {
    const hidden = 'creds \u202Eexe.live\u202C --x\u0007\u200B\r\nrm -rf ~ \u2066\u2069\u061C';
    const shown = visibleCommand(hidden);
    assert.equal(shown, 'creds \\u202Eexe.live\\u202C --x\\u0007\\u200B\\u000D\\u000Arm -rf ~ \\u2066\\u2069\\u061C');
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/.test(shown));
    assert.equal(
      visibleCommand('"/usr/bin/node" "/tmp/creds.js"'),
      '"/usr/bin/node" "/tmp/creds.js"',
      'plain commands unchanged',
    );
  });
});

describe('CredentialsURI', () => {
  before(() => setup());
  let server: http.Server;
  let base = '';
  let answer: (res: http.ServerResponse) => void = (res) => res.end();
  before(async () => {
    server = http.createServer((_req, res) => answer(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('GETs credentials JSON from a loopback URI; calls run as that role; the expiry drives refresh', async () => {
    const c = await roleCredentials();
    let hits = 0;
    answer = (res) => {
      hits++;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          Code: 'Success',
          AccessKeyId: c.id,
          AccessKeySecret: c.secret,
          SecurityToken: c.token,
          Expiration: c.expiration.toISOString(),
        }),
      );
    };
    const file = writeConfig([{ name: 'uri', mode: 'CredentialsURI', credentials_uri: `${base}/creds?user=me` }]);
    const cloud = t.cloud(usable(profileIn(file, 'uri')));
    assert.equal((await cloud.whoAmI()).identityType, 'AssumedRoleUser');
    assert.equal(cloud.session.provider.expiration?.getTime(), new Date(c.expiration.toISOString()).getTime());
    assert.equal(hits, 1);
  });

  test('HTTP errors, Code other than Success and missing fields are refused without quoting the body', async () => {
    const cases: Array<[(res: http.ServerResponse) => void, string, RegExp]> = [
      [
        (res) => {
          res.statusCode = 500;
          res.end('SECRETVALUE1234 internal');
        },
        'CredentialsUriFailed',
        /HTTP 500/,
      ],
      [
        (res) => res.end(JSON.stringify({ Code: 'Failed', AccessKeySecret: 'SECRETVALUE1234' })),
        'CredentialsUriFailed',
        /Code "Failed"/,
      ],
      [
        (res) => res.end(JSON.stringify({ Code: 'Success', AccessKeyId: 'STS.x', AccessKeySecret: 'SECRETVALUE1234' })),
        'CredentialsUriInvalidResponse',
        /SecurityToken/,
      ],
      [(res) => res.end('SECRETVALUE1234'), 'CredentialsUriInvalidResponse', /credentials JSON/],
    ];
    for (const [handler, code, message] of cases) {
      answer = handler;
      await assert.rejects(t.cloud({ mode: 'CredentialsURI', uri: `${base}/x` }).whoAmI(), (e: CloudError) => {
        assert.equal(e.code, code);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('SECRETVALUE1234'));
        return true;
      });
    }
  });

  test("any 127.x server is asked directly, never through a patched fetch or http.request (VS Code's proxy); bodies are capped", async () => {
    // VS Code's proxy agent replaces fetch and the request/get functions of node:http and node:https
    // on the module objects, exempting only localhost and 127.0.0.1; here the replacements refuse.
    const c = await roleCredentials();
    const creds = {
      Code: 'Success',
      AccessKeyId: c.id,
      AccessKeySecret: c.secret,
      SecurityToken: c.token,
      Expiration: c.expiration.toISOString(),
    };
    let reply = JSON.stringify(creds);
    const other = http.createServer((_req, res) => res.end(reply));
    await new Promise<void>((r) => other.listen(0, '127.0.0.2', r));
    const uri = `http://127.0.0.2:${(other.address() as AddressInfo).port}/creds`;
    const req = createRequire(__filename);
    const mods = [req('node:http'), req('node:https')] as Array<Record<string, unknown>>;
    const saved = { fetch: globalThis.fetch, fns: mods.map((m) => [m.request, m.get]) };
    const proxied: string[] = [];
    const refuse = (what: string) => () => {
      proxied.push(what);
      throw new Error('sent to the proxy');
    };
    globalThis.fetch = refuse('fetch') as typeof fetch;
    mods.forEach((m, i) => {
      m.request = refuse(`request ${i}`);
      m.get = refuse(`get ${i}`);
    });
    try {
      assert.equal((await fetchCredentialsUri(uri)).securityToken, c.token);
      assert.deepEqual(proxied, []);
      // Valid credentials, padded past the cap: refused, naming the cap, without quoting the body.
      reply = JSON.stringify({ ...creds, Padding: 'p'.repeat(MAX_CREDENTIALS_URI_BODY) });
      await assert.rejects(fetchCredentialsUri(uri), (e: CloudError) => {
        assert.equal(e.code, 'CredentialsUriInvalidResponse');
        assert.match(e.message, /more than 64 KB/);
        assert.ok(!e.message.includes(c.secret));
        return true;
      });
    } finally {
      globalThis.fetch = saved.fetch;
      mods.forEach((m, i) => {
        [m.request, m.get] = saved.fns[i];
      });
      other.close();
    }
  });

  test('plain http to another machine is refused before any request', async () => {
    await assert.rejects(
      t.cloud({ mode: 'CredentialsURI', uri: 'http://credentials.example.com/creds' }).whoAmI(),
      (e: CloudError) => e.code === 'CredentialsUriInsecure',
    );
  });
});

describe('OIDC (AssumeRoleWithOIDC)', () => {
  before(() => setup());
  const issuer = 'https://oidc.sandbox.example.com';
  const audience = 'sts.aliyuncs.com';
  let key: KeyObject;
  let providerArn = '';
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = (claims: Record<string, unknown>, signer = key, kid = 'k1') => {
    const head = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
    return `${head}.${sign('RSA-SHA256', Buffer.from(head), signer).toString('base64url')}`;
  };
  const nowS = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: issuer,
    aud: audience,
    sub: 'system:serviceaccount:demo:app',
    iat: nowS(),
    exp: nowS() + 3600,
    ...extra,
  });
  const tokenFile = (token: string) => {
    const f = path.join(dir, `token-${randomAlnum(6)}`);
    fs.writeFileSync(f, token);
    return f;
  };

  before(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    providerArn = registerOidcProvider(t.sandbox.state, {
      name: 'DemoOidc',
      issuerUrl: issuer,
      clientIds: [audience],
      keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1' } as JsonWebKey],
    });
    await t.cloud().ram.createRole(
      'OidcReader',
      JSON.stringify({
        Version: '1',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Federated: [providerArn] },
            Condition: { StringEquals: { 'oidc:iss': issuer, 'oidc:aud': audience } },
          },
        ],
      }),
    );
    await t.cloud().ram.attachPolicyToRole('OidcReader', 'AliyunRAMReadOnlyAccess', 'System');
  });

  test('reads the token file, assumes the role unsigned, calls run as the role; a rotated token is read again', async () => {
    const file = tokenFile(jwt(claims()));
    const cfg = writeConfig([
      {
        name: 'oidc',
        mode: 'OIDC',
        oidc_provider_arn: providerArn,
        oidc_token_file: file,
        ram_role_arn: roleArn('OidcReader'),
        ram_session_name: 'pod',
      },
    ]);
    const cloud = t.cloud(usable(profileIn(cfg, 'oidc')));
    const who = await cloud.whoAmI();
    assert.equal(who.identityType, 'AssumedRoleUser');
    assert.match(who.arn, /role\/oidcreader\/pod$/i);
    assert.ok((await cloud.ram.listRoles()).items.length > 0);
    assert.equal(cloud.session.roleName, 'OidcReader');
    fs.writeFileSync(file, jwt(claims({ sub: 'rotated' })));
    const before = t.sandbox.requests.filter((r) => r.action === 'AssumeRoleWithOIDC').length;
    cloud.session.provider.invalidate();
    await cloud.whoAmI();
    assert.equal(t.sandbox.requests.filter((r) => r.action === 'AssumeRoleWithOIDC').length, before + 1);
  });

  const bad: Array<[string, () => string, string, string?]> = [
    [
      'signed by another key',
      () => jwt(claims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      'AuthenticationFail.OIDCToken.InvalidSignature',
    ],
    [
      'for another audience',
      () => jwt(claims({ aud: 'someone-else' })),
      'AuthenticationFail.OIDCToken.AudienceNotMatch',
    ],
    ['expired', () => jwt(claims({ exp: nowS() - 60 })), 'AuthenticationFail.OIDCToken.Expired'],
    [
      'from another issuer',
      () => jwt(claims({ iss: 'https://evil.example.com' })),
      'AuthenticationFail.OIDCToken.Invalid',
    ],
    ['not a JWT', () => 'not-a-jwt', 'AuthenticationFail.OIDCToken.Invalid'],
    ['for an unregistered provider', () => jwt(claims()), 'AuthenticationFail.NoPermission', 'Nope'],
  ];
  for (const [what, token, code, provider] of bad) {
    test(`a token ${what} is refused with ${code}; the token is not in the message`, async () => {
      const tk = token();
      const arn = provider ? `acs:ram::${DEMO.accountId}:oidc-provider/${provider}` : providerArn;
      await assert.rejects(
        t
          .cloud({ mode: 'OIDC', oidcProviderArn: arn, roleArn: roleArn('OidcReader'), oidcTokenFile: tokenFile(tk) })
          .whoAmI(),
        (e: CloudError) => {
          assert.equal(e.code, code);
          assert.equal(e.status, 401);
          assert.ok(!e.message.includes(tk));
          return true;
        },
      );
    });
  }

  test('a role that does not trust the provider refuses; a missing token file is named', async () => {
    await t.cloud().ram.createRole('NotForOidc', trustAccount());
    await assert.rejects(
      t
        .cloud({
          mode: 'OIDC',
          oidcProviderArn: providerArn,
          roleArn: roleArn('NotForOidc'),
          oidcTokenFile: tokenFile(jwt(claims())),
        })
        .whoAmI(),
      (e: CloudError) => e.code === 'AuthenticationFail.NoPermission',
    );
    await assert.rejects(
      t
        .cloud({
          mode: 'OIDC',
          oidcProviderArn: providerArn,
          roleArn: roleArn('OidcReader'),
          oidcTokenFile: path.join(dir, 'absent'),
        })
        .whoAmI(),
      (e: CloudError) => e.code === 'OidcTokenFileUnreadable',
    );
  });
});

describe('CloudSSO and OAuth (the credentials the aliyun CLI caches)', () => {
  before(() => setup());
  const secs = (ms: number) => Math.floor(ms / 1000);

  test('usable while the cached STS credentials last; a renewal by the CLI is picked up', async () => {
    const c = await roleCredentials();
    const sso = {
      name: 'sso',
      mode: 'CloudSSO',
      cloud_sso_sign_in_url: 'https://signin-xxx.aliyun.com/device/login',
      cloud_sso_account_id: '1',
      cloud_sso_access_config: 'ac-1',
      access_token: `tok${randomAlnum(20)}`,
      cloud_sso_access_token_expire: secs(Date.now()) + 3600,
      access_key_id: c.id,
      access_key_secret: c.secret,
      sts_token: c.token,
      sts_expiration: secs(c.expiration.getTime()),
    };
    const file = writeConfig([
      sso,
      { ...sso, name: 'oauth', mode: 'OAuth', oauth_site_type: 'CN', oauth_refresh_token: `r${randomAlnum(20)}` },
    ]);
    for (const name of ['sso', 'oauth']) {
      const cloud = t.cloud(usable(profileIn(file, name)));
      assert.equal((await cloud.whoAmI()).identityType, 'AssumedRoleUser');
      assert.equal(cloud.session.provider.expiration?.getTime(), secs(c.expiration.getTime()) * 1000);
    }
    assert.ok(announced.has(sso.access_token), 'the CLI sign-in token is redacted too');
    // The CLI renews: the file changes, the provider reads it again on its next fetch.
    const cloud = t.cloud(usable(profileIn(file, 'sso')));
    await cloud.whoAmI();
    const fresh = await roleCredentials();
    fs.writeFileSync(
      file,
      JSON.stringify({
        current: 'sso',
        profiles: [{ ...sso, access_key_id: fresh.id, access_key_secret: fresh.secret, sts_token: fresh.token }],
      }),
    );
    cloud.session.provider.invalidate();
    assert.equal((await cloud.session.provider.get()).accessKeyId, fresh.id);
  });

  test('expired: the picker says which aliyun command renews them or signs in again', () => {
    const past = secs(Date.now()) - 10;
    const file = writeConfig([
      { name: 'sso', mode: 'CloudSSO', cloud_sso_access_token_expire: past + 7200, sts_expiration: past },
      { name: 'sso2', mode: 'CloudSSO', cloud_sso_access_token_expire: past },
      { name: 'oa', mode: 'OAuth', oauth_site_type: 'CN', oauth_refresh_token: 'r'.repeat(20), sts_expiration: past },
      { name: 'default', mode: 'OAuth', oauth_site_type: 'INTL' },
    ]);
    assert.match(reasonOf(profileIn(file, 'sso')), /`aliyun sts GetCallerIdentity --profile sso`/);
    assert.match(reasonOf(profileIn(file, 'sso2')), /`aliyun configure --profile sso2 --mode CloudSSO`/);
    assert.match(reasonOf(profileIn(file, 'oa')), /`aliyun sts GetCallerIdentity --profile oa`/);
    assert.match(reasonOf(profileIn(file, 'default')), /`aliyun configure --mode OAuth --oauth-site-type INTL`/);
  });
});

describe('RamRoleArnWithRoleName and the modes still refused', () => {
  test('unknown modes name every supported one', () => {
    const file = writeConfig([{ name: 'rsa', mode: 'RsaKeyPair', private_key: 'x', key_pair_name: 'y' }]);
    assert.match(
      reasonOf(profileIn(file, 'rsa')),
      /supported: AK, StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, External, CredentialsURI, OIDC, CloudSSO, OAuth/,
    );
  });
});
