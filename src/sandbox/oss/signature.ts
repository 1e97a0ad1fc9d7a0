/**
 * OSS request signatures, recomputed exactly from what arrived on the wire (OSS "Signature version 1" and "Signature version 4" documentation):
 * V1 (`Authorization: OSS ak:sig`, HMAC-SHA1), V1 presigned URLs (OSSAccessKeyId/Expires/Signature),
 * V4 (`OSS4-HMAC-SHA256`, header and presigned query forms). The caller resolves the AccessKeyId
 * to a secret and decides what a mismatch means; this module only parses and recomputes.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SandboxError } from '../core/errors';
import { header, type SandboxRequest } from '../core/http';

export type OssAuthKind = 'V1' | 'V1Query' | 'V4' | 'V4Query';

export interface OssAuth {
  kind: OssAuthKind;
  accessKeyId: string;
  securityToken?: string;
  signature: string;
  /** Presigned forms: the instant (ms since epoch) after which the URL is refused. */
  expiresAtMs?: number;
  /** V4: scope of the signing key. */
  scope?: { date: string; region: string; product: string };
  /** V4: x-oss-date (yyyymmddTHHMMSSZ). */
  date?: string;
  additionalHeaders?: string[];
}

/** Where the request points, as the signer saw it: `/bucket/key`. */
export interface SignTarget {
  bucket?: string;
  key?: string;
}

export interface SignatureCheck {
  ok: boolean;
  stringToSign: string;
  canonicalRequest?: string;
}

export type QueryPair = [key: string, value: string];

/**
 * Decodes a raw query string keeping order and literal '+' (ali-oss percent-encodes spaces and
 * plus signs; treating '+' as a space would corrupt base64 signatures pasted into URLs).
 */
export function parseQuery(rawQuery: string): QueryPair[] {
  if (!rawQuery) {
    return [];
  }
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      const v = eq < 0 ? '' : part.slice(eq + 1);
      return [safeDecode(k), safeDecode(v)];
    });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Sub-resources that take part in the V1 canonicalized resource. Anything else in the query
 * (prefix, marker, max-keys, list-type, delimiter, start-after, encoding-type…) is not signed.
 */
const SIGNED_SUBRESOURCES = new Set([
  'acl',
  'append',
  'asyncFetch',
  'bucketInfo',
  'callback',
  'callback-var',
  'cname',
  'comp',
  'continuation-token',
  'cors',
  'delete',
  'encryption',
  'endTime',
  'img',
  'inventory',
  'inventoryId',
  'lifecycle',
  'live',
  'location',
  'logging',
  'objectMeta',
  'partNumber',
  'policy',
  'position',
  'qos',
  'qosInfo',
  'referer',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'requestPayment',
  'resourceGroup',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'security-token',
  'sequential',
  'startTime',
  'stat',
  'status',
  'style',
  'styleName',
  'symlink',
  'tagging',
  'transferAcceleration',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
  'x-oss-process',
  'x-oss-request-payer',
  'x-oss-traffic-limit',
]);

const V4_ALGORITHM = 'OSS4-HMAC-SHA256';

function invalidArgument(message: string, extra: Record<string, string> = {}): SandboxError {
  return new SandboxError('InvalidArgument', 400, message, extra);
}

function queryGet(query: QueryPair[], key: string): string | undefined {
  return query.find(([k]) => k === key)?.[1];
}

/** x-oss-date in V4 form → ms since epoch (NaN when malformed). */
export function parseV4Date(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function parseCredential(credential: string): { accessKeyId: string; scope: NonNullable<OssAuth['scope']> } {
  // <AccessKeyId>/<yyyymmdd>/<region>/<product>/aliyun_v4_request; the key id never contains '/'.
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aliyun_v4_request' || !parts[0]) {
    throw invalidArgument('Invalid credential in Authorization header.', { Credential: credential });
  }
  return { accessKeyId: parts[0], scope: { date: parts[1], region: parts[2], product: parts[3] } };
}

/**
 * Reads the credentials a request carries; `undefined` means anonymous. Malformed signing
 * material throws the 400 OSS answers with.
 */
