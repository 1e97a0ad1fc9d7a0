/**
 * The sandbox answers only its user, over real HTTP: the control routes need this run's token;
 * a web page's Origin and a rebinding Host are refused while the SDKs (RPC on 127.0.0.1, ali-oss
 * on <bucket>.oss-<region>.aliyuncs.com through its pinned lookup) keep working; the state file is
 * private and replaced atomically; request bodies and the request log are bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCloud } from '../../../src/cloud';
import { sandboxEndpoints } from '../../../src/cloud/profile';
import { formatPolicy, serviceTrustPolicy } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import {
  CONTROL_TOKEN_HEADER,
  OSS_BODY_LIMIT,
  RPC_BODY_LIMIT,
  startSandbox,
  type Sandbox,
} from '../../../src/sandbox/server';
import { sandboxControl } from '../../helpers/sandbox';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ instant: true });
});
after(async () => {
  await sandbox.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so Host, Origin and Content-Length are exactly what a hostile client sends. */
function send(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  chunks?: Buffer[];
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: sandbox.info.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    // Writing after the server answered and closed is expected in the oversized cases.
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') {
        reject(e);
      }
    });
    if (opts.chunks) {
      for (const c of opts.chunks) {
        req.write(c);
      }
      req.end();
    } else {
      req.end(opts.body);
    }
  });
}

const token = () => ({ [CONTROL_TOKEN_HEADER]: sandbox.info.controlToken });

describe("control routes need the run's token", () => {
  it('the token is random per run and in SandboxInfo', async () => {
    const other = await startSandbox({ empty: true, instant: true });
    try {
      assert.match(sandbox.info.controlToken, /^[\w-]{40,}$/);
      assert.notEqual(other.info.controlToken, sandbox.info.controlToken);
    } finally {
      await other.close();
    }
  });

  for (const [method, route] of [
    ['GET', 'info'],
    ['GET', 'requests'],
    ['POST', 'faults'],
    ['DELETE', 'faults'],
    ['POST', 'clock'],
  ] as const) {
    it(`${method} /__sandbox/${route} without the token is 401 and changes nothing`, async () => {
      const body =
        method !== 'POST'
          ? undefined
          : route === 'faults'
            ? JSON.stringify({ kind: 'down' })
            : JSON.stringify({ advanceMs: 3_600_000 });
      const clock = sandbox.state.clockOffsetMs;
      const none = await send({ method, path: `/__sandbox/${route}`, body });
      const wrong = await send({
        method,
        path: `/__sandbox/${route}`,
        body,
        headers: { [CONTROL_TOKEN_HEADER]: 'x'.repeat(sandbox.info.controlToken.length) },
      });
      assert.equal(none.status, 401);
      assert.equal(wrong.status, 401);
      assert.match(none.body, /x-sandbox-token/);
      assert.deepEqual(sandbox.faults.list(), []);
      assert.equal(sandbox.state.clockOffsetMs, clock);
    });
  }

  it('with the token they work', async () => {
    const info = await sandboxControl(sandbox, 'info');
    assert.equal(info.status, 200);
    const text = await info.text();
    assert.equal(JSON.parse(text).accountId, sandbox.info.accountId);
    assert.ok(!text.includes(sandbox.info.controlToken), 'the info route does not hand the token out');
    const added = await sandboxControl(sandbox, 'faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'ram', action: 'GetRole', kind: 'throttle', count: 1 }),
    });
    assert.equal(added.status, 200);
    assert.equal(sandbox.faults.list().length, 1);
    assert.equal((await sandboxControl(sandbox, 'faults', { method: 'DELETE' })).status, 200);
    assert.deepEqual(sandbox.faults.list(), []);
  });
});

