/**
 * The sandbox OSS driven by the real ali-oss over HTTP: every addressing mode ali-oss has, V1 and
 * V4 signatures, presigned URLs, listing and paging, object and multipart operations, the error
 * codes real OSS answers with, STS credentials from IMDS, and RAM authorization.
 * Only 127.0.0.1 is ever contacted: hostname endpoints go through an agent pinned to loopback.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import OSS from 'ali-oss';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { loopbackAgent } from '../../helpers/loopbackAgent';

let sandbox: Sandbox;
let port: number;

/** Resolves every hostname to 127.0.0.1 (test/helpers/loopbackAgent.ts). */
const agent = loopbackAgent({ keepAlive: true });

type ClientOptions = Partial<OSS.Options> & { authorizationV4?: boolean; sldEnable?: boolean };

function client(options: ClientOptions = {}): OSS {
  return new OSS({
    region: 'oss-cn-hangzhou',
    endpoint: `http://oss-cn-hangzhou.aliyuncs.com:${port}`,
    bucket: DEMO.bucket,
    accessKeyId: DEMO.accessKeyId,
    accessKeySecret: DEMO.accessKeySecret,
    agent,
    ...options,
  } as OSS.Options);
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** GET through the pinned agent, like a browser following a presigned URL. */
function fetchUrl(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
      })
      .on('error', reject);
  });
}

type OssError = Error & { code?: string; status?: number; ecCode?: string; requestId?: string };
/** What ali-oss 6.23 really returns where @types/ali-oss 6.23.3 is wrong or silent. */
interface BucketList {
  buckets: Array<{ name: string; region: string }> | null;
  owner: { id: string };
  isTruncated: boolean;
  nextMarker: string | null;
}
const listBuckets = async (c: OSS, query: Record<string, string | number> = {}) =>
  (await c.listBuckets(query as OSS.ListBucketsQueryType)) as unknown as BucketList;
type ObjectMetaClient = { getObjectMeta(name: string): Promise<{ res: { headers: Record<string, string> } }> };
const noQuery = {} as OSS.ListPartsQuery;

const fails = (code: string, status?: number, message?: RegExp) => (e: OssError) => {
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
  if (status !== undefined) {
    assert.equal(e.status, status);
  }
  if (message) {
    assert.match(e.message, message);
  }
  return true;
};

before(async () => {
  sandbox = await startSandbox({ instant: true });
  port = sandbox.info.port;
});

after(async () => {
  await sandbox.close();
  agent.destroy();
});

beforeEach(() => {
  sandbox.faults.clear();
});

describe('service and bucket operations', () => {
  it('ListBuckets returns the seeded buckets with owner and regions, and pages with marker', async () => {
    const all = await listBuckets(client());
    assert.deepEqual(
      all.buckets?.map((b) => b.name),
      [DEMO.bucket, DEMO.bigBucket, DEMO.shanghaiBucket],
    );
    assert.equal(all.buckets?.find((b) => b.name === DEMO.shanghaiBucket)?.region, 'oss-cn-shanghai');
    assert.equal(all.owner.id, DEMO.accountId);
    const first = await listBuckets(client(), { 'max-keys': 2 });
    assert.equal(first.isTruncated, true);
    assert.equal(first.nextMarker, DEMO.bigBucket);
    const rest = await listBuckets(client(), { marker: first.nextMarker!, 'max-keys': 2 });
    assert.deepEqual(
      rest.buckets?.map((b) => b.name),
      [DEMO.shanghaiBucket],
    );
    assert.equal(rest.isTruncated, false);
    const filtered = await listBuckets(client(), { prefix: 'demo-s' });
    assert.deepEqual(
      filtered.buckets?.map((b) => b.name),
      [DEMO.shanghaiBucket],
    );
  });

  it('GetBucketInfo and GetBucketLocation', async () => {
    const info = await client().getBucketInfo(DEMO.bucket);
    assert.equal(info.bucket.Name, DEMO.bucket);
    assert.equal(info.bucket.Location, 'oss-cn-hangzhou');
    assert.equal(info.bucket.IntranetEndpoint, 'oss-cn-hangzhou-internal.aliyuncs.com');
    // GetBucketLocation answers from any region's endpoint; that is how clients find the right one.
    const loc = await client().getBucketLocation(DEMO.shanghaiBucket);
    assert.equal(loc.location, 'oss-cn-shanghai');
  });

  it("a bucket addressed through another region's endpoint → AccessDenied naming the right endpoint", async () => {
    await assert.rejects(
      client({ bucket: DEMO.shanghaiBucket }).listV2({}, {}),
      fails('AccessDenied', 403, /must be addressed using the specified endpoint/),
    );
    const sh = client({
      region: 'oss-cn-shanghai',
      endpoint: `http://oss-cn-shanghai.aliyuncs.com:${port}`,
      bucket: DEMO.shanghaiBucket,
    });
    assert.deepEqual(
      (await sh.listV2({}, {})).objects.map((o) => o.name),
      ['2026/02/01/access.log'],
    );
  });

  it('NoSuchBucket carries the EC and request id', async () => {
    await assert.rejects(client({ bucket: 'no-such-bucket-here' }).listV2({}, {}), (e: OssError) => {
      fails('NoSuchBucket', 404)(e);
      assert.equal(e.ecCode, '0015-00000101');
      assert.match(e.requestId ?? '', /^[0-9A-F]{24}$/);
      return true;
    });
  });
});

