// The on-instance identity without VS Code: when to probe, detection over real HTTP against the
// sandbox IMDS (role found, no role, hardened mode refused, unreachable within 1.5 s), the profile
// it builds, the aliyun CLI profile writer, the SDK environment exports and the countdown text.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readCliConfig, upsertEcsRamRoleProfile } from '../../src/cloud/cliConfig';
import { CredentialProviders } from '../../src/cloud/credentials';
import { DEFAULT_IMDS_URL, ImdsClient } from '../../src/cloud/imds';
import {
  buildEnvExports,
  decideProbe,
  detectInstance,
  explainInstanceProblem,
  formatExpiry,
  formatTimeLeft,
  instanceProfileConfig,
  instanceRoleTakeover,
  isEcsHardware,
  maskAccessKeyId,
  nextRefreshDelay,
  resolveImdsEndpoint,
  sandboxHostOf,
} from '../../src/cloud/instance';
import { ossEndpoint } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

/**
 * Detection where an answer is expected. The client's 1 s timeout is the product's budget; on a
 * loaded test machine (the sandbox shares this process) a cold first request can exceed it, so a
 * timeout here is retried: these tests are about what is found, the timing has its own tests.
 */
async function detectExpectingAnswer(opts: Parameters<typeof detectInstance>[0]): ReturnType<typeof detectInstance> {
  for (let attempt = 1; ; attempt++) {
    const out = await detectInstance(opts);
    if (out.kind !== 'unreachable' || attempt === 3) {
      return out;
    }
    console.log(`# detect timed out under load (attempt ${attempt}), retrying`);
  }
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An HTTP proxy in front of the sandbox that adds X-Forwarded-For, as corporate proxies do. */
async function forwardingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const up = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': '10.1.2.3' },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('when to probe the metadata service', () => {
  const base = {
    setting: 'auto' as const,
    remote: false,
    explicitEndpoint: false,
    platform: 'linux' as NodeJS.Platform,
    readProductName: () => 'Standard PC (Q35 + ICH9, 2009)',
  };

  test('sandbox mode wins: only a loopback metadata URL is asked, whoever asks and whatever the hardware', () => {
    const ecs = { ...base, readProductName: () => 'Alibaba Cloud ECS', sandbox: true };
    assert.deepEqual(decideProbe(ecs), { probe: false, reason: 'sandbox', evidence: false });
    assert.deepEqual(decideProbe({ ...ecs, userInitiated: true }), { probe: false, reason: 'sandbox', evidence: true });
    assert.deepEqual(decideProbe({ ...ecs, setting: 'always', remote: true }), {
      probe: false,
      reason: 'sandbox',
      evidence: false,
    });
    assert.equal(
      decideProbe({ ...ecs, explicitEndpoint: true, endpointLoopback: false, userInitiated: true }).probe,
      false,
      'an explicit non-loopback endpoint is not asked either',
    );
    assert.deepEqual(decideProbe({ ...ecs, explicitEndpoint: true, endpointLoopback: true }), {
      probe: true,
      reason: 'endpoint',
      evidence: true,
    });
  });

  test('a laptop (local extension host, not ECS hardware) is never probed, nor CI with a sandbox', () => {
    assert.deepEqual(decideProbe(base), { probe: false, reason: 'local', evidence: false });
    assert.deepEqual(decideProbe({ ...base, platform: 'darwin', readProductName: () => 'Alibaba Cloud ECS' }), {
      probe: false,
      reason: 'local',
      evidence: false,
    });
    assert.equal(
      decideProbe({ ...base, remote: true, sandbox: true }).probe,
      false,
      'a sandbox-driven remote host (the e2e harness) does not probe 100.100.100.200',
    );
    assert.equal(decideProbe({ ...base, remote: true, setting: 'never' }).probe, false);
  });

  test('probes on a remote host (silently), on ECS hardware, with an explicit endpoint, when "always", or when asked', () => {
    assert.deepEqual(decideProbe({ ...base, remote: true }), { probe: true, reason: 'remote', evidence: false });
    assert.deepEqual(decideProbe({ ...base, readProductName: () => 'Alibaba Cloud ECS\n' }), {
      probe: true,
      reason: 'hardware',
      evidence: true,
    });
    assert.deepEqual(decideProbe({ ...base, explicitEndpoint: true, endpointLoopback: true, sandbox: true }), {
      probe: true,
      reason: 'endpoint',
      evidence: true,
    });
    assert.deepEqual(decideProbe({ ...base, setting: 'always' }), { probe: true, reason: 'always', evidence: true });
    assert.deepEqual(decideProbe({ ...base, setting: 'never', userInitiated: true }), {
      probe: true,
      reason: 'user',
      evidence: true,
    });
  });

  test('ECS hardware is read from the DMI product name, on Linux only; an unreadable file is not ECS', () => {
    assert.equal(isEcsHardware({ platform: 'linux', readProductName: () => 'Alibaba Cloud ECS' }), true);
    assert.equal(isEcsHardware({ platform: 'linux', readProductName: () => undefined }), false);
    assert.equal(isEcsHardware({ platform: 'win32', readProductName: () => 'Alibaba Cloud ECS' }), false);
  });

  test('the endpoint: setting, then ALIBABA_CLOUD_IMDS_ENDPOINT, then 100.100.100.200', () => {
    assert.deepEqual(resolveImdsEndpoint('http://127.0.0.1:9/imds/i-1/', {}), {
      url: 'http://127.0.0.1:9/imds/i-1',
      explicit: true,
      source: 'setting',
    });
    assert.deepEqual(resolveImdsEndpoint('', { ALIBABA_CLOUD_IMDS_ENDPOINT: 'http://127.0.0.1:8' }), {
      url: 'http://127.0.0.1:8',
      explicit: true,
      source: 'env',
    });
    assert.deepEqual(resolveImdsEndpoint(undefined, {}), { url: DEFAULT_IMDS_URL, explicit: false, source: 'default' });
  });
});