describe('foreign Origin and Host are refused', () => {
  const port = () => sandbox.info.port;
  /** Answers 200 with the role name to a plain loopback request. */
  const ROLE_LIST = `/imds/${DEMO.vpcInstanceId2}/latest/meta-data/ram/security-credentials/`;

  it("a web page's Origin is 403, on the control routes (even with the token) and on the services", async () => {
    for (const origin of ['http://evil.example', 'https://127.0.0.1.evil.example', 'null', 'vscode-webview://abc']) {
      assert.equal(
        (
          await send({
            method: 'POST',
            path: '/__sandbox/faults',
            headers: { ...token(), origin },
            body: '{"kind":"down"}',
          })
        ).status,
        403,
        origin,
      );
      assert.equal((await send({ path: ROLE_LIST, headers: { origin } })).status, 403, origin);
    }
    assert.equal((await send({ path: ROLE_LIST })).status, 200, 'the same request without an Origin');
    assert.deepEqual(sandbox.faults.list(), []);
  });

  it('browser fetch metadata of a page acting is 403 (an <img>, a navigation, a no-cors or cross-site fetch send no Origin)', async () => {
    const pageActing: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'no-cors' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    ];
    for (const headers of pageActing) {
      const r = await send({ path: ROLE_LIST, headers });
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.ok(!r.body.includes(DEMO.seededRole));
      assert.equal(
        (
          await send({
            method: 'POST',
            path: '/__sandbox/faults',
            headers: { ...token(), ...headers },
            body: '{"kind":"down"}',
          })
        ).status,
        403,
        JSON.stringify(headers),
      );
    }
    assert.deepEqual(sandbox.faults.list(), []);
    const userActing: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'cors' },
      {},
    ];
    for (const headers of userActing) {
      assert.equal((await send({ path: ROLE_LIST, headers })).status, 200, JSON.stringify(headers));
    }
    // A presigned URL the user opens in a browser (address bar: site none, a navigation) gets
    // through to OSS, which checks its signature; the same URL loaded by a page does not.
    const presigned = `/${DEMO.bucket}/README.md?OSSAccessKeyId=x&Expires=1&Signature=x`;
    const opened = await send({
      path: presigned,
      headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' },
    });
    assert.match(
      opened.body,
      /<Code>InvalidAccessKeyId<\/Code>/,
      'OSS itself answered (the made-up key), not the browser refusal',
    );
    const embedded = await send({
      path: presigned,
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    });
    assert.equal(embedded.status, 403);
  });

  it('a loopback Origin passes', async () => {
    for (const origin of [`http://127.0.0.1:${port()}`, 'http://localhost:3000', 'http://[::1]:8080']) {
      assert.equal((await send({ path: '/__sandbox/info', headers: { ...token(), origin } })).status, 200, origin);
    }
  });

  it('a rebinding Host is 403: IMDS credentials stay unreadable to it', async () => {
    for (const host of [
      `evil.example:${port()}`,
      'evil.example',
      `127.0.0.1.nip.io:${port()}`,
      `aliyuncs.com.evil.example:${port()}`,
      `localhost.evil.example:${port()}`,
    ]) {
      const r = await send({ path: ROLE_LIST, headers: { host } });
      assert.equal(r.status, 403, host);
      assert.ok(!r.body.includes(DEMO.seededRole), 'not even the role name');
    }
    assert.equal((await send({ path: ROLE_LIST })).status, 200, 'the same request on 127.0.0.1');
  });

  it('loopback names pass (the Alibaba Cloud names: next test, through ali-oss)', async () => {
    for (const host of [
      `127.0.0.1:${port()}`,
      `localhost:${port()}`,
      `[::1]:${port()}`,
      'localhost',
      `${DEMO.bucket}.localhost:${port()}`,
    ]) {
      const r = await send({ path: '/__sandbox/info', headers: { ...token(), host } });
      assert.equal(r.status, 200, host);
    }
  });

  it('the real SDKs still work: RPC on 127.0.0.1, ali-oss on a virtual-hosted bucket name', async () => {
    const cloud = createCloud({
      name: 't',
      regionId: 'cn-hangzhou',
      credentials: { mode: 'AK', accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret },
      endpoints: sandboxEndpoints(sandbox.info.endpoint),
    });
    const from = sandbox.requests.length;
    try {
      assert.ok((await cloud.ram.listRoles()).items.length > 0);
      const buckets = (await cloud.oss.listBuckets()).items;
      assert.ok(buckets.length > 0);
      const b = buckets[0];
      await cloud.oss.listObjects(b.name, b.region.replace(/^oss-/, ''), {});
      const hosts = sandbox.requests
        .slice(from)
        .filter((r) => r.service === 'oss')
        .map((r) => r.status);
      assert.ok(
        hosts.every((st) => st === 200),
        JSON.stringify(hosts),
      );
    } finally {
      cloud.dispose();
    }
  });
});

describe('request bodies are bounded', () => {
  it("an OSS PUT declaring more than the cap is 413 EntityTooLarge in OSS's XML, before anything is read", async () => {
    const r = await send({
      method: 'PUT',
      path: '/big.bin',
      headers: {
        host: `${DEMO.bucket}.oss-cn-hangzhou.aliyuncs.com:${sandbox.info.port}`,
        'content-length': String(OSS_BODY_LIMIT + 1),
      },
      body: Buffer.alloc(1024),
    });
    assert.equal(r.status, 413);
    assert.match(r.body, /<Code>EntityTooLarge<\/Code>/);
    assert.match(r.body, /exceeds the maximum allowed size/);
  });

  it("an RPC form body streamed past the cap is 413 in the gateway's JSON shape", async () => {
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const r = await send({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      chunks: Array.from({ length: Math.ceil(RPC_BODY_LIMIT / chunk.length) + 2 }, () => chunk),
    });
    assert.equal(r.status, 413);
    const body = JSON.parse(r.body) as { Code: string; RequestId: string };
    assert.equal(body.Code, 'I413RL');
    assert.ok(body.RequestId);
  });

  it('a body under the cap is read as before', async () => {
    const r = await send({
      method: 'POST',
      path: '/__sandbox/clock',
      headers: { ...token(), 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 0 }),
    });
    assert.equal(r.status, 200);
  });
});