describe('listing', () => {
  it('ListObjectsV2 with delimiter rolls keys up into folders', async () => {
    const r = await client().listV2({ delimiter: '/' }, {});
    assert.deepEqual(
      r.objects.map((o) => o.name),
      ['README.md'],
    );
    assert.deepEqual(r.prefixes, ['config/', 'data/', 'images/', 'logs/', 'reports/']);
    assert.equal(r.keyCount, 6);
    const nested = await client().listV2({ prefix: 'logs/', delimiter: '/' }, {});
    assert.deepEqual(nested.prefixes, ['logs/2026/']);
    const o = (await client().listV2({ prefix: 'reports/', 'fetch-owner': true } as OSS.ListV2ObjectsQuery, {}))
      .objects[0];
    assert.equal(o.name, 'reports/q1.csv');
    assert.match(o.etag, /^"[0-9A-F]{32}"$/);
    assert.equal(o.type, 'Normal');
    assert.equal(o.owner?.id, DEMO.accountId);
  });

  it('ListObjectsV2 pages through 1,200 keys with continuation tokens (default page 100, max 1000)', async () => {
    const c = client({ bucket: DEMO.bigBucket });
    const firstDefault = await c.listV2({}, {});
    assert.equal(firstDefault.objects.length, 100);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await c.listV2({ 'max-keys': '500', ...(token ? { 'continuation-token': token } : {}) }, {});
      names.push(...r.objects.map((o) => o.name));
      assert.equal(r.keyCount, r.objects.length);
      token = r.isTruncated ? r.nextContinuationToken : undefined;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.equal(names.length, DEMO.bigBucketKeys);
    assert.equal(new Set(names).size, DEMO.bigBucketKeys);
    assert.deepEqual(names, [...names].sort());
    await assert.rejects(c.listV2({ 'max-keys': '1001' }, {}), fails('InvalidArgument', 400));
    await assert.rejects(c.listV2({ 'continuation-token': 'bm90LWEtdG9rZW4=' }, {}), fails('InvalidArgument', 400));
  });

  it('start-after and a page that ends on a common prefix', async () => {
    const c = client();
    const after = await c.listV2({ 'start-after': 'reports/q1.csv' }, {});
    assert.deepEqual(
      after.objects.map((o) => o.name),
      ['reports/q2.csv'],
    );
    const page1 = await c.listV2({ delimiter: '/', 'max-keys': '2' }, {});
    // Keys sort by code unit: 'README.md' < 'config/'. Keys and prefixes both count toward max-keys.
    assert.deepEqual([page1.objects.map((o) => o.name), page1.prefixes], [['README.md'], ['config/']]);
    const page2 = await c.listV2(
      { delimiter: '/', 'max-keys': '2', 'continuation-token': page1.nextContinuationToken! },
      {},
    );
    assert.deepEqual([page2.objects, page2.prefixes], [[], ['data/', 'images/']]);
  });

  it('ListObjects (V1) pages with marker/NextMarker', async () => {
    const c = client({ bucket: DEMO.bigBucket });
    const p1 = await c.list({ prefix: 'items/item-0000', 'max-keys': 5 }, {});
    assert.deepEqual(
      p1.objects.map((o) => o.name),
      [
        'items/item-00000.json',
        'items/item-00001.json',
        'items/item-00002.json',
        'items/item-00003.json',
        'items/item-00004.json',
      ],
    );
    assert.equal(p1.isTruncated, true);
    const p2 = await c.list({ prefix: 'items/item-0000', marker: p1.nextMarker!, 'max-keys': 5 }, {});
    assert.deepEqual(
      p2.objects.map((o) => o.name),
      [
        'items/item-00005.json',
        'items/item-00006.json',
        'items/item-00007.json',
        'items/item-00008.json',
        'items/item-00009.json',
      ],
    );
    assert.equal(p2.isTruncated, false);
    assert.equal(p2.objects[0].owner?.id, DEMO.accountId);
  });
});