export function parseOssAuth(req: SandboxRequest, query: QueryPair[]): OssAuth | undefined {
  const authorization = header(req, 'authorization');
  if (authorization) {
    if (authorization.startsWith('OSS ')) {
      const m = /^OSS ([^:\s]+):(\S+)$/.exec(authorization.trim());
      if (!m) {
        throw invalidArgument('Authorization header is invalid.', { Authorization: authorization });
      }
      return { kind: 'V1', accessKeyId: m[1], signature: m[2], securityToken: header(req, 'x-oss-security-token') };
    }
    if (authorization.startsWith(`${V4_ALGORITHM} `)) {
      const fields = new Map<string, string>();
      for (const part of authorization.slice(V4_ALGORITHM.length + 1).split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0) {
          fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
        }
      }
      const credential = fields.get('Credential');
      const signature = fields.get('Signature');
      if (!credential || !signature) {
        throw invalidArgument('Authorization header is invalid.', { Authorization: authorization });
      }
      const date = header(req, 'x-oss-date');
      if (!date || Number.isNaN(parseV4Date(date))) {
        throw invalidArgument('Invalid x-oss-date in V4 signed request.');
      }
      const additional = fields.get('AdditionalHeaders');
      return {
        kind: 'V4',
        ...parseCredential(credential),
        signature,
        date,
        securityToken: header(req, 'x-oss-security-token'),
        additionalHeaders: additional ? additional.split(';') : [],
      };
    }
    throw invalidArgument('Authorization header is invalid.', { Authorization: authorization });
  }
  const v1Signature = queryGet(query, 'Signature');
  const v1Key = queryGet(query, 'OSSAccessKeyId');
  if (v1Signature !== undefined || v1Key !== undefined) {
    const expires = queryGet(query, 'Expires');
    if (!v1Key || !v1Signature || !expires || !/^\d+$/.test(expires)) {
      throw new SandboxError(
        'AccessDenied',
        403,
        'Invalid signature parameters in URL: OSSAccessKeyId, Expires and Signature are all required.',
      );
    }
    return {
      kind: 'V1Query',
      accessKeyId: v1Key,
      signature: v1Signature,
      expiresAtMs: Number(expires) * 1000,
      securityToken: queryGet(query, 'security-token'),
    };
  }
  if (queryGet(query, 'x-oss-signature-version') !== undefined || queryGet(query, 'x-oss-credential') !== undefined) {
    const credential = queryGet(query, 'x-oss-credential');
    const signature = queryGet(query, 'x-oss-signature');
    const date = queryGet(query, 'x-oss-date');
    const expires = queryGet(query, 'x-oss-expires');
    if (
      queryGet(query, 'x-oss-signature-version') !== V4_ALGORITHM ||
      !credential ||
      !signature ||
      !date ||
      !expires ||
      !/^\d+$/.test(expires)
    ) {
      throw invalidArgument(
        'x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature are required in a V4 signed URL.',
      );
    }
    const dateMs = parseV4Date(date);
    if (Number.isNaN(dateMs)) {
      throw invalidArgument('Invalid x-oss-date in V4 signed URL.');
    }
    const additional = queryGet(query, 'x-oss-additional-headers');
    return {
      kind: 'V4Query',
      ...parseCredential(credential),
      signature,
      date,
      expiresAtMs: dateMs + Number(expires) * 1000,
      securityToken: queryGet(query, 'x-oss-security-token'),
      additionalHeaders: additional ? additional.split(';') : [],
    };
  }
  return undefined;
}

// ---- V1 ----

function canonicalizedOssHeaders(req: SandboxRequest): string[] {
  return Object.keys(req.headers)
    .filter((k) => k.toLowerCase().startsWith('x-oss-'))
    .map((k) => k.toLowerCase())
    .sort()
    .map((k) => `${k}:${(header(req, k) ?? '').trim()}`);
}