describe('detection against the sandbox IMDS', () => {
  test('an instance with a role: identity, role, first credentials, hardened mode', async () => {
    const out = await detectExpectingAnswer({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
    assert.equal(out.kind, 'found');
    if (out.kind !== 'found') {
      return;
    }
    assert.equal(out.identity.instanceId, DEMO.vpcInstanceId2);
    assert.equal(out.identity.regionId, 'cn-hangzhou');
    assert.equal(out.roleName, DEMO.seededRole);
    assert.equal(out.usedInsecureFallback, false);
    assert.ok(out.expiration.getTime() > Date.now() + 5 * 3600_000, 'six-hour credentials');
    assert.match((await out.provider.get()).accessKeyId, /^STS\./);
  });

  test('no role attached (404) → ImdsNoRole, with the instance and the fix', async () => {
    const out = await detectExpectingAnswer({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId) });
    assert.equal(out.kind, 'failed');
    if (out.kind !== 'failed') {
      return;
    }
    assert.equal(out.error.code, 'ImdsNoRole');
    assert.equal(out.identity?.instanceId, DEMO.vpcInstanceId);
    const p = explainInstanceProblem(out.error, { baseUrl: out.baseUrl, instanceId: out.identity?.instanceId });
    assert.match(p.title, new RegExp(DEMO.vpcInstanceId));
    assert.match(
      p.fix,
      /Attach a role to i-bp1sandboxvpc000001 from your local VS Code window: command "Alibaba Cloud: Attach RAM Role to Instance"/,
    );
  });

  test('hardened mode required: the token PUT refused (a proxy adds X-Forwarded-For) with fallback off → ImdsHardenedRequired', async () => {
    const proxy = await forwardingProxy(t.sandbox.info.url);
    try {
      const strict = await detectExpectingAnswer({
        baseUrl: `${proxy.url}/imds/${DEMO.vpcInstanceId2}`,
        allowInsecureFallback: false,
      });
      assert.equal(strict.kind, 'failed');
      assert.equal(strict.kind === 'failed' && strict.error.code, 'ImdsHardenedRequired');
      assert.equal(strict.kind === 'failed' && strict.error.status, 403);
      const p = explainInstanceProblem(strict.kind === 'failed' ? strict.error : undefined!, { baseUrl: proxy.url });
      assert.match(p.fix, /NO_PROXY/);
      // Fallback on, but the instance requires tokens (HttpTokens=required): the token-less read is refused too.
      const required = await detectExpectingAnswer({
        baseUrl: `${proxy.url}/imds/${DEMO.vpcInstanceId}`,
        allowInsecureFallback: true,
      });
      assert.equal(required.kind === 'failed' && required.error.code, 'ImdsHardenedRequired');
      // Fallback on and tokens optional: it works, and says so.
      const optional = await detectExpectingAnswer({
        baseUrl: `${proxy.url}/imds/${DEMO.vpcInstanceId2}`,
        allowInsecureFallback: true,
      });
      assert.equal(optional.kind, 'found');
      assert.equal(optional.kind === 'found' && optional.usedInsecureFallback, true);
    } finally {
      await proxy.close();
    }
  });

  test('IMDS unreachable (closed loopback port) ends within 1.5 s with a clear message', async () => {
    const port = await closedPort();
    const started = performance.now();
    const out = await detectInstance({ baseUrl: `http://127.0.0.1:${port}` });
    const ms = performance.now() - started;
    console.log(`# unreachable IMDS (closed port): ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1500, `took ${ms} ms`);
    assert.equal(out.kind, 'unreachable');
    assert.equal(out.kind === 'unreachable' && out.error.code, 'ImdsUnreachable');
    assert.match(out.kind === 'unreachable' ? out.error.message : '', /could not be reached/);
    const p = explainInstanceProblem(out.kind === 'unreachable' ? out.error : undefined!, { baseUrl: out.baseUrl });
    assert.match(p.explanation, /not an ECS instance|metadata access is disabled/);
    assert.match(p.fix, /HttpEndpoint=enabled/);
  });

  test('IMDS answering after 3 s (delay fault) ends within 1.5 s as "did not answer within 1000 ms"', async () => {
    t.sandbox.faults.add({ service: 'imds', kind: 'delay', delayMs: 3000 });
    try {
      const started = performance.now();
      const out = await detectInstance({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
      const ms = performance.now() - started;
      console.log(`# unreachable IMDS (3000 ms delay): ${ms.toFixed(0)} ms`);
      assert.ok(ms < 1500, `took ${ms} ms`);
      assert.equal(out.kind, 'unreachable');
      assert.match(out.kind === 'unreachable' ? out.error.message : '', /did not answer within 1000 ms/);
    } finally {
      t.sandbox.faults.clear();
    }
  });

  test('IMDS "down" (connection dropped) is unreachable too, well within 1.5 s', async () => {
    t.sandbox.faults.add({ service: 'imds', kind: 'down' });
    try {
      const started = performance.now();
      const out = await detectInstance({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
      assert.ok(performance.now() - started < 1500);
      assert.equal(out.kind, 'unreachable');
    } finally {
      t.sandbox.faults.clear();
    }
  });

  test('a URL that is not a metadata service (404 on the token path) is explained as such, not as "no role"', async () => {
    const out = await detectExpectingAnswer({ baseUrl: `${t.sandbox.info.url}/imds/i-doesnotexist` });
    assert.equal(out.kind, 'failed');
    const p = explainInstanceProblem(out.kind === 'failed' ? out.error : undefined!, { baseUrl: out.baseUrl });
    assert.equal(p.code, 'ImdsNotFound');
    assert.match(p.title, /is not an instance metadata service/);
    assert.match(p.fix, /alibabaCloud\.metadata\.endpoint/);
  });

  test('an unreadable Expiration is refused as ImdsBadResponse (it would make every call refetch)', async () => {
    const server = http.createServer((req, res) => {
      if (req.method === 'PUT') {
        res.end('tok');
        return;
      }
      res.end(
        JSON.stringify({
          AccessKeyId: 'STS.x',
          AccessKeySecret: 's',
          SecurityToken: 't',
          Expiration: 'soon',
          Code: 'Success',
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const imds = new ImdsClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      await assert.rejects(imds.getCredentials('R'), { code: 'ImdsBadResponse' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('the instance profile', () => {
  const identity = { instanceId: DEMO.vpcInstanceId2, regionId: 'cn-shanghai', zoneId: 'cn-shanghai-b' };

  test("on a real instance: EcsRamRole, the instance's region, internal OSS endpoint unless turned off", () => {
    const p = instanceProfileConfig({ identity, roleName: 'R', imdsUrl: DEFAULT_IMDS_URL });
    assert.deepEqual(p.credentials, { mode: 'EcsRamRole', roleName: 'R' });
    assert.equal(p.regionId, 'cn-shanghai');
    assert.equal(ossEndpoint(p, 'cn-shanghai'), 'https://oss-cn-shanghai-internal.aliyuncs.com');
    assert.equal(p.endpoints?.metadata, undefined);
    const off = instanceProfileConfig({
      identity,
      roleName: 'R',
      imdsUrl: DEFAULT_IMDS_URL,
      useInternalOssEndpoint: false,
    });
    assert.equal(ossEndpoint(off, 'cn-shanghai'), 'https://oss-cn-shanghai.aliyuncs.com');
  });

  test('in sandbox mode every endpoint goes to the sandbox, whichever metadata URL answered; without it they stay real', () => {
    const url = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
    assert.equal(sandboxHostOf(url, t.sandbox.info.url), t.sandbox.info.endpoint);
    const p = instanceProfileConfig({ identity, roleName: 'R', imdsUrl: url, sandboxUrl: t.sandbox.info.url });
    assert.equal(p.endpoints?.sts, t.sandbox.info.endpoint);
    assert.equal(p.endpoints?.ecs, t.sandbox.info.endpoint);
    assert.equal(p.endpoints?.metadata, url);
    assert.equal(p.endpoints?.ossResolveTo, '127.0.0.1');
    const relayed = instanceProfileConfig({
      identity,
      roleName: 'R',
      imdsUrl: 'http://127.0.0.2:1/x',
      sandboxUrl: t.sandbox.info.url,
    });
    assert.equal(relayed.endpoints?.sts, t.sandbox.info.endpoint);
    assert.equal(relayed.endpoints?.metadata, 'http://127.0.0.2:1/x');
    const real = instanceProfileConfig({ identity, roleName: 'R', imdsUrl: 'http://127.0.0.1:1/x' });
    assert.equal(real.endpoints?.sts, undefined);
    assert.equal(real.endpoints?.metadata, 'http://127.0.0.1:1/x');
    // "Start Sandbox" knows its sandbox as host:port (no scheme); that works the same.
    assert.equal(
      instanceProfileConfig({ identity, roleName: 'R', imdsUrl: url, sandboxUrl: t.sandbox.info.endpoint }).endpoints
        ?.sts,
      t.sandbox.info.endpoint,
    );
  });

  test('the detected profile works end to end: whoAmI is the role, OSS lists, PutObject is refused (read-only role)', async () => {
    const url = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
    const providers = new CredentialProviders(); // the profile store's
    const out = await detectExpectingAnswer({ baseUrl: url, providers });
    assert.equal(out.kind, 'found');
    if (out.kind !== 'found') {
      return;
    }
    const config = instanceProfileConfig({
      identity: out.identity,
      roleName: out.roleName,
      imdsUrl: url,
      sandboxUrl: t.sandbox.info.url,
    });
    const cloud = t.cloud(undefined, config, providers);
    assert.equal(cloud.session.provider, out.provider, 'sessions share the detected provider (one credential cache)');
    assert.notEqual(t.cloud(undefined, config).session.provider, out.provider, 'another owner has its own cache');
    const who = await cloud.whoAmI();
    assert.equal(who.identityType, 'AssumedRoleUser');
    assert.match(who.arn, new RegExp(`assumed-role/${DEMO.seededRole}/`));
    const page = await cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { maxKeys: 5, delimiter: '' });
    assert.equal(page.items.length, 5);
    await assert.rejects(cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', 'x.txt', Buffer.from('x')), {
      code: 'AccessDenied',
    });
  });
});

describe('aliyun CLI profile for the instance role', () => {
  test('keeps other profiles and keys, writes 0600, leaves `current` alone unless asked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instance-cli-'));
    const file = path.join(dir, '.aliyun', 'config.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({
        current: 'default',
        meta_path: '',
        plugin_settings: { x: 1 },
        profiles: [
          {
            name: 'default',
            mode: 'AK',
            access_key_id: 'SBXAK-test',
            access_key_secret: 'not-a-real-secret',
            region_id: 'cn-beijing',
          },
        ],
      }),
      { mode: 0o644 },
    );
    const r = upsertEcsRamRoleProfile(
      file,
      { name: 'ecs-DemoEcsOssReader', roleName: DEMO.seededRole, regionId: 'cn-hangzhou' },
      false,
    );
    assert.deepEqual(r, { created: false, replaced: false, madeCurrent: false });
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(raw.current, 'default');
    assert.deepEqual(raw.plugin_settings, { x: 1 });
    assert.equal(raw.profiles[0].access_key_secret, 'not-a-real-secret');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const read = readCliConfig(file).profiles.find((p) => p.name === 'ecs-DemoEcsOssReader');
    assert.deepEqual(read?.supported && read.credentials, { mode: 'EcsRamRole', roleName: DEMO.seededRole });
    assert.equal(
      upsertEcsRamRoleProfile(
        file,
        { name: 'ecs-DemoEcsOssReader', roleName: DEMO.seededRole, regionId: 'cn-hangzhou' },
        true,
      ).madeCurrent,
      true,
    );
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).current, 'ecs-DemoEcsOssReader');
    // A new file is created 0600, in a 0700 directory.
    const fresh = path.join(dir, 'new', 'config.json');
    assert.equal(
      upsertEcsRamRoleProfile(fresh, { name: 'ecs', roleName: 'R', regionId: 'cn-hangzhou' }, false).created,
      true,
    );
    assert.equal(fs.statSync(fresh).mode & 0o777, 0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('environment for other SDKs', () => {
  test('role mode exports, no secrets; names are the ones @alicloud/credentials 2.4.7 reads', () => {
    const text = buildEnvExports({
      roleName: DEMO.seededRole,
      regionId: 'cn-hangzhou',
      instanceId: DEMO.vpcInstanceId2,
      imdsUrl: DEFAULT_IMDS_URL,
      hardened: true,
    });
    const exports = Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(exports, {
      ALIBABA_CLOUD_ECS_METADATA: DEMO.seededRole,
      ALIBABA_CLOUD_IMDSV1_DISABLED: 'true',
      ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou',
    });
    assert.doesNotMatch(text, /ACCESS_KEY|SECURITY_TOKEN/);
    const sdk = ['ecs_ram_role.ts', 'default.ts']
      .map((f) => fs.readFileSync(path.join('node_modules/@alicloud/credentials/src/providers', f), 'utf8'))
      .join('\n');
    for (const name of [
      'ALIBABA_CLOUD_ECS_METADATA',
      'ALIBABA_CLOUD_IMDSV1_DISABLED',
      'ALIBABA_CLOUD_ECS_METADATA_DISABLED',
    ]) {
      assert.ok(sdk.includes(`process.env.${name}`), name);
    }
    assert.ok(
      fs
        .readFileSync('node_modules/@alicloud/credentials/src/providers/uri.ts', 'utf8')
        .includes('ALIBABA_CLOUD_CREDENTIALS_URI'),
    );
    const fallback = buildEnvExports({
      roleName: 'R',
      regionId: 'cn-hangzhou',
      imdsUrl: DEFAULT_IMDS_URL,
      hardened: false,
    });
    assert.doesNotMatch(fallback, /IMDSV1_DISABLED/);
  });

  test("a non-default endpoint (sandbox) is reached through the credentials URI, and the SDK chain gets the role's credentials from it", async () => {
    const url = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
    const text = buildEnvExports({ roleName: DEMO.seededRole, regionId: 'cn-hangzhou', imdsUrl: url, hardened: true });
    const exports = Object.fromEntries([...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    assert.equal(exports.ALIBABA_CLOUD_ECS_METADATA_DISABLED, 'true');
    assert.equal(exports.ALIBABA_CLOUD_ECS_METADATA, undefined, 'the metadata provider is off, so no role name for it');
    assert.equal(
      exports.ALIBABA_CLOUD_CREDENTIALS_URI,
      `${url}/latest/meta-data/ram/security-credentials/${DEMO.seededRole}`,
    );
    const { URICredentialsProvider } = await import('@alicloud/credentials');
    const got = await URICredentialsProvider.builder()
      .withCredentialsURI(exports.ALIBABA_CLOUD_CREDENTIALS_URI)
      .build()
      .getCredentials();
    assert.match(got.accessKeyId, /^STS\./);
  });
});

describe('countdown and masking', () => {
  test('minute granularity', () => {
    assert.equal(formatTimeLeft((5 * 60 + 59) * 60_000 + 30_000), '5 h 59 min');
    assert.equal(formatTimeLeft(6 * 3600_000), '6 h');
    assert.equal(formatTimeLeft(42 * 60_000 + 5_000), '42 min');
    assert.equal(formatTimeLeft(20_000), 'less than a minute');
    assert.equal(formatTimeLeft(0), 'expired');
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(formatExpiry(new Date(now + 3 * 3600_000 + 60_000), now), 'expires in 3 h 1 min');
    assert.equal(formatExpiry(new Date(now - 1), now), 'expired');
  });

  test('the background refresh runs 20 min before expiry, never sooner than 30 s', () => {
    const now = 1_000_000;
    assert.equal(nextRefreshDelay(new Date(now + 6 * 3600_000), now), 6 * 3600_000 - 20 * 60_000);
    assert.equal(nextRefreshDelay(new Date(now + 10 * 60_000), now), 30_000);
    assert.equal(nextRefreshDelay(undefined, now), 30_000);
  });

  test('AccessKeyIds are masked', () => {
    assert.equal(maskAccessKeyId('STS.NUgYrLnoC37mZZCNnAbez2Ekb'), 'STS.****2Ekb');
    assert.equal(maskAccessKeyId('SBXAKAbCdEfGhIjKlMn'), 'SBXA****KlMn');
    assert.equal(maskAccessKeyId(undefined), '-');
  });
});

describe('the instance role and the active profile (offered, not switched silently)', () => {
  test('at the real metadata address it takes over only when no profile is chosen anywhere', () => {
    assert.equal(instanceRoleTakeover({ defaultAddress: true, chosenHere: false, chosenElsewhere: false }), 'activate');
  });
  test('a profile chosen elsewhere is kept and the role is offered', () => {
    assert.equal(instanceRoleTakeover({ defaultAddress: true, chosenHere: false, chosenElsewhere: true }), 'offer');
  });
  test('a choice made on this instance is kept without asking', () => {
    assert.equal(instanceRoleTakeover({ defaultAddress: true, chosenHere: true, chosenElsewhere: true }), 'list');
    assert.equal(instanceRoleTakeover({ defaultAddress: true, chosenHere: true, chosenElsewhere: false }), 'list');
  });
  test('found through another metadata URL: only listed, never offered or activated', () => {
    for (const chosenElsewhere of [false, true]) {
      assert.equal(instanceRoleTakeover({ defaultAddress: false, chosenHere: false, chosenElsewhere }), 'list');
    }
  });
});