describe('objects', () => {
  it('PutObject with metadata, GetObject, HeadObject, GetObjectMeta', async () => {
    const c = client();
    const key = 'tests/hello world+1.txt';
    const put = await c.put(key, Buffer.from('hello, sandbox'), {
      meta: { owner: 'tests' } as unknown as OSS.UserMeta,
      mime: 'text/plain',
    });
    assert.equal(put.res.status, 200);
    const got = await c.get(key);
    assert.equal(got.content.toString(), 'hello, sandbox');
    assert.equal(got.res.headers['content-type' as keyof typeof got.res.headers], 'text/plain');
    const head = await c.head(key);
    assert.deepEqual(head.meta, { owner: 'tests' });
    const meta = await (c as unknown as ObjectMetaClient).getObjectMeta(key);
    assert.equal(meta.res.headers['content-length'], '14');
  });

  it('Range GET → 206 with Content-Range; an unsatisfiable range serves everything unless standard behaviour is asked', async () => {
    const c = client();
    const r = await c.get('README.md', { headers: { Range: 'bytes=2-5' } });
    assert.equal(r.res.status, 206);
    assert.equal(r.content.toString(), 'demo');
    assert.match(String(r.res.headers['content-range' as keyof typeof r.res.headers]), /^bytes 2-5\/\d+$/);
    const tail = await c.get('README.md', { headers: { Range: 'bytes=-4' } });
    assert.equal(tail.content.toString(), 'hrough.\n'.slice(-4));
    const ignored = await c.get('README.md', { headers: { Range: 'bytes=9999-' } });
    assert.equal(ignored.res.status, 200);
    await assert.rejects(
      c.get('README.md', { headers: { Range: 'bytes=9999-', 'x-oss-range-behavior': 'standard' } }),
      fails('InvalidRange', 416),
    );
  });

  it('x-oss-forbid-overwrite refuses to replace an existing object', async () => {
    const c = client();
    await c.put('tests/once.txt', Buffer.from('1'));
    await assert.rejects(
      c.put('tests/once.txt', Buffer.from('2'), { headers: { 'x-oss-forbid-overwrite': 'true' } }),
      fails('FileAlreadyExists', 409),
    );
    assert.equal((await c.get('tests/once.txt')).content.toString(), '1');
  });

  it('a wrong Content-MD5 → InvalidDigest', async () => {
    await assert.rejects(
      client().put('tests/md5.txt', Buffer.from('abc'), { headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' } }),
      fails('InvalidDigest', 400),
    );
  });

  it('CopyObject copies data and metadata; REPLACE swaps the metadata', async () => {
    const c = client();
    await c.put('tests/src.json', Buffer.from('{"a":1}'), { meta: { kind: 'src' } as unknown as OSS.UserMeta });
    const copied = await c.copy('tests/dst.json', 'tests/src.json');
    assert.match(copied.data?.etag ?? '', /^"[0-9A-F]{32}"$/);
    assert.equal((await c.get('tests/dst.json')).content.toString(), '{"a":1}');
    assert.deepEqual((await c.head('tests/dst.json')).meta, { kind: 'src' });
    await c.copy('tests/dst2.json', 'tests/src.json', { meta: { kind: 'replaced' } as unknown as OSS.UserMeta });
    assert.deepEqual((await c.head('tests/dst2.json')).meta, { kind: 'replaced' });
    await c.copy('tests/from-other-bucket.json', `/${DEMO.bigBucket}/items/item-00007.json`);
    assert.equal((await c.get('tests/from-other-bucket.json')).content.toString(), '{"id":7}\n');
    await assert.rejects(c.copy('tests/x', 'tests/missing.json'), fails('NoSuchKey', 404));
  });

  it('DeleteObject, then GetObject → NoSuchKey and HeadObject → 404', async () => {
    const c = client();
    await c.put('tests/gone.txt', Buffer.from('x'));
    const del = await c.delete('tests/gone.txt');
    assert.equal(del.res.status, 204);
    await assert.rejects(c.get('tests/gone.txt'), (e: OssError) => {
      fails('NoSuchKey', 404)(e);
      assert.equal(e.ecCode, '0026-00000001');
      return true;
    });
    await assert.rejects(c.head('tests/gone.txt'), fails('NoSuchKey', 404));
    // Deleting what is not there is still a success, as on OSS.
    assert.equal((await c.delete('tests/gone.txt')).res.status, 204);
  });

  it('DeleteMultipleObjects, verbose and quiet', async () => {
    const c = client();
    const keys = ['tests/m/a.txt', 'tests/m/b & c.txt', 'tests/m/<d>.txt'];
    for (const k of keys) {
      await c.put(k, Buffer.from(k));
    }
    const verbose = await c.deleteMulti(keys.slice(0, 2));
    assert.deepEqual(
      (verbose.deleted as unknown as Array<{ Key: string }>).map((d) => d.Key).sort(),
      keys.slice(0, 2).sort(),
    );
    const quiet = await c.deleteMulti([keys[2]], { quiet: true });
    assert.deepEqual(quiet.deleted, []);
    assert.deepEqual((await c.listV2({ prefix: 'tests/m/' }, {})).objects, []);
  });

  it('HEAD errors carry the error document in x-oss-err', async () => {
    const c = client({ accessKeySecret: 'wrong-secret' });
    await assert.rejects(c.head('README.md'), fails('SignatureDoesNotMatch', 403));
  });
});

describe('multipart', () => {
  it('ali-oss multipartUpload() of a > 200 KB buffer in 100 KB parts', async () => {
    const c = client();
    const data = Buffer.alloc(250 * 1024);
    for (let i = 0; i < data.length; i++) {
      data[i] = (i * 31) % 251;
    }
    const progress: number[] = [];
    const r = await c.multipartUpload('tests/big.bin', data, {
      partSize: 100 * 1024,
      progress: (p: number) => {
        progress.push(p);
      },
    });
    assert.equal(r.res.status, 200);
    assert.equal(progress[progress.length - 1], 1);
    const got = await c.get('tests/big.bin');
    assert.ok(Buffer.compare(got.content as Buffer, data) === 0);
    const head = await c.head('tests/big.bin');
    assert.match(String(head.res.headers['etag' as keyof typeof head.res.headers]), /^"[0-9A-F]{32}-3"$/);
    assert.equal(head.res.headers['x-oss-object-type' as keyof typeof head.res.headers], 'Multipart');
    assert.equal(sandbox.state.uploads.size, 0);
  });

  it('UploadPartCopy: x-oss-copy-source (+ x-oss-copy-source-range) answers CopyPartResult; parts complete into the copy', async () => {
    const c = client();
    const data = Buffer.alloc(150 * 1024);
    for (let i = 0; i < data.length; i++) {
      data[i] = (i * 13) % 241;
    }
    await c.put('tests/copy-src.bin', data);
    const init = await c.initMultipartUpload('tests/copy-dst.bin');
    const source = { sourceKey: 'tests/copy-src.bin', sourceBucketName: DEMO.bucket };
    const p1 = await c.uploadPartCopy('tests/copy-dst.bin', init.uploadId, 1, `0-${100 * 1024 - 1}`, source, {});
    const p2 = await c.uploadPartCopy(
      'tests/copy-dst.bin',
      init.uploadId,
      2,
      `${100 * 1024}-${data.length - 1}`,
      source,
      {},
    );
    const body = String((p1.res as unknown as { data: Buffer }).data);
    assert.match(
      body,
      /^<\?xml[^>]*>\s*<CopyPartResult><LastModified>\d{4}-\d\d-\d\dT[^<]+Z<\/LastModified><ETag>"[0-9A-F]{32}"<\/ETag><\/CopyPartResult>$/,
    );
    assert.equal(
      p1.etag,
      `"${createHash('md5')
        .update(data.subarray(0, 100 * 1024))
        .digest('hex')
        .toUpperCase()}"`,
    );
    await c.completeMultipartUpload('tests/copy-dst.bin', init.uploadId, [
      { number: 1, etag: p1.etag },
      { number: 2, etag: p2.etag },
    ]);
    assert.ok(Buffer.compare((await c.get('tests/copy-dst.bin')).content as Buffer, data) === 0);
    // Without a range, the whole source is the part.
    const whole = await c.initMultipartUpload('tests/copy-whole.bin');
    const w = await c.uploadPartCopy('tests/copy-whole.bin', whole.uploadId, 1, '', source, {});
    assert.equal(w.etag, `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`);
    await assert.rejects(
      c.uploadPartCopy('tests/copy-whole.bin', whole.uploadId, 2, `${data.length}-${data.length + 10}`, source, {}),
      fails('InvalidRange', 416),
    );
    await assert.rejects(
      c.uploadPartCopy(
        'tests/copy-whole.bin',
        whole.uploadId,
        2,
        '',
        { sourceKey: 'tests/none.bin', sourceBucketName: DEMO.bucket },
        {},
      ),
      fails('NoSuchKey', 404),
    );
    await assert.rejects(
      c.uploadPartCopy('tests/copy-whole.bin', 'NOPE', 2, '', source, {}),
      fails('NoSuchUpload', 404),
    );
    await c.abortMultipartUpload('tests/copy-whole.bin', whole.uploadId);
  });

  it('initiate, upload a part, list parts, abort; then the upload is gone', async () => {
    const c = client();
    const init = await c.initMultipartUpload('tests/aborted.bin');
    await c.uploadPart('tests/aborted.bin', init.uploadId, 1, Buffer.alloc(1024, 1) as unknown as string, 0, 1024);
    const parts = await c.listParts('tests/aborted.bin', init.uploadId, noQuery);
    // ali-oss hands back xml2js output: a single <Part> is an object, not an array.
    assert.deepEqual(
      ([parts.parts].flat() as unknown as Array<{ PartNumber: string; Size: string }>).map((p) => [
        p.PartNumber,
        p.Size,
      ]),
      [['1', '1024']],
    );
    const uploads = await c.listUploads({ prefix: 'tests/' }, {});
    assert.ok(uploads.uploads.some((u) => u.uploadId === init.uploadId));
    await c.abortMultipartUpload('tests/aborted.bin', init.uploadId);
    await assert.rejects(c.listParts('tests/aborted.bin', init.uploadId, noQuery), fails('NoSuchUpload', 404));
    await assert.rejects(
      c.completeMultipartUpload('tests/aborted.bin', init.uploadId, [{ number: 1, etag: '"X"' }]),
      fails('NoSuchUpload', 404),
    );
  });

  it('Complete checks part sizes and ETags', async () => {
    const c = client();
    const init = await c.initMultipartUpload('tests/small-parts.bin');
    const p1 = await c.uploadPart(
      'tests/small-parts.bin',
      init.uploadId,
      1,
      Buffer.alloc(10, 1) as unknown as string,
      0,
      10,
    );
    const p2 = await c.uploadPart(
      'tests/small-parts.bin',
      init.uploadId,
      2,
      Buffer.alloc(10, 2) as unknown as string,
      0,
      10,
    );
    await assert.rejects(
      c.completeMultipartUpload('tests/small-parts.bin', init.uploadId, [
        { number: 1, etag: p1.etag },
        { number: 2, etag: p2.etag },
      ]),
      fails('EntityTooSmall', 400),
    );
    await assert.rejects(
      c.completeMultipartUpload('tests/small-parts.bin', init.uploadId, [
        { number: 1, etag: '"00000000000000000000000000000000"' },
      ]),
      fails('InvalidPart', 400),
    );
    const done = await c.completeMultipartUpload('tests/small-parts.bin', init.uploadId, [
      { number: 2, etag: p2.etag },
    ]);
    assert.match(done.etag, /-1"$/);
  });
});

describe('signatures', () => {
  it('V4 (authorizationV4) for list, put, get, copy, delete and multipart', async () => {
    const c = client({ authorizationV4: true });
    assert.ok((await c.listV2({ prefix: '', delimiter: '/' }, {})).prefixes?.includes('config/'));
    await c.put('tests/v4 file (1).txt', Buffer.from('v4!'), { meta: { a: 'b' } as unknown as OSS.UserMeta });
    assert.equal((await c.get('tests/v4 file (1).txt')).content.toString(), 'v4!');
    await c.copy('tests/v4-copy.txt', 'tests/v4 file (1).txt');
    assert.equal((await c.delete('tests/v4-copy.txt')).res.status, 204);
    const big = Buffer.alloc(210 * 1024, 7);
    await c.multipartUpload('tests/v4-big.bin', big, { partSize: 100 * 1024 });
    assert.equal((await c.head('tests/v4-big.bin')).status, 200);
    const buckets = await listBuckets(c);
    assert.equal(buckets.buckets?.length, 3);
  });

  it('wrong secret → SignatureDoesNotMatch (V1 and V4) with the string to sign in the body', async () => {
    await assert.rejects(client({ accessKeySecret: 'nope' }).listV2({}, {}), fails('SignatureDoesNotMatch', 403));
    await assert.rejects(
      client({ accessKeySecret: 'nope', authorizationV4: true }).get('README.md'),
      fails('SignatureDoesNotMatch', 403),
    );
    const url = client({ accessKeySecret: 'nope' }).signatureUrl('README.md', { expires: 60 });
    const r = await fetchUrl(url);
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.match(r.body, /<StringToSign>GET\n\n\n\d+\n\/demo-data\/README.md<\/StringToSign>/);
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.match(String(r.headers['x-oss-request-id']), /^[0-9A-F]{24}$/);
  });

  it('unknown AccessKeyId → InvalidAccessKeyId; no credentials → AccessDenied', async () => {
    await assert.rejects(
      client({ accessKeyId: 'SBXAKNoSuchKey0000000' }).listV2({}, {}),
      fails('InvalidAccessKeyId', 403),
    );
    const anon = await fetchUrl(`http://${DEMO.bucket}.oss-cn-hangzhou.aliyuncs.com:${port}/README.md`);
    assert.equal(anon.status, 403);
    assert.match(anon.body, /<Code>AccessDenied<\/Code>/);
  });

  it('presigned URL (V1) fetched with a plain GET; expires on the sandbox clock', async () => {
    const c = client();
    const url = c.signatureUrl('config/app.json', { expires: 60 });
    assert.match(url, /OSSAccessKeyId=.*&Expires=\d+&Signature=/);
    const ok = await fetchUrl(url);
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).name, 'demo');
    const withResponse = await fetchUrl(
      c.signatureUrl('config/app.json', { expires: 60, response: { 'content-type': 'text/plain' } }),
    );
    assert.equal(withResponse.headers['content-type'], 'text/plain');
    sandbox.advanceClock(120_000);
    try {
      const expired = await fetchUrl(url);
      assert.equal(expired.status, 403);
      assert.match(expired.body, /<Code>AccessDenied<\/Code>\s*<Message>Request has expired\.<\/Message>/);
    } finally {
      sandbox.advanceClock(-120_000);
    }
  });

  it('presigned URL (V4, signatureUrlV4)', async () => {
    const c = client();
    const url = await c.signatureUrlV4('GET', 60, {}, 'reports/q1.csv');
    const ok = await fetchUrl(url);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^region,revenue/);
    const tampered = await fetchUrl(url.replace(/x-oss-signature=[0-9a-f]{4}/, 'x-oss-signature=0000'));
    assert.equal(tampered.status, 403);
    assert.match(tampered.body, /SignatureDoesNotMatch/);
    sandbox.advanceClock(120_000);
    try {
      assert.match((await fetchUrl(url)).body, /Request has expired/);
    } finally {
      sandbox.advanceClock(-120_000);
    }
  });
});