function canonicalizedResource(target: SignTarget, query: QueryPair[]): string {
  let resource = target.bucket ? `/${target.bucket}/${target.key ?? ''}` : '/';
  const signed = query.filter(([k]) => SIGNED_SUBRESOURCES.has(k));
  if (signed.length) {
    const seen = new Set<string>();
    const parts = signed
      .filter(([k]) => !seen.has(k) && seen.add(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => (v ? `${k}=${v}` : k));
    resource += `?${parts.join('&')}`;
  }
  return resource;
}

function v1StringToSign(req: SandboxRequest, query: QueryPair[], target: SignTarget, dateSlot: string): string {
  return [
    req.method.toUpperCase(),
    header(req, 'content-md5') ?? '',
    header(req, 'content-type') ?? '',
    dateSlot,
    ...canonicalizedOssHeaders(req),
    canonicalizedResource(target, query),
  ].join('\n');
}

// ---- V4 ----

/** encodeURIComponent plus the characters it leaves alone but OSS V4 escapes. */
export function v4Encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function v4CanonicalRequest(
  req: SandboxRequest,
  query: QueryPair[],
  target: SignTarget,
  auth: OssAuth,
  emptyWithEquals: boolean,
): string {
  const path = `/${target.bucket ? `${target.bucket}/` : ''}${target.key ?? ''}`;
  const params = query
    .filter(([k]) => !(auth.kind === 'V4Query' && k === 'x-oss-signature'))
    .map(([k, v]) => [v4Encode(k), v4Encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v || emptyWithEquals ? `${k}=${v}` : k));
  const additional = (auth.additionalHeaders ?? []).map((h) => h.toLowerCase());
  const names = new Set(additional);
  for (const k of Object.keys(req.headers)) {
    const lk = k.toLowerCase();
    if (lk === 'content-type' || lk === 'content-md5' || lk.startsWith('x-oss-')) {
      names.add(lk);
    }
  }
  const canonicalHeaders = [...names]
    .sort()
    .map((k) => `${k}:${(header(req, k) ?? '').trim()}\n`)
    .join('');
  const payload = auth.kind === 'V4' ? (header(req, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD') : 'UNSIGNED-PAYLOAD';
  return [
    req.method.toUpperCase(),
    v4Encode(path).replace(/%2F/g, '/'),
    params.join('&'),
    canonicalHeaders,
    additional.join(';'),
    payload,
  ].join('\n');
}

function v4Signature(
  secret: string,
  auth: OssAuth,
  canonicalRequest: string,
): { stringToSign: string; signature: string } {
  const scope = auth.scope!;
  const stringToSign = [
    V4_ALGORITHM,
    auth.date!,
    `${scope.date}/${scope.region}/${scope.product}/aliyun_v4_request`,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`aliyun_v4${secret}`, scope.date), scope.region), scope.product),
    'aliyun_v4_request',
  );
  return { stringToSign, signature: createHmac('sha256', signingKey).update(stringToSign).digest('hex') };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Recomputes the signature with `secret` and compares it with the one the request carries. */
export function verifyOssSignature(
  auth: OssAuth,
  req: SandboxRequest,
  query: QueryPair[],
  target: SignTarget,
  secret: string,
): SignatureCheck {
  if (auth.kind === 'V1' || auth.kind === 'V1Query') {
    // ali-oss sends x-oss-date and no Date; it puts x-oss-date in the Date slot. Presigned URLs
    // put Expires there. Other clients send Date.
    const dateSlot =
      auth.kind === 'V1Query'
        ? String(Math.floor(auth.expiresAtMs! / 1000))
        : (header(req, 'x-oss-date') ?? header(req, 'date') ?? '');
    const stringToSign = v1StringToSign(req, query, target, dateSlot);
    const expected = createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
    return { ok: same(expected, auth.signature), stringToSign };
  }
  // A query parameter with an empty value (`prefix=`) is canonicalized as just its key by the
  // spec, but ali-oss signs its own empty-string query values as `key=`; accept either so both
  // a spec-following client and ali-oss verify.
  const variants = query.some(([, v]) => v === '') ? [false, true] : [false];
  let first: SignatureCheck | undefined;
  for (const emptyWithEquals of variants) {
    const canonicalRequest = v4CanonicalRequest(req, query, target, auth, emptyWithEquals);
    const { stringToSign, signature } = v4Signature(secret, auth, canonicalRequest);
    const check = { ok: same(signature, auth.signature.toLowerCase()), stringToSign, canonicalRequest };
    if (check.ok) {
      return check;
    }
    first ??= check;
  }
  return first!;
}

/** Hex bytes of the string to sign, space-separated, as OSS echoes it in SignatureDoesNotMatch. */
export function stringToSignBytes(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
