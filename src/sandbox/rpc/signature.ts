/**
 * Verifies RPC-style (RAM, ECS, STS) request signatures the way the POP gateway does, by
 * recomputing them from the request exactly as received: V3 `ACS3-HMAC-SHA256` in the
 * Authorization header (openapi-core's default) and V1 HMAC-SHA1 in the query
 * (`signatureAlgorithm: 'v2'`, older SDKs, hand-written calls). See the "V3 request signature" (ACS3-HMAC-SHA256) documentation.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { unescape as qsUnescape } from 'node:querystring';
import { SandboxError } from '../core/errors';
import { header, type SandboxRequest } from '../core/http';
import { resolveCredential, type ResolvedCredential } from '../core/principal';
import { realismOf } from '../core/realism';
import { wallNow, type SandboxState } from '../core/state';

export interface Authenticated {
  accessKeyId: string;
  credential: ResolvedCredential;
  signatureVersion: 'v3' | 'v1';
}

/** RFC 3986 percent-encoding as both signers use it (encodeURIComponent plus !'()*). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes `a=b&c=d` into a map (last value wins, as in the SDK's own maps). `+` means space, as in
 * any form encoding; the SDKs themselves always send `%20`, so this only matters to other clients.
 */
export function parseFormPairs(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of raw.split('&')) {
    if (!part) {
      continue;
    }
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.set(qsUnescape(k.replace(/\+/g, ' ')), qsUnescape(v.replace(/\+/g, ' ')));
  }
  return out;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const incomplete = (why: string) =>
  new SandboxError('IncompleteSignature', 400, `The request signature does not conform to Aliyun standards. ${why}`);

/** Clock skew the gateway tolerates. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Checked against the sandbox's wall clock (the host's, plus any configured skew), not the
 * sandbox clock: tests move the latter to expire credentials without breaking signing.
 */
function checkTimestamp(state: SandboxState, value: string | undefined): void {
  if (value === undefined) {
    return;
  }
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new SandboxError('InvalidTimeStamp.Format', 400, 'Specified time stamp or date value is not well formatted.');
  }
  if (Math.abs(wallNow(state) - ms) > MAX_SKEW_MS) {
    throw new SandboxError('InvalidTimeStamp.Expired', 400, 'Specified time stamp or date value is expired.');
  }
}

/** Nonces seen within the timestamp window, with when they may be forgotten (wall clock). */
const seenNonces = new WeakMap<SandboxState, Map<string, number>>();

/**
 * The gateway refuses a SignatureNonce it has seen within the timestamp window: replay protection
 * (API signature docs, "SignatureNonce: a unique random number … prevents replay attacks";
 * error SignatureNonceUsed). Checked only after the signature verified, so a forged request
 * cannot burn someone else's nonce. Realism `nonceReplay`.
 */
function checkNonce(state: SandboxState, nonce: string | undefined): void {
  if (!nonce || !realismOf(state).nonceReplay) {
    return;
  }
  let seen = seenNonces.get(state);
  if (!seen) {
    seen = new Map();
    seenNonces.set(state, seen);
  }
  const t = wallNow(state);
  // Insertion order is expiry order: stop at the first nonce still remembered.
  for (const [n, until] of seen) {
    if (until > t) {
      break;
    }
    seen.delete(n);
  }
  if (seen.has(nonce)) {
    throw new SandboxError('SignatureNonceUsed', 400, 'Specified signature nonce was used already.');
  }
  seen.set(nonce, t + MAX_SKEW_MS);
}

/**
 * Authenticates an RPC request. `queryParams` are the decoded query parameters and `bodyParams`
 * any form-encoded body parameters (V1 signs both; V3 signs the body through its hash).
 * Throws SandboxError with the gateway's codes.
 */
