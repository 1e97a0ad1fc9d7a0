// "Diagnose Instance Credentials" over real HTTP against the sandbox: every check on a healthy
// instance, the failing step named for no role / unreachable / refused token, and a report that
// never contains the AccessKeySecret, the SecurityToken or the full AccessKeyId.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ImdsClient } from '../../src/cloud/imds';
import {
  buildDiagnosticsReport,
  runInstanceDiagnostics,
  type DiagnosticsResult,
} from '../../src/cloud/instanceDiagnostics';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const statusOf = (r: DiagnosticsResult) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

describe('instance diagnostics', () => {
  test('a healthy instance: every check passes, and the report holds no secret', async () => {
    const imdsUrl = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
    const run = () =>
      runInstanceDiagnostics({
        imdsUrl,
        endpointSource: 'setting',
        sandboxUrl: t.sandbox.info.url,
        environment: { 'Extension host': 'remote (ssh-remote)' },
      });
    let result = await run();
    // A cold first request on a loaded machine can exceed the 1 s metadata timeout: once more, warm.
    if (result.overall !== 'ok') {
      console.log(`# first diagnostics run: ${JSON.stringify(statusOf(result))}; retrying`);
      result = await run();
    }
    assert.deepEqual(statusOf(result), {
      endpoint: 'ok',
      token: 'ok',
      identity: 'ok',
      role: 'ok',
      credentials: 'ok',
      hardened: 'ok',
      expiry: 'ok',
      clock: 'ok',
      sts: 'ok',
      oss: 'ok',
    });
    assert.equal(result.overall, 'ok');
    assert.equal(result.roleName, DEMO.seededRole);
    assert.equal(result.usedInsecureFallback, false);

    // The credentials the instance serves right now (the same session the diagnostics saw).
    const creds = await new ImdsClient({ baseUrl: imdsUrl }).getCredentials(DEMO.seededRole);
    const report = buildDiagnosticsReport(result);
    assert.ok(!report.includes(creds.accessKeySecret), 'no AccessKeySecret');
    assert.ok(!report.includes(creds.securityToken), 'no SecurityToken');
    assert.ok(!report.includes(creds.accessKeyId), 'no full AccessKeyId');
    assert.ok(report.includes(`STS.****${creds.accessKeyId.slice(-4)}`), 'the masked AccessKeyId');
    assert.match(report, /^# Instance credentials diagnostics/);
    assert.match(report, new RegExp(`\\| Role discovery \\| ✅ ok \\| Role ${DEMO.seededRole} is attached\\.`));
    assert.match(report, /STS GetCallerIdentity \| ✅ ok \| acs:ram::\d+:assumed-role\/DemoEcsOssReader\//);
    assert.match(report, /- Extension host: remote \(ssh-remote\)/);
    // One time format with its zone (cloud/timeFormat), never ISO UTC next to local times.
    assert.doesNotMatch(report, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no ISO time in the report');
    const zoned = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d UTC([+-]\d+(:\d\d)?)?`;
    assert.match(report, new RegExp(`Generated ${zoned}`));
    assert.match(report, new RegExp(`- Expiration: ${zoned}\n`));
    assert.match(report, new RegExp(`Expiration ${zoned}; LastUpdated ${zoned}`));
    // Nothing in the structured result either (it is what the command logs).
    const json = JSON.stringify(result);
    assert.ok(
      !json.includes(creds.accessKeySecret) && !json.includes(creds.securityToken) && !json.includes(creds.accessKeyId),
    );
  });

  test('no role: role discovery fails with the fix; later steps are skipped', async () => {
    const result = await runInstanceDiagnostics({
      imdsUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId),
      sandboxUrl: t.sandbox.info.url,
    });
    const s = statusOf(result);
    assert.equal(s.token, 'ok');
    assert.equal(s.identity, 'ok');
    assert.equal(s.role, 'fail');
    assert.equal(s.credentials, 'skip');
    assert.equal(s.sts, 'skip');
    assert.equal(result.overall, 'fail');
    const report = buildDiagnosticsReport(result);
    assert.match(report, /## What to do/);
    assert.match(report, /Attach RAM Role to Instance/);
    assert.match(report, new RegExp(DEMO.vpcInstanceId));
  });

  test('unreachable: the token step fails fast and says why; nothing else is attempted', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const started = performance.now();
    const result = await runInstanceDiagnostics({ imdsUrl: `http://127.0.0.1:${port}` });
    assert.ok(performance.now() - started < 1500);
    assert.equal(statusOf(result).token, 'fail');
    assert.deepEqual(
      result.checks.filter((c) => c.status === 'skip').map((c) => c.id),
      ['identity', 'role', 'credentials'],
    );
    assert.match(buildDiagnosticsReport(result), /could not be reached/);
  });

  test('token refused with fallback allowed: a warning, the fallback reported, reads still work on a tokens-optional instance', async () => {
    t.sandbox.faults.add({ service: 'imds', action: 'GetToken', kind: 'error5xx', status: 503 });
    try {
      const result = await runInstanceDiagnostics({
        imdsUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2),
        allowInsecureFallback: true,
        sandboxUrl: t.sandbox.info.url,
      });
      const s = statusOf(result);
      assert.equal(s.token, 'warn');
      assert.equal(s.hardened, 'warn');
      assert.equal(s.credentials, 'ok');
      assert.equal(result.usedInsecureFallback, true);
      assert.equal(result.overall, 'warn');
      assert.match(buildDiagnosticsReport(result), /Token-less fallback used: yes/);
    } finally {
      t.sandbox.faults.clear();
    }
  });

  test('expired credentials by the local clock are a failure that points at the clock', async () => {
    const imdsUrl = t.sandbox.info.imdsUrl(DEMO.vpcInstanceId2);
    const result = await runInstanceDiagnostics({
      imdsUrl,
      sandboxUrl: t.sandbox.info.url,
      now: () => Date.now() + 7 * 3600_000,
    });
    const expiry = result.checks.find((c) => c.id === 'expiry')!;
    assert.equal(expiry.status, 'fail');
    assert.match(expiry.fix ?? '', /clock/);
  });
});
