/**
 * The sandbox IMDS over real HTTP: hardened-mode tokens and their failure codes, metadata paths,
 * the instance role's credentials and their overlapping rotation, and @alicloud/credentials'
 * own ECS RAM role provider pointed at it through its test seam (src/cloud/credentials.ts).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import OSS from 'ali-oss';
import { ECSRAMRoleCredentialsProvider, URICredentialsProvider } from '@alicloud/credentials';
import { resolveCredential } from '../../../src/sandbox/core/principal';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { loopbackAgent } from '../../helpers/loopbackAgent';

let sandbox: Sandbox;
let base: string;

/** True once src/policy/evaluate is the real evaluator (its placeholder implicitly denies everything). */

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Plain HTTP to the sandbox only (127.0.0.1). */
function request(method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const imds = (instanceId: string) => `/imds/${instanceId}/latest`;

async function token(instanceId: string, ttl = '60'): Promise<string> {
  const r = await request('PUT', `${imds(instanceId)}/api/token`, { 'X-aliyun-ecs-metadata-token-ttl-seconds': ttl });
  assert.equal(r.status, 200);
  return r.body;
}

async function get(instanceId: string, path: string, tok?: string): Promise<Reply> {
  return request('GET', `${imds(instanceId)}/meta-data/${path}`, tok ? { 'X-aliyun-ecs-metadata-token': tok } : {});
}

interface ImdsCredentials {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken: string;
  Expiration: string;
  LastUpdated: string;
  Code: string;
}

async function credentials(instanceId = DEMO.vpcInstanceId2, tok?: string): Promise<ImdsCredentials> {
  const r = await get(instanceId, `ram/security-credentials/${DEMO.seededRole}`, tok);
  assert.equal(r.status, 200);
  return JSON.parse(r.body) as ImdsCredentials;
}

/** Points an @alicloud/credentials provider at the sandbox by rewriting host and path (its `doRequest` seam). */
function redirectToSandbox(provider: object, instanceId: string): string[] {
  const seen: string[] = [];
  type Req = { host: string; path: string; method: string };
  const p = provider as { doRequest: (r: Req) => Promise<unknown> };
  const original = p.doRequest;
  p.doRequest = (r: Req) => {
    assert.equal(r.host, '100.100.100.200');
    seen.push(`${r.method} ${r.path}`);
    r.host = new URL(base).host;
    r.path = `/imds/${instanceId}${r.path}`;
    return original(r);
  };
  return seen;
}

before(async () => {
  sandbox = await startSandbox({ instant: true });
  base = sandbox.info.url;
});

after(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.faults.clear();
});