export function authenticate(
  req: SandboxRequest,
  state: SandboxState,
  queryParams: Map<string, string>,
  bodyParams: Map<string, string>,
): Authenticated {
  const authorization = header(req, 'authorization');
  if (authorization?.startsWith('ACS3-')) {
    return verifyV3(req, state, authorization, queryParams);
  }
  if (queryParams.has('Signature') || bodyParams.has('Signature')) {
    return verifyV1(req, state, queryParams, bodyParams);
  }
  throw incomplete('Neither an ACS3 Authorization header nor a Signature parameter was sent.');
}

function parseAuthorization(value: string): {
  algorithm: string;
  credential: string;
  signedHeaders: string[];
  signature: string;
} {
  const sp = value.indexOf(' ');
  const algorithm = sp < 0 ? value : value.slice(0, sp);
  const fields = new Map<string, string>();
  for (const part of (sp < 0 ? '' : value.slice(sp + 1)).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw incomplete('The Authorization header lacks Credential, SignedHeaders or Signature.');
  }
  return { algorithm, credential, signedHeaders: signedHeaders.split(';').map((h) => h.toLowerCase()), signature };
}

function verifyV3(
  req: SandboxRequest,
  state: SandboxState,
  authorization: string,
  query: Map<string, string>,
): Authenticated {
  const auth = parseAuthorization(authorization);
  if (auth.algorithm !== 'ACS3-HMAC-SHA256') {
    throw incomplete(`Unsupported signature algorithm ${auth.algorithm}.`);
  }
  // The action and version choose what runs, so they must be covered by the signature.
  for (const required of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date']) {
    if (header(req, required) !== undefined && !auth.signedHeaders.includes(required)) {
      throw incomplete(`SignedHeaders must include ${required}.`);
    }
  }
  checkTimestamp(state, header(req, 'x-acs-date'));
  const credential = resolveCredential(state, auth.credential, header(req, 'x-acs-security-token'));

  const canonicalUri = (req.rawPath || '/').replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const canonicalQuery = [...query.keys()]
    .sort()
    .map((k) => `${k}=${percentEncode(query.get(k) ?? '')}`)
    .join('&');
  const names = [...auth.signedHeaders].sort();
  const canonicalHeaders = names.map((n) => `${n}:${(header(req, n) ?? '').trim()}\n`).join('');
  // Hash the body we actually received: a body changed after signing then fails the comparison.
  const canonicalRequest = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    names.join(';'),
    sha256Hex(req.body),
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const expected = createHmac('sha256', credential.secret).update(stringToSign).digest('hex');
  if (!sameString(expected, auth.signature.toLowerCase())) {
    throw new SandboxError(
      'SignatureDoesNotMatch',
      400,
      `Specified signature does not match our calculation. server string to sign is:${stringToSign}`,
    );
  }
  checkNonce(state, header(req, 'x-acs-signature-nonce'));
  return { accessKeyId: auth.credential, credential, signatureVersion: 'v3' };
}

function verifyV1(
  req: SandboxRequest,
  state: SandboxState,
  query: Map<string, string>,
  body: Map<string, string>,
): Authenticated {
  const signed = new Map([...query, ...body]);
  const signature = signed.get('Signature') ?? '';
  signed.delete('Signature');
  const accessKeyId = signed.get('AccessKeyId');
  if (!accessKeyId) {
    throw incomplete('The AccessKeyId parameter is missing.');
  }
  checkTimestamp(state, signed.get('Timestamp'));
  const credential = resolveCredential(state, accessKeyId, signed.get('SecurityToken'));

  const canonicalized = [...signed.keys()]
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(signed.get(k) ?? '')}`)
    .join('&');
  const stringToSign = `${req.method}&${percentEncode('/')}&${percentEncode(canonicalized)}`;
  const expected = createHmac('sha1', `${credential.secret}&`).update(stringToSign).digest('base64');
  if (!sameString(expected, signature)) {
    throw new SandboxError(
      'SignatureDoesNotMatch',
      400,
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
    );
  }
  checkNonce(state, signed.get('SignatureNonce'));
  return { accessKeyId, credential, signatureVersion: 'v1' };
}
