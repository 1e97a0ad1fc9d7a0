/**
 * The sandbox's realistic OSS behaviours through the real ali-oss: RequestTimeTooSkewed against a
 * skewed sandbox clock (and ali-oss's amendTimeSkewed as the way out), `encoding-type=url` in
 * listings, Content-MD5 required on DeleteMultipleObjects, and `x-oss-hash-crc64ecma` on writes
 * and reads. Only 127.0.0.1 is contacted: the hostname endpoint goes through a pinned agent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OSS from 'ali-oss';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/server';
import { loopbackAgent } from '../../helpers/loopbackAgent';

const agent = loopbackAgent({ keepAlive: true });

type OssError = Error & { code?: string; status?: number; ecCode?: string };
const fails = (code: string, status: number) => (e: OssError) => {
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
  assert.equal(e.status, status);
  return true;
};

function sandboxWith(options: SandboxOptions) {
  const t = {} as { sandbox: Sandbox; client(extra?: Partial<OSS.Options> & { amendTimeSkewed?: number }): OSS };
  before(async () => {
    t.sandbox = await startSandbox({ instant: true, ...options });
    t.client = (extra = {}) =>
      new OSS({
        region: 'oss-cn-hangzhou',
        endpoint: `http://oss-cn-hangzhou.aliyuncs.com:${t.sandbox.info.port}`,
        bucket: DEMO.bucket,
        accessKeyId: DEMO.accessKeyId,
        accessKeySecret: DEMO.accessKeySecret,
        agent,
        ...extra,
      } as OSS.Options);
  });
  after(async () => {
    await t.sandbox.close();
  });
  return t;
}

/** A raw request through ali-oss's own signer, for what its high-level calls never send. */
type RawClient = {
  _objectRequestParams(method: string, name: string, options: object): Record<string, unknown>;
  request(
    params: Record<string, unknown>,
  ): Promise<{ res: { status: number; headers: Record<string, string> }; data?: unknown }>;
};

describe('clock: OSS refuses requests more than 15 minutes off its clock', () => {
  const SKEW = 20 * 60_000;
  const t = sandboxWith({ clockSkewMs: SKEW, realism: { ossRequestTime: true } });

  it('answers 403 RequestTimeTooSkewed with its ServerTime; a client that amends its clock gets through', async () => {
    let caught: (OssError & { serverTime?: string }) | undefined;
    await assert.rejects(t.client().get('README.md'), (e: OssError) => {
      caught = e;
      return fails('RequestTimeTooSkewed', 403)(e);
    });
    assert.equal(caught!.ecCode, '0002-00000504');
    // The Date header says where the sandbox clock is, which is how a client learns the skew.
    const res = await fetch(`${t.sandbox.info.url}/__sandbox/info`);
    const learned = Date.parse(res.headers.get('date')!) - Date.now();
    assert.ok(Math.abs(learned - SKEW) < 2000, `learned ${learned}`);
    const amended = await t.client({ amendTimeSkewed: learned }).get('README.md');
    assert.match(String(amended.content), /demo-data/);
  });

  it('V4 signatures are checked the same way', async () => {
    await assert.rejects(
      t.client({ authorizationV4: true } as Partial<OSS.Options>).get('README.md'),
      fails('RequestTimeTooSkewed', 403),
    );
  });

  it('within 15 minutes, and with the check off, requests pass', async () => {
    t.sandbox.setClockSkew(10 * 60_000);
    await t.client().get('README.md');
    t.sandbox.setClockSkew(SKEW);
    t.sandbox.setRealism({ ossRequestTime: false });
    try {
      await t.client().get('README.md');
    } finally {
      t.sandbox.setRealism({ ossRequestTime: true });
    }
  });
});