describe('IMDS hardened mode (tokens)', () => {
  it('PUT /latest/api/token returns a plain-text token that reads metadata', async () => {
    const r = await request('PUT', `${imds(DEMO.vpcInstanceId)}/api/token`, {
      'X-aliyun-ecs-metadata-token-ttl-seconds': '21600',
    });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.ok(r.body.length >= 32);
    const id = await get(DEMO.vpcInstanceId, 'instance-id', r.body);
    assert.deepEqual([id.status, id.body], [200, DEMO.vpcInstanceId]);
  });

  it('TTL outside 1..21600 or missing → 400', async () => {
    for (const ttl of ['0', '21601', 'abc', '-5']) {
      const r = await request('PUT', `${imds(DEMO.vpcInstanceId)}/api/token`, {
        'X-aliyun-ecs-metadata-token-ttl-seconds': ttl,
      });
      assert.equal(r.status, 400, `ttl ${ttl}`);
    }
    assert.equal((await request('PUT', `${imds(DEMO.vpcInstanceId)}/api/token`)).status, 400);
    assert.equal((await token(DEMO.vpcInstanceId, '1')).length > 0, true);
  });

  it('a token request carrying X-Forwarded-For → 403', async () => {
    const r = await request('PUT', `${imds(DEMO.vpcInstanceId)}/api/token`, {
      'X-aliyun-ecs-metadata-token-ttl-seconds': '60',
      'X-Forwarded-For': '10.0.0.1',
    });
    assert.equal(r.status, 403);
  });

  it('token-less read on an HttpTokens=required instance → 403; on an optional one → 200', async () => {
    assert.equal((await get(DEMO.vpcInstanceId, 'instance-id')).status, 403);
    const open = await get(DEMO.vpcInstanceId2, 'instance-id');
    assert.deepEqual([open.status, open.body], [200, DEMO.vpcInstanceId2]);
  });

  it("unknown, expired or another instance's token → 401 (even where tokens are optional)", async () => {
    assert.equal((await get(DEMO.vpcInstanceId, 'instance-id', 'not-a-token')).status, 401);
    assert.equal((await get(DEMO.vpcInstanceId2, 'instance-id', 'not-a-token')).status, 401);
    const other = await token(DEMO.vpcInstanceId2);
    assert.equal((await get(DEMO.vpcInstanceId, 'instance-id', other)).status, 401);
    const short = await token(DEMO.vpcInstanceId, '60');
    assert.equal((await get(DEMO.vpcInstanceId, 'hostname', short)).status, 200);
    sandbox.advanceClock(61_000);
    try {
      assert.equal((await get(DEMO.vpcInstanceId, 'hostname', short)).status, 401);
    } finally {
      sandbox.advanceClock(-61_000);
    }
  });

  it('the bare /latest/ path is the default instance', async () => {
    const tok = (await request('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' })).body;
    const r = await request('GET', '/latest/meta-data/instance-id', { 'X-aliyun-ecs-metadata-token': tok });
    assert.deepEqual([r.status, r.body], [200, DEMO.vpcInstanceId]);
    assert.equal((await request('GET', '/imds/i-doesnotexist/latest/meta-data/instance-id')).status, 404);
  });

  it('HttpEndpoint=disabled: the connection is dropped, as nothing answers on the instance', async () => {
    const i = sandbox.state.instances.get(DEMO.vpcInstanceId2)!;
    i.httpEndpoint = 'disabled';
    try {
      await assert.rejects(get(DEMO.vpcInstanceId2, 'instance-id'), /socket hang up|ECONNRESET/);
    } finally {
      i.httpEndpoint = 'enabled';
    }
  });
});