describe('the request log is bounded', () => {
  it('keeps only the latest entries', async () => {
    const small = await startSandbox({ requestLogLimit: 5, instant: true });
    try {
      for (let i = 0; i < 8; i++) {
        await fetch(`${small.info.url}/latest/meta-data/${i % 2 ? 'instance-id' : 'region-id'}`);
      }
      assert.equal(small.requests.length, 5);
    } finally {
      await small.close();
    }
  });
});

describe('the state file', () => {
  it('is written mode 0600 through a temporary file of its own, and an older readable file is made private', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
    const file = path.join(dir, 'state.json');
    try {
      const first = await startSandbox({ statePath: file, instant: true });
      const cloud = createCloud({
        name: 't',
        regionId: 'cn-hangzhou',
        credentials: { mode: 'AK', accessKeyId: first.info.accessKeyId, accessKeySecret: first.info.accessKeySecret },
        endpoints: sandboxEndpoints(first.info.endpoint),
      });
      try {
        await cloud.ram.createRole('PersistedRole', formatPolicy(serviceTrustPolicy()));
      } finally {
        cloud.dispose();
        await first.close();
      }
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(fs.readdirSync(dir), ['state.json'], 'no temporary file left behind');

      fs.chmodSync(file, 0o644);
      const second = await startSandbox({ statePath: file, instant: true });
      try {
        assert.ok(second.state.roles.has('PersistedRole'), 'the state was loaded');
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the demo AccessKey secrets are nobody else's to know", () => {
  it("random per process: another process's demo secrets are not this one's", () => {
    const seed = path.join(__dirname, '../../../src/sandbox/seed/demo.ts');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { DEMO } = require(${JSON.stringify(seed)}); process.stdout.write(JSON.stringify([DEMO.accessKeySecret, DEMO.subAccessKeySecret]))`,
      ],
      { encoding: 'utf8' },
    );
    const [root, sub] = JSON.parse(r.stdout) as string[];
    assert.match(root, /^[A-Za-z0-9]{30}$/);
    assert.notEqual(root, DEMO.accessKeySecret);
    assert.notEqual(sub, DEMO.subAccessKeySecret);
    // An in-memory sandbox of this process hands out this process's.
    assert.equal(sandbox.info.accessKeySecret, DEMO.accessKeySecret);
    assert.deepEqual(sandbox.info.subAccount, {
      userName: DEMO.subUser,
      accessKeyId: DEMO.subAccessKeyId,
      accessKeySecret: DEMO.subAccessKeySecret,
    });
  });

  it('random per new state file, kept in the file: a restart signs with the same, another file with others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-secrets-'));
    try {
      const a = await startSandbox({ statePath: path.join(dir, 'a.json'), instant: true });
      const secretsA = [a.info.accessKeySecret, a.info.subAccount?.accessKeySecret];
      await a.close();
      const b = await startSandbox({ statePath: path.join(dir, 'b.json'), instant: true });
      const secretsB = [b.info.accessKeySecret, b.info.subAccount?.accessKeySecret];
      await b.close();
      assert.notDeepEqual(secretsA, secretsB);
      assert.ok(
        !secretsA.includes(DEMO.accessKeySecret) && !secretsA.includes(DEMO.subAccessKeySecret),
        'not the in-memory ones either',
      );
      // Restarted before any change: the file was written at start, so the same secrets sign.
      // A file from before, with the secret the docs once published, gets a new one.
      const published = `sbxRootSecretDoNotUse${'0'.repeat(9)}1`;
      const fileB = path.join(dir, 'b.json');
      fs.writeFileSync(fileB, fs.readFileSync(fileB, 'utf8').replace(secretsB[0]!, published));
      const old = await startSandbox({ statePath: fileB, instant: true });
      await old.close();
      assert.ok(![published, secretsB[0]].includes(old.info.accessKeySecret));
      assert.ok(!fs.readFileSync(fileB, 'utf8').includes(published), 'and the file no longer holds it');

      const again = await startSandbox({ statePath: path.join(dir, 'a.json'), instant: true });
      const cloud = createCloud({
        name: 't',
        regionId: 'cn-hangzhou',
        credentials: { mode: 'AK', accessKeyId: DEMO.accessKeyId, accessKeySecret: secretsA[0]! },
        endpoints: sandboxEndpoints(again.info.endpoint),
      });
      try {
        assert.deepEqual([again.info.accessKeySecret, again.info.subAccount?.accessKeySecret], secretsA);
        assert.ok((await cloud.ram.listRoles()).items.length > 0);
      } finally {
        cloud.dispose();
        await again.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