describe('addressing modes', () => {
  it('IP endpoint: ali-oss forces Host <bucket>.<region>.aliyuncs.com; bucket comes from Host', async () => {
    const c = client({ endpoint: `http://127.0.0.1:${port}` });
    assert.equal((await c.listV2({ prefix: 'reports/' }, {})).objects.length, 2);
    await c.put('tests/ip.txt', Buffer.from('ip'));
    assert.equal((await c.get('tests/ip.txt')).content.toString(), 'ip');
    assert.equal((await listBuckets(c)).buckets?.length, 3);
  });

  it('path style (sldEnable) on localhost: bucket is the first path segment; presigned URLs work', async () => {
    const c = client({ endpoint: `http://localhost:${port}`, sldEnable: true });
    assert.equal((await c.listV2({ prefix: 'reports/' }, {})).objects.length, 2);
    await c.put('tests/sld.txt', Buffer.from('sld'));
    assert.equal((await c.get('tests/sld.txt')).content.toString(), 'sld');
    assert.equal((await fetchUrl(c.signatureUrl('tests/sld.txt', { expires: 60 }))).body, 'sld');
    assert.equal((await listBuckets(c)).buckets?.length, 3);
  });

  it('path style with an IP endpoint (Host forced AND bucket in path) vs a key that starts with the bucket name', async () => {
    const sld = client({ endpoint: `http://127.0.0.1:${port}`, sldEnable: true });
    assert.equal((await sld.listV2({ prefix: 'reports/' }, {})).objects.length, 2);
    await sld.put('tests/sld-ip.txt', Buffer.from('a'));
    assert.equal((await sld.get('tests/sld-ip.txt')).content.toString(), 'a');
    // Same wire shape, other meaning: the signature tells the sandbox which one was meant.
    const ip = client({ endpoint: `http://127.0.0.1:${port}` });
    await ip.put(`${DEMO.bucket}/nested.txt`, Buffer.from('b'));
    assert.ok(sandbox.state.buckets.get(DEMO.bucket)!.objects.has(`${DEMO.bucket}/nested.txt`));
    assert.equal((await ip.get(`${DEMO.bucket}/nested.txt`)).content.toString(), 'b');
  });

  it('<bucket>.localhost as a CNAME (cname: true)', async () => {
    const c = client({ endpoint: `http://${DEMO.bucket}.localhost:${port}`, cname: true });
    assert.equal((await c.get('README.md')).res.status, 200);
  });
});