describe('IMDS metadata paths', () => {
  it("serves the instance's identity and network as plain text", async () => {
    const tok = await token(DEMO.vpcInstanceId);
    const i = sandbox.state.instances.get(DEMO.vpcInstanceId)!;
    const expected: Record<string, string> = {
      'instance-id': i.instanceId,
      'region-id': 'cn-hangzhou',
      'zone-id': i.zoneId,
      hostname: i.hostName,
      'instance/instance-type': i.instanceType,
      'instance/instance-name': i.instanceName,
      'image-id': i.imageId,
      'owner-account-id': DEMO.accountId,
      'network-type': 'vpc',
      'vpc-id': i.vpcId!,
      'vswitch-id': i.vSwitchId!,
      'private-ipv4': i.privateIp,
      'public-ipv4': i.publicIp!,
    };
    for (const [path, value] of Object.entries(expected)) {
      const r = await get(DEMO.vpcInstanceId, path, tok);
      assert.deepEqual([r.status, r.body], [200, value], path);
      assert.match(String(r.headers['content-type']), /^text\/plain/);
    }
    assert.match((await get(DEMO.vpcInstanceId, 'mac', tok)).body, /^00:16:3e(:[0-9a-f]{2}){3}$/);
    assert.match(
      (await get(DEMO.vpcInstanceId, 'serial-number', tok)).body,
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('lists meta-data/ with directories marked by a slash', async () => {
    const tok = await token(DEMO.vpcInstanceId);
    const top = (await get(DEMO.vpcInstanceId, '', tok)).body.split('\n');
    for (const name of ['instance-id', 'region-id', 'instance/', 'vpc-id', 'mac', 'serial-number']) {
      assert.ok(top.includes(name), name);
    }
    assert.ok(!top.includes('ram/'), 'no role attached → no ram/ entry');
    assert.deepEqual((await get(DEMO.vpcInstanceId, 'instance/', tok)).body.split('\n'), [
      'instance-name',
      'instance-type',
    ]);
    const withRole = (await get(DEMO.vpcInstanceId2, '')).body.split('\n');
    assert.ok(withRole.includes('ram/'));
  });

  it('absent values are 404: vpc-id on a classic instance, public-ipv4 without one, unknown paths', async () => {
    assert.equal((await get(DEMO.classicInstanceId, 'network-type')).body, 'classic');
    assert.equal((await get(DEMO.classicInstanceId, 'vpc-id')).status, 404);
    assert.equal((await get(DEMO.vpcInstanceId2, 'public-ipv4')).status, 404);
    assert.equal((await get(DEMO.vpcInstanceId2, 'eipv4')).status, 404);
    assert.equal((await get(DEMO.vpcInstanceId2, 'no-such-thing')).status, 404);
  });
});

describe('IMDS instance role credentials', () => {
  it('security-credentials/ names the attached role; 404 without one; wrong role name → 404', async () => {
    const role = await get(DEMO.vpcInstanceId2, 'ram/security-credentials/');
    assert.deepEqual([role.status, role.body], [200, DEMO.seededRole]);
    const tok = await token(DEMO.vpcInstanceId);
    assert.equal((await get(DEMO.vpcInstanceId, 'ram/security-credentials/', tok)).status, 404);
    assert.equal((await get(DEMO.vpcInstanceId2, 'ram/security-credentials/SomeOtherRole')).status, 404);
    assert.equal(
      (await get(DEMO.vpcInstanceId2, `ram/security-credentials/${DEMO.seededRole.toLowerCase()}`)).status,
      404,
    );
  });

  it('returns the documented JSON: STS key, 20-char UTC Expiration 6 h after LastUpdated, Code Success', async () => {
    const c = await credentials();
    assert.match(c.AccessKeyId, /^STS\./);
    assert.ok(c.AccessKeySecret && c.SecurityToken);
    assert.equal(c.Code, 'Success');
    assert.match(c.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.match(c.LastUpdated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(Date.parse(c.Expiration) - Date.parse(c.LastUpdated), 6 * 3600 * 1000);
    // Same session until rotation is due.
    assert.equal((await credentials()).AccessKeyId, c.AccessKeyId);
  });

  it('rotates before expiry with overlapping validity; the old session then expires on its own', async () => {
    const a = await credentials();
    sandbox.advanceClock(3.5 * 3600 * 1000);
    try {
      const b = await credentials();
      assert.notEqual(b.AccessKeyId, a.AccessKeyId, 'rotated once less than half the life is left');
      assert.ok(Date.parse(b.Expiration) > Date.parse(a.Expiration));
      // Both are accepted now…
      assert.doesNotThrow(() => resolveCredential(sandbox.state, a.AccessKeyId, a.SecurityToken));
      assert.doesNotThrow(() => resolveCredential(sandbox.state, b.AccessKeyId, b.SecurityToken));
      // …and after the old one's Expiration only the new one is.
      sandbox.advanceClock(3 * 3600 * 1000);
      assert.throws(() => resolveCredential(sandbox.state, a.AccessKeyId, a.SecurityToken), {
        code: 'InvalidSecurityToken.Expired',
      });
      assert.doesNotThrow(() => resolveCredential(sandbox.state, b.AccessKeyId, b.SecurityToken));
    } finally {
      sandbox.advanceClock(-6.5 * 3600 * 1000);
    }
  });

  it('role attached → credentials list objects with ali-oss; PutObject is AccessDenied (read-only role)', async () => {
    const c = await credentials();
    const agent = loopbackAgent();
    const client = new OSS({
      region: 'oss-cn-hangzhou',
      endpoint: `http://oss-cn-hangzhou.aliyuncs.com:${sandbox.info.port}`,
      bucket: DEMO.bucket,
      accessKeyId: c.AccessKeyId,
      accessKeySecret: c.AccessKeySecret,
      stsToken: c.SecurityToken,
      agent,
    } as OSS.Options);
    try {
      const listed = await client.listV2({ 'max-keys': '10' }, {});
      assert.equal(listed.objects.length, 10);
      await assert.rejects(
        client.put('denied.txt', Buffer.from('x')),
        (e: { code?: string; status?: number; message: string }) =>
          e.code === 'AccessDenied' && e.status === 403 && /oss:PutObject/.test(e.message),
      );
    } finally {
      agent.destroy();
    }
  });
});

describe('@alicloud/credentials against the sandbox IMDS', () => {
  it('ECSRAMRoleCredentialsProvider: token PUT, role discovery, credentials (HttpTokens=required)', async () => {
    const i = sandbox.state.instances.get(DEMO.vpcInstanceId2)!;
    i.httpTokens = 'required';
    try {
      const provider = ECSRAMRoleCredentialsProvider.builder().withDisableIMDSv1(true).build();
      const seen = redirectToSandbox(provider, DEMO.vpcInstanceId2);
      const got = await provider.getCredentials();
      const served = await credentials(DEMO.vpcInstanceId2, await token(DEMO.vpcInstanceId2));
      assert.equal(got.accessKeyId, served.AccessKeyId);
      assert.equal(got.securityToken, served.SecurityToken);
      assert.equal(got.providerName, 'ecs_ram_role');
      assert.deepEqual(seen, [
        'PUT /latest/api/token',
        'GET /latest/meta-data/ram/security-credentials/',
        'PUT /latest/api/token',
        `GET /latest/meta-data/ram/security-credentials/${DEMO.seededRole}`,
      ]);
    } finally {
      i.httpTokens = 'optional';
    }
  });

  it('with no role attached the provider fails with the documented 404 message', async () => {
    const provider = ECSRAMRoleCredentialsProvider.builder().withDisableIMDSv1(true).build();
    redirectToSandbox(provider, DEMO.vpcInstanceId);
    await assert.rejects(
      provider.getCredentials(),
      /get role name failed: GET http:\/\/.*\/latest\/meta-data\/ram\/security-credentials\/ 404/,
    );
  });

  it('IMDS fault "down" on GetToken: IMDSv1 fallback still works; with IMDSv1 disabled it fails', async () => {
    sandbox.faults.add({ service: 'imds', action: 'GetToken', kind: 'down' });
    const fallback = ECSRAMRoleCredentialsProvider.builder().withRoleName(DEMO.seededRole).build();
    redirectToSandbox(fallback, DEMO.vpcInstanceId2);
    assert.match((await fallback.getCredentials()).accessKeyId, /^STS\./);
    const strict = ECSRAMRoleCredentialsProvider.builder()
      .withRoleName(DEMO.seededRole)
      .withDisableIMDSv1(true)
      .build();
    redirectToSandbox(strict, DEMO.vpcInstanceId2);
    await assert.rejects(strict.getCredentials());
    const log = sandbox.requests.filter((r) => r.service === 'imds').map((r) => r.action);
    assert.ok(log.includes('GetToken') && log.includes('GetCredentials'));
  });

  it('URICredentialsProvider reads the same document from a loopback URL', async () => {
    const provider = URICredentialsProvider.builder()
      .withCredentialsURI(`${base}${imds(DEMO.vpcInstanceId2)}/meta-data/ram/security-credentials/${DEMO.seededRole}`)
      .build();
    const got = await provider.getCredentials();
    assert.equal(got.accessKeyId, (await credentials()).AccessKeyId);
  });
});
