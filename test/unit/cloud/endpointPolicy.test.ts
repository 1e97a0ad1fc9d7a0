// What an endpoint may be before anything is sent to it (src/cloud/endpointPolicy.ts), the region-id
// shape at the host-name boundary, and the manifest side: the settings that choose endpoints are
// machine-scoped, restricted in untrusted workspaces, and read only through src/ui/trustedSettings.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  checkEndpointUrl,
  clampNumber,
  isAlibabaCloudHost,
  isLoopbackHost,
  PRESIGN_MAX_SECONDS,
  vetEndpointOverrides,
} from '../../../src/cloud/endpointPolicy';
import {
  assertRegionId,
  ecsEndpoint,
  isRegionId,
  ossEndpoint,
  sandboxEndpoints,
  type ProfileConfig,
} from '../../../src/cloud/profile';

const root = path.join(__dirname, '../../..');

describe('region ids', () => {
  test('the documented shapes pass', () => {
    for (const r of [
      'cn-hangzhou',
      'cn-shanghai-finance-1',
      'ap-southeast-1',
      'cn-zhengzhou-jva',
      'us-east-1',
      'eu-central-1',
      'cn-hongkong',
      'me-east-1',
      'cn-north-2-gov-1',
    ]) {
      assert.ok(isRegionId(r), r);
    }
  });
  test('anything that could change a host name is refused', () => {
    for (const r of [
      '',
      'cn',
      'CN-hangzhou',
      'cn-hangzhou.evil.com',
      'evil.com#',
      'cn-hangzhou:8080',
      'cn-hangzhou/x',
      'cn-hangzhou ',
      '-cn-hangzhou',
      'cn--x',
      'cn-hangzhou@evil',
      `cn-${'a'.repeat(80)}`,
      42,
      undefined,
    ]) {
      assert.equal(isRegionId(r), false, String(r));
    }
    assert.throws(() => assertRegionId('x.evil.com#'), { code: 'InvalidRegionId' });
  });
  test('endpoint builders refuse a bad region before making a host of it', () => {
    const p: ProfileConfig = {
      name: 'p',
      regionId: 'cn-hangzhou',
      credentials: { mode: 'EcsRamRole' },
      endpoints: { ecs: 'ecs.{region}.aliyuncs.com' },
    };
    assert.equal(ecsEndpoint(p, 'cn-beijing'), 'ecs.cn-beijing.aliyuncs.com');
    assert.equal(ossEndpoint(p, 'cn-beijing'), 'https://oss-cn-beijing.aliyuncs.com');
    assert.throws(() => ecsEndpoint(p, 'evil.com#'), { code: 'InvalidRegionId' });
    assert.throws(() => ossEndpoint(p, 'evil.com/x'), { code: 'InvalidRegionId' });
  });
});