describe('STS credentials and RAM authorization', () => {
  async function imdsCredentials(): Promise<{ AccessKeyId: string; AccessKeySecret: string; SecurityToken: string }> {
    const r = await fetchUrl(
      `${sandbox.info.url}/imds/${DEMO.vpcInstanceId2}/latest/meta-data/ram/security-credentials/${DEMO.seededRole}`,
    );
    assert.equal(r.status, 200);
    return JSON.parse(r.body) as { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
  }

  it('token problems: missing → InvalidAccessKeyId, wrong → InvalidAccessKeyId, expired → SecurityTokenExpired', async () => {
    const c = await imdsCredentials();
    const sts = (o: ClientOptions) => client({ accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, ...o });
    await assert.rejects(sts({}).listV2({}, {}), fails('InvalidAccessKeyId', 403, /does not exist/));
    await assert.rejects(
      sts({ stsToken: 'CAISwrong' }).listV2({}, {}),
      fails('InvalidAccessKeyId', 403, /security token you provided is invalid/),
    );
    sandbox.advanceClock(7 * 3600 * 1000);
    try {
      await assert.rejects(sts({ stsToken: c.SecurityToken }).listV2({}, {}), (e: OssError) => {
        fails('SecurityTokenExpired', 403, /The security token you provided has expired\./)(e);
        assert.equal(e.ecCode, '0002-00000007');
        return true;
      });
    } finally {
      sandbox.advanceClock(-7 * 3600 * 1000);
    }
  });

  it('RAM user without OSS policies → AccessDenied that names the action and resource', async () => {
    const alice = client({ accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret });
    await assert.rejects(
      alice.listV2({ prefix: 'logs/' }, {}),
      fails(
        'AccessDenied',
        403,
        new RegExp(`oss:ListObjects on resource acs:oss:\\*:${DEMO.accountId}:${DEMO.bucket}`),
      ),
    );
    await assert.rejects(
      alice.put('tests/alice.txt', Buffer.from('x')),
      fails('AccessDenied', 403, /oss:PutObject on resource .*:demo-data\/tests\/alice\.txt: no RAM policy/),
    );
    const raw = await fetchUrl(alice.signatureUrl('README.md', { expires: 60 }));
    assert.match(
      raw.body,
      /<AccessDeniedDetail>[\s\S]*<NoPermissionType>ImplicitDeny<\/NoPermissionType>[\s\S]*<AuthAction>oss:GetObject<\/AuthAction>/,
    );
  });

  it('instance role (OSS read-only) via IMDS: list and get work, put/delete/copy are denied', async () => {
    const c = await imdsCredentials();
    const role = client({ accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, stsToken: c.SecurityToken });
    assert.equal((await role.listV2({ 'max-keys': '10' }, {})).objects.length, 10);
    assert.equal((await role.get('README.md')).res.status, 200);
    assert.equal((await listBuckets(role)).buckets?.length, 3);
    assert.equal((await fetchUrl(role.signatureUrl('README.md', { expires: 60 }))).status, 200);
    assert.equal((await fetchUrl(await role.signatureUrlV4('GET', 60, {}, 'README.md'))).status, 200);
    await assert.rejects(role.put('tests/role.txt', Buffer.from('x')), fails('AccessDenied', 403, /oss:PutObject/));
    await assert.rejects(role.delete('README.md'), fails('AccessDenied', 403, /oss:DeleteObject/));
    await assert.rejects(role.copy('tests/role-copy.md', 'README.md'), fails('AccessDenied', 403, /oss:PutObject/));
    await assert.rejects(role.deleteMulti(['README.md']), fails('AccessDenied', 403));
  });

  it('a prefix-scoped policy: DemoEcsLogShipper may write demo-data/logs/* only', async () => {
    const i = sandbox.state.instances.get(DEMO.vpcInstanceId2)!;
    i.ramRoleName = 'DemoEcsLogShipper';
    try {
      const r = await fetchUrl(
        `${sandbox.info.url}/imds/${DEMO.vpcInstanceId2}/latest/meta-data/ram/security-credentials/DemoEcsLogShipper`,
      );
      const c = JSON.parse(r.body) as { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
      const shipper = client({
        accessKeyId: c.AccessKeyId,
        accessKeySecret: c.AccessKeySecret,
        stsToken: c.SecurityToken,
      });
      await shipper.put('logs/2026/03/app.log', Buffer.from('ok'));
      await assert.rejects(shipper.put('config/app.json', Buffer.from('no')), fails('AccessDenied', 403));
    } finally {
      i.ramRoleName = DEMO.seededRole;
    }
  });
});

describe('faults and the request log', () => {
  it('a throttle fault on PutObject answers 503 SlowDown once, then recovers', async () => {
    sandbox.faults.add({ service: 'oss', action: 'PutObject', kind: 'throttle', count: 1 });
    const c = client();
    await assert.rejects(c.put('tests/throttled.txt', Buffer.from('x')), fails('SlowDown', 503));
    await c.put('tests/throttled.txt', Buffer.from('x'));
  });

  it('match() names every operation, so faults and the request log can target it', async () => {
    const c = client();
    const from = sandbox.requests.length;
    await listBuckets(c);
    await c.getBucketInfo(DEMO.bucket);
    await c.getBucketLocation(DEMO.bucket);
    await c.list({ 'max-keys': 1 }, {});
    await c.listV2({ 'max-keys': '1' }, {});
    await c.put('tests/log.txt', Buffer.from('x'));
    await c.get('tests/log.txt');
    await c.head('tests/log.txt');
    await c.copy('tests/log-copy.txt', 'tests/log.txt');
    await c.delete('tests/log-copy.txt');
    await c.deleteMulti(['tests/log.txt']);
    const init = await c.initMultipartUpload('tests/log.bin');
    const part = await c.uploadPart('tests/log.bin', init.uploadId, 1, Buffer.alloc(8) as unknown as string, 0, 8);
    await c.listParts('tests/log.bin', init.uploadId, noQuery);
    await c.completeMultipartUpload('tests/log.bin', init.uploadId, [{ number: 1, etag: part.etag }]);
    const again = await c.initMultipartUpload('tests/log.bin');
    await c.abortMultipartUpload('tests/log.bin', again.uploadId);
    assert.deepEqual(
      sandbox.requests.slice(from).map((r) => `${r.service}:${r.action}`),
      [
        'ListBuckets',
        'GetBucketInfo',
        'GetBucketLocation',
        'ListObjects',
        'ListObjectsV2',
        'PutObject',
        'GetObject',
        'HeadObject',
        'CopyObject',
        'DeleteObject',
        'DeleteMultipleObjects',
        'InitiateMultipartUpload',
        'UploadPart',
        'ListParts',
        'CompleteMultipartUpload',
        'InitiateMultipartUpload',
        'AbortMultipartUpload',
      ].map((a) => `oss:${a}`),
    );
  });

  it('unsupported sub-resources are NotImplemented rather than misread as GetObject', async () => {
    await assert.rejects(client().getACL('README.md'), fails('NotImplemented', 501));
  });
});