describe('encoding-type=url in listings', () => {
  const t = sandboxWith({});
  const keys = ['enc/a b+c%d.txt', 'enc/plus+dir/x.txt', 'enc/\u0001ctl.txt'];

  before(async () => {
    for (const k of keys) {
      await t.client().put(k, Buffer.from(k));
    }
  });

  it('ListObjectsV2 url-encodes keys, prefixes and the delimiter, and says so in EncodingType', async () => {
    const c = t.client();
    const r = await c.listV2({ prefix: 'enc/', delimiter: '/', 'encoding-type': 'url' } as OSS.ListV2ObjectsQuery, {});
    const names = (r.objects ?? []).map((o) => o.name);
    assert.deepEqual(names, ['enc%2F%01ctl.txt', 'enc%2Fa%20b%2Bc%25d.txt']);
    assert.deepEqual(r.prefixes, ['enc%2Fplus%2Bdir%2F']);
    // Decoding the way the Go SDK does (QueryUnescape: '+' is a space) gives the keys back.
    const queryUnescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    assert.deepEqual(names.map(queryUnescape), ['enc/\u0001ctl.txt', 'enc/a b+c%d.txt']);
    const xml = String((r as unknown as { res: { data: Buffer } }).res.data);
    assert.match(xml, /<EncodingType>url<\/EncodingType>/);
    assert.match(xml, /<Prefix>enc%2F<\/Prefix>/);
  });

  it('ListObjects (v1) encodes Marker and NextMarker too; without encoding-type keys come back raw', async () => {
    const c = t.client();
    const page = await c.list(
      { prefix: 'enc/', 'max-keys': 1, marker: 'enc/\u0001ctl.txt', 'encoding-type': 'url' } as OSS.ListObjectsQuery,
      {},
    );
    assert.deepEqual(
      page.objects.map((o) => o.name),
      ['enc%2Fa%20b%2Bc%25d.txt'],
    );
    assert.equal(page.nextMarker, 'enc%2Fa%20b%2Bc%25d.txt');
    const raw = await c.list({ prefix: 'enc/a' } as OSS.ListObjectsQuery, {});
    assert.deepEqual(
      raw.objects.map((o) => o.name),
      ['enc/a b+c%d.txt'],
    );
    await assert.rejects(
      c.list({ 'encoding-type': 'base64' } as unknown as OSS.ListObjectsQuery, {}),
      fails('InvalidArgument', 400),
    );
  });
});

describe('DeleteMultipleObjects requires Content-MD5', () => {
  const t = sandboxWith({ realism: { ossContentMd5: true } });

  function deleteWithoutMd5(c: OSS, key: string) {
    const raw = c as unknown as RawClient;
    const params = raw._objectRequestParams('POST', '', { subres: { delete: '' } });
    return raw.request({
      ...params,
      mime: 'xml',
      disabledMD5: true,
      successStatuses: [200],
      xmlResponse: true,
      content: `<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet><Object><Key>${key}</Key></Object></Delete>`,
    });
  }

  it('refuses a batch delete without Content-MD5 (InvalidDigest, EC 0016-00000606); ali-oss sends it and passes', async () => {
    const c = t.client();
    await c.put('md5/one.txt', Buffer.from('1'));
    await assert.rejects(
      deleteWithoutMd5(c, 'md5/one.txt'),
      (e: OssError) => fails('InvalidDigest', 400)(e) && e.ecCode === '0016-00000606',
    );
    await c.head('md5/one.txt');
    const r = await c.deleteMulti(['md5/one.txt']);
    assert.deepEqual(
      (r.deleted ?? []).map((d) => (d as { Key?: string }).Key ?? d),
      ['md5/one.txt'],
    );
  });

  it('with the check off, the same request is accepted', async () => {
    t.sandbox.setRealism({ ossContentMd5: false });
    try {
      const c = t.client();
      await c.put('md5/two.txt', Buffer.from('2'));
      assert.equal((await deleteWithoutMd5(c, 'md5/two.txt')).res.status, 200);
    } finally {
      t.sandbox.setRealism({ ossContentMd5: true });
    }
  });
});

describe('x-oss-hash-crc64ecma', () => {
  const t = sandboxWith({});
  // CRC-64/XZ check value of "123456789" (the catalogue value 0x995DC9BBDF1939FA).
  const CHECK = '11051210869376104954';

  it('is sent on PutObject, GetObject (also ranged) and HeadObject, as CRC-64/ECMA in decimal', async () => {
    const c = t.client();
    const put = await c.put('crc/check.txt', Buffer.from('123456789'));
    assert.equal((put.res.headers as Record<string, string>)['x-oss-hash-crc64ecma'], CHECK);
    const get = await c.get('crc/check.txt');
    assert.equal((get.res.headers as Record<string, string>)['x-oss-hash-crc64ecma'], CHECK);
    const head = await c.head('crc/check.txt');
    assert.equal((head.res.headers as Record<string, string>)['x-oss-hash-crc64ecma'], CHECK);
    const ranged = await c.get('crc/check.txt', { headers: { Range: 'bytes=0-3' } });
    assert.equal((ranged.res.headers as Record<string, string>)['x-oss-hash-crc64ecma'], CHECK);
    const empty = await c.put('crc/empty.txt', Buffer.alloc(0));
    assert.equal((empty.res.headers as Record<string, string>)['x-oss-hash-crc64ecma'], '0');
  });
});