describe('endpoint URLs', () => {
  test('https anywhere; http only to loopback, and to the metadata address for the metadata URL', () => {
    assert.deepEqual(checkEndpointUrl('https://oss-cn-hangzhou.aliyuncs.com'), {
      ok: true,
      host: 'oss-cn-hangzhou.aliyuncs.com',
      loopback: false,
      needsTrust: false,
    });
    assert.equal(checkEndpointUrl('http://127.0.0.1:9000').ok, true);
    assert.equal(checkEndpointUrl('http://[::1]:9000').ok, true);
    assert.equal(checkEndpointUrl('http://localhost:9000').ok, true);
    assert.equal(checkEndpointUrl('http://oss-cn-hangzhou.aliyuncs.com').ok, false);
    assert.equal(checkEndpointUrl('http://capture.example.com').ok, false);
    assert.equal(checkEndpointUrl('http://100.100.100.200', { field: 'metadata' }).ok, true);
    assert.equal(checkEndpointUrl('http://100.100.100.200', { field: 'oss' }).ok, false);
    assert.equal(checkEndpointUrl('ram.aliyuncs.com', { kind: 'host' }).ok, true);
    assert.equal(checkEndpointUrl('127.0.0.1:8080', { kind: 'host', protocol: 'http' }).ok, true);
    assert.equal(checkEndpointUrl('evil.example.com:80', { kind: 'host', protocol: 'http' }).ok, false);
  });
  test('disguises are refused: user info, query, fragment, paths in a host, other schemes', () => {
    for (const [v, kind] of [
      ['https://oss-cn-hangzhou.aliyuncs.com@evil.example.com', 'url'],
      ['https://user:pw@oss.aliyuncs.com', 'url'],
      ['https://oss.aliyuncs.com?x=1', 'url'],
      ['https://oss.aliyuncs.com#x', 'url'],
      ['ftp://oss.aliyuncs.com', 'url'],
      ['file:///etc/passwd', 'url'],
      ['not a url', 'url'],
      ['ram.aliyuncs.com/evil', 'host'],
      ['evil.com@ram.aliyuncs.com', 'host'],
      ['https://ram.aliyuncs.com', 'host'],
      ['', 'host'],
    ] as const) {
      assert.equal(checkEndpointUrl(v, { kind }).ok, false, v);
    }
  });
  test('hosts outside *.aliyuncs.com and loopback need trust; the template is what is trusted', () => {
    assert.equal((checkEndpointUrl('https://oss.example.com') as { needsTrust: boolean }).needsTrust, true);
    assert.equal((checkEndpointUrl('https://aliyuncs.com.evil.example') as { needsTrust: boolean }).needsTrust, true);
    assert.equal((checkEndpointUrl('https://evilaliyuncs.com') as { needsTrust: boolean }).needsTrust, true);
    assert.equal((checkEndpointUrl('https://oss-{region}.aliyuncs.com') as { needsTrust: boolean }).needsTrust, false);
    assert.deepEqual(checkEndpointUrl('https://{region}.proxy.example.com'), {
      ok: true,
      host: '{region}.proxy.example.com',
      loopback: false,
      needsTrust: true,
    });
    assert.ok(isAlibabaCloudHost('ECS.cn-hangzhou.ALIYUNCS.com'));
    assert.ok(
      isLoopbackHost('127.0.0.5') &&
        isLoopbackHost('[::1]') &&
        !isLoopbackHost('128.0.0.1') &&
        !isLoopbackHost('localhost.evil.com'),
    );
  });
});

