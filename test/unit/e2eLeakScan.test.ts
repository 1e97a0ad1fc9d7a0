// The e2e leak scan (test/e2e/lib/secrets.mjs) finds secrets in every encoding and V4 signatures
// it was never told about, and stays quiet on clean text.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

interface Hit {
  where: string;
  kind: string;
}
interface Scanner {
  add(...l: Array<{ kind: string; value: string }>): Scanner;
  scanText(text: string, where: string): Hit[];
}

async function scanner(): Promise<Scanner> {
  const { SecretScanner } = (await import('../e2e/lib/secrets.mjs' as string)) as { SecretScanner: new () => Scanner };
  return new SecretScanner();
}

describe('e2e leak scan', () => {
  const token = `${randomBytes(30).toString('base64')}+/=`;
  const secret = `${randomBytes(15).toString('base64')}/+`;

  test('a token or secret in any encoding is a leak, named by kind', async () => {
    const s = (await scanner()).add({ kind: 'STS token', value: token }, { kind: 'AccessKey secret', value: secret });
    const enc = encodeURIComponent(token);
    const texts = [
      token,
      enc,
      enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      encodeURIComponent(enc),
      JSON.stringify({ t: token }),
      JSON.stringify(token).slice(1, -1).replace(/\//g, '\\/'),
    ];
    for (const [i, text] of texts.entries()) {
      assert.deepEqual(
        s.scanText(`GET /?security-token=${text}&x=1`, `form ${i}`),
        [{ where: `form ${i}`, kind: 'STS token' }],
        `form ${i}`,
      );
    }
    assert.deepEqual(s.scanText(`x ${encodeURIComponent(secret)} y`, 'secret'), [
      { where: 'secret', kind: 'AccessKey secret' },
    ]);
  });

  test('V4 signatures are leaks without knowing any value', async () => {
    const s = await scanner();
    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(
      s
        .scanText(
          `https://b.oss-cn-hangzhou.aliyuncs.com/k?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-signature=${hex}`,
          'url',
        )
        .map((h) => h.kind),
      ['OSS V4 presigned signature'],
    );
    assert.deepEqual(
      s.scanText(`redirect=https%3A%2F%2Fb%2Fk%3Fx-oss-signature%3D${hex}`, 'nested').map((h) => h.kind),
      ['OSS V4 presigned signature'],
    );
    assert.deepEqual(
      s
        .scanText(
          `Authorization: OSS4-HMAC-SHA256 Credential=AK/20250101/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=${hex}`,
          'hdr',
        )
        .map((h) => h.kind),
      ['OSS V4 Authorization signature'],
    );
  });

  test('redacted and clean text is not a leak', async () => {
    const s = (await scanner()).add({ kind: 'STS token', value: token });
    for (const text of [
      'GET /?x-oss-signature=***&x-oss-security-token=***',
      'Authorization: OSS4-HMAC-SHA256 Credential=AK/20250101/cn-hangzhou/oss/aliyun_v4_request,Signature=***',
      'x-oss-signature-version=OSS4-HMAC-SHA256',
      token.slice(0, 12),
    ]) {
      assert.deepEqual(s.scanText(text, 'clean'), [], text);
    }
  });
});