describe("vetting a profile's overrides", () => {
  test('the sandbox form is accepted as is (http to loopback, OSS names pinned to loopback)', () => {
    const e = sandboxEndpoints('127.0.0.1:4567');
    const v = vetEndpointOverrides(e);
    assert.deepEqual(v.problems, []);
    assert.deepEqual(v.untrustedHosts, []);
    assert.deepEqual(v.endpoints, e);
  });
  test('invalid entries are dropped, each with a reason; the rest is kept', () => {
    const v = vetEndpointOverrides({
      ram: 'ram.aliyuncs.com',
      sts: 'sts.evil.example.com/x',
      oss: 'http://oss.evil.example.com',
      metadata: 'http://203.0.113.7',
      ecsByRegion: { 'evil.com#': 'ecs.aliyuncs.com', 'cn-beijing': 'ecs.cn-beijing.aliyuncs.com' },
      ossResolveTo: '203.0.113.7',
    });
    assert.deepEqual(v.endpoints, {
      ram: 'ram.aliyuncs.com',
      ecsByRegion: { 'cn-beijing': 'ecs.cn-beijing.aliyuncs.com' },
    });
    assert.deepEqual(v.problems.map((p) => p.field).sort(), ['ecsByRegion', 'metadata', 'oss', 'ossResolveTo', 'sts']);
  });
  test('protocol "http" is kept only when every service is overridden (it would downgrade the defaults)', () => {
    const v = vetEndpointOverrides({ protocol: 'http', ram: '127.0.0.1:1' });
    assert.equal(v.endpoints.protocol, undefined);
    assert.ok(v.problems.some((p) => p.field === 'protocol'));
    assert.equal(
      vetEndpointOverrides({ protocol: 'http', ram: 'ram.aliyuncs.com' }).endpoints.ram,
      undefined,
      'http to a non-loopback host is refused',
    );
  });
  test('an http OSS endpoint pinned to loopback must use a host name (an IP is not pinned)', () => {
    assert.equal(
      vetEndpointOverrides({ oss: 'http://203.0.113.7:80', ossResolveTo: '127.0.0.1' }).endpoints.oss,
      undefined,
    );
  });
  test('untrusted hosts are listed once; refused ones are dropped with a reason', () => {
    const raw = { ram: 'api.example.com', sts: 'api.example.com', oss: 'https://oss.example.com' };
    const first = vetEndpointOverrides(raw);
    assert.deepEqual(first.untrustedHosts.sort(), ['api.example.com', 'oss.example.com']);
    const second = vetEndpointOverrides(raw, new Set(['api.example.com']));
    assert.deepEqual(second.endpoints, { oss: 'https://oss.example.com' });
    assert.deepEqual(
      second.problems.map((p) => p.field),
      ['ram', 'sts'],
    );
    assert.match(second.problems[0].reason, /api\.example\.com is not confirmed/);
  });
  test('non-objects are refused whole', () => {
    assert.deepEqual(vetEndpointOverrides('https://evil.example.com').endpoints, {});
    assert.deepEqual(vetEndpointOverrides(['x']).endpoints, {});
  });
});

describe('limits', () => {
  test('clampNumber', () => {
    assert.equal(clampNumber(10 ** 9, 60, PRESIGN_MAX_SECONDS, 3600), 604_800);
    assert.equal(clampNumber(-5, 60, PRESIGN_MAX_SECONDS, 3600), 60);
    assert.equal(clampNumber('9999', 60, PRESIGN_MAX_SECONDS, 3600), 3600);
    assert.equal(clampNumber(Number.NaN, 1, 100, 10), 10);
  });
});

describe('the manifest and the code agree on trusted settings', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const reader = fs.readFileSync(path.join(root, 'src', 'ui', 'trustedSettings.ts'), 'utf8');
  const keys = [.../TRUSTED_KEYS = \[([^\]]+)\]/.exec(reader)![1].matchAll(/'([\w.]+)'/g)].map(
    (m) => `alibabaCloud.${m[1]}`,
  );

  test('every endpoint and metadata setting is machine-scoped and restricted in untrusted workspaces', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { scope?: string; maximum?: number }>;
    const choosing = Object.keys(props).filter((k) => /endpoint|metadata/i.test(k));
    assert.deepEqual(
      choosing.sort(),
      keys.filter((k) => /endpoint|metadata/i.test(k)).sort(),
      'TRUSTED_KEYS covers every endpoint/metadata setting',
    );
    for (const k of keys) {
      assert.equal(props[k]?.scope, 'machine', k);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [...keys].sort());
    assert.ok('virtualWorkspaces' in pkg.capabilities);
    assert.equal(props['alibabaCloud.oss.presignExpirySeconds'].maximum, PRESIGN_MAX_SECONDS);
    assert.ok(props['alibabaCloud.oss.maxOpenSizeMB'].maximum);
  });

  test('no code reads a trusted setting except through the trusted reader', () => {
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(path.join(root, 'src')).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('trustedSettings.ts'),
    )) {
      const text = fs.readFileSync(file, 'utf8');
      if (!/getConfiguration\(/.test(text)) {
        continue;
      }
      for (const k of keys) {
        const leaf = k.split('.').pop()!;
        if (new RegExp(`get(?:<[^>]*>)?\\(\\s*'(?:[\\w.]*\\.)?${leaf}'`).test(text)) {
          offenders.push(`${path.relative(root, file)}: ${k}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});
