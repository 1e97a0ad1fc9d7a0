/**
 * OSS as real clients see it: virtual-host, IP-endpoint and path-style addressing, V1/V4 header
 * signatures and presigned URLs verified exactly, RAM authorization of every operation with the
 * caller's policies, and the XML bodies and error codes of the real service. Buckets are seeded
 * (seed.ts) or made with PutBucket; versioning keeps every version of an object, as OSS does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SandboxError } from '../core/errors';
import { header, type SandboxRequest, type SandboxResponse } from '../core/http';
import { crc64 } from './crc64';
import {
  parseOssAuth,
  parseQuery,
  parseV4Date,
  stringToSignBytes,
  verifyOssSignature,
  type OssAuth,
  type QueryPair,
  type SignTarget,
} from './signature';
import {
  el,
  errorXml,
  parseCompleteRequest,
  parseDeleteRequest,
  parseVersioningRequest,
  txt,
  unescapeXml,
  xmlDocument,
} from './xml';
import { authorize, resolveCredential, type Principal } from '../core/principal';
import { recordOssEvent } from './trailRecorder';
import { deliverDueLogs, logAccess, loggingOf } from './accessLog';
import { firstAfter, firstAtOrAfter, sortedKeys } from '../core/lazyMap';
import { realismOf } from '../core/realism';
import type { SandboxHost, ServiceModule } from '../core/service';
import {
  now,
  wallNow,
  type Bucket,
  type MultipartUpload,
  type OssDeleteMarker,
  type OssObject,
  type OssObjectVersion,
  type SandboxState,
} from '../core/state';

// ---- addressing ----

interface OssTarget {
  bucket?: string;
  key?: string;
  /** Region the endpoint host names (oss-<region>[-internal].aliyuncs.com), if it names one. */
  hostRegion?: string;
}

const OSS_HOST = /^(?:([^.]*)\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/;
/** `<bucket>.localhost` stands in for a CNAME (ali-oss `cname: true`). */
const LOCAL_VHOST = /^([a-z0-9][a-z0-9-]*[a-z0-9])\.localhost$/;

/**
 * Where a request points. Usually one answer; two when ali-oss is given an IP endpoint with
 * `sldEnable`: it then forces `Host: <bucket>.<region>.aliyuncs.com` (no port) AND puts the
 * bucket in the path, which reads the same as a virtual-host request for a key starting with
 * `<bucket>/`. The signature (which covers `/bucket/key`) decides between them.
 */
function resolveTargets(req: SandboxRequest): OssTarget[] {
  const hostHeader = (header(req, 'host') ?? '').toLowerCase();
  const host = hostHeader.replace(/:\d+$/, '');
  let path: string;
  try {
    path = decodeURIComponent(req.rawPath);
  } catch {
    throw new SandboxError('InvalidURI', 400, `Couldn't parse the specified URI.`, { URI: req.rawPath });
  }
  const ossHost = OSS_HOST.exec(host);
  const hostRegion = ossHost?.[2];
  const hostBucket = ossHost ? ossHost[1] : LOCAL_VHOST.exec(host)?.[1];
  const virtual: OssTarget = { bucket: hostBucket || undefined, key: path.slice(1) || undefined, hostRegion };
  const slash = path.indexOf('/', 1);
  const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
  const pathStyle: OssTarget = {
    bucket: first || undefined,
    key: (slash < 0 ? '' : path.slice(slash + 1)) || undefined,
    hostRegion,
  };
  if (!hostBucket) {
    return [pathStyle];
  }
  const forcedByIpEndpoint = ossHost !== null && hostHeader === host;
  return forcedByIpEndpoint && first === hostBucket ? [pathStyle, virtual] : [virtual];
}

/**
 * Sub-resources of operations the sandbox does not serve. Answering them NotImplemented beats
 * misreading `GET /key?acl` as GetObject.
 */
const UNSERVED_SUBRESOURCE =
  /^(acl|append|cors|lifecycle|referer|website|tagging|symlink|restore|policy|encryption|inventory|worm|replication|x-oss-process|cname|stat|qos|requestPayment|transferAcceleration)$/;

function operationOf(req: SandboxRequest, t: OssTarget): string {
  const q = req.query;
  const method = req.method.toUpperCase();
  for (const k of q.keys()) {
    if (UNSERVED_SUBRESOURCE.test(k)) {
      return `Unsupported:${k}`;
    }
  }
  if (!t.bucket) {
    return method === 'GET' ? 'ListBuckets' : 'Unknown';
  }
  if (t.key === undefined) {
    if (q.has('logging')) {
      return method === 'GET'
        ? 'GetBucketLogging'
        : method === 'PUT'
          ? 'PutBucketLogging'
          : method === 'DELETE'
            ? 'DeleteBucketLogging'
            : 'Unknown';
    }
    if (method === 'GET') {
      if (q.has('bucketInfo')) {
        return 'GetBucketInfo';
      }
      if (q.has('location')) {
        return 'GetBucketLocation';
      }
      if (q.has('uploads')) {
        return 'ListMultipartUploads';
      }
      if (q.has('versioning')) {
        return 'GetBucketVersioning';
      }
      if (q.has('versions')) {
        return 'ListObjectVersions';
      }
      return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    }
    if (method === 'POST' && q.has('delete')) {
      return 'DeleteMultipleObjects';
    }
    if (method === 'PUT' && q.has('versioning')) {
      return 'PutBucketVersioning';
    }
    return method === 'PUT' ? 'PutBucket' : method === 'DELETE' ? 'DeleteBucket' : 'Unknown';
  }
  switch (method) {
    case 'GET':
      return q.has('uploadId') ? 'ListParts' : 'GetObject';
    case 'HEAD':
      return q.has('objectMeta') ? 'GetObjectMeta' : 'HeadObject';
    case 'PUT':
      if (q.has('uploadId') && q.has('partNumber')) {
        return header(req, 'x-oss-copy-source') ? 'UploadPartCopy' : 'UploadPart';
      }
      return header(req, 'x-oss-copy-source') ? 'CopyObject' : 'PutObject';
    case 'POST':
      return q.has('uploads')
        ? 'InitiateMultipartUpload'
        : q.has('uploadId')
          ? 'CompleteMultipartUpload'
          : 'PostObject';
    case 'DELETE':
      return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return 'Unknown';
  }
}

// ---- errors ----

/** An OSS error that carries pre-rendered XML (AccessDeniedDetail) besides the flat extras, and headers of its own (x-oss-delete-marker). */
class OssError extends SandboxError {
  constructor(
    code: string,
    status: number,
    message: string,
    extra: Record<string, string> = {},
    readonly detailXml?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, status, message, extra);
  }
}

const errors = {
  noSuchBucket: (bucket: string) =>
    new OssError('NoSuchBucket', 404, 'The specified bucket does not exist.', {
      BucketName: bucket,
      EC: '0015-00000101',
    }),
  noSuchKey: (key: string) =>
    new OssError('NoSuchKey', 404, 'The specified key does not exist.', { Key: key, EC: '0026-00000001' }),
  noSuchUpload: (uploadId: string) =>
    new OssError(
      'NoSuchUpload',
      404,
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    ),
  invalidArgument: (message: string, name: string, value: string) =>
    new OssError('InvalidArgument', 400, message, { ArgumentName: name, ArgumentValue: value }),
  anonymous: () =>
    new OssError('AccessDenied', 403, 'You have no right to access this object because of bucket acl.', {
      EC: '0003-00000001',
    }),
  invalidKeyId: (accessKeyId: string, message = 'The OSS Access Key Id you provided does not exist in our records.') =>
    new OssError('InvalidAccessKeyId', 403, message, { OSSAccessKeyId: accessKeyId }),
  invalidDigest: () => new OssError('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.'),
  alreadyExists: () =>
    new OssError('FileAlreadyExists', 409, 'The object you specified already exists and can not be overwritten.'),
  // The OSS pages for EC 0012-00000203 ("the version the versionId names does not exist") name no
  // code; NoSuchVersion is the code S3-compatible services use for it.
  noSuchVersion: (key: string, versionId: string) =>
    new OssError('NoSuchVersion', 404, 'The specified version does not exist.', {
      Key: key,
      VersionId: versionId,
      EC: '0012-00000203',
    }),
};

/** principal.ts speaks the RPC codes; OSS reports the same conditions in its own words. */
function authenticationError(e: unknown, auth: OssAuth): never {
  if (!(e instanceof SandboxError)) {
    throw e;
  }
  switch (e.code) {
    case 'InvalidSecurityToken.Expired':
      throw new OssError('SecurityTokenExpired', 403, 'The security token you provided has expired.', {
        SecurityToken: auth.securityToken ?? '',
        EC: '0002-00000007',
      });
    case 'InvalidSecurityToken.MismatchWithAccessKey':
      throw new OssError('InvalidAccessKeyId', 403, 'The security token you provided is invalid.', {
        OSSAccessKeyId: auth.accessKeyId,
        EC: '0002-00000006',
      });
    case 'InvalidAccessKeyId.Inactive':
      throw errors.invalidKeyId(auth.accessKeyId, 'The OSS Access Key Id you provided is disabled.');
    default:
      // Unknown key, or an STS key sent without its token: OSS says the key does not exist.
      throw errors.invalidKeyId(auth.accessKeyId);
  }
}

function ossRequestId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

function baseHeaders(state: SandboxState): Record<string, string> {
  return { server: 'AliyunOSS', date: new Date(wallNow(state)).toUTCString(), 'x-oss-request-id': ossRequestId() };
}

// ---- request context ----

interface Ctx {
  req: SandboxRequest;
  state: SandboxState;
  query: QueryPair[];
  target: OssTarget;
  principal: Principal;
  op: string;
  /** The RAM actions this request was authorized as (the access audit's unit). */
  checked?: string[];
  accessKeyId?: string;
}

const q = (ctx: Ctx, name: string): string | undefined => ctx.query.find(([k]) => k === name)?.[1];

const bucketArn = (state: SandboxState, bucket: string) => `acs:oss:*:${state.accountId}:${bucket}`;
const objectArn = (state: SandboxState, bucket: string, key: string) => `acs:oss:*:${state.accountId}:${bucket}/${key}`;

/** Authorizes one action for the caller; root always passes (principal.ts). */
function allow(
  ctx: Ctx,
  action: string,
  resource: string,
  extraConditions: Record<string, string | undefined> = {},
): void {
  const { principal, req, state } = ctx;
  const conditions = {
    // SandboxRequest has no peer address yet; the sandbox listens on loopback.
    'acs:SourceIp': (req as SandboxRequest & { remoteAddress?: string }).remoteAddress ?? '127.0.0.1',
    'acs:SecureTransport': 'false',
    'acs:CurrentTime': new Date(now(state)).toISOString(),
    ...extraConditions,
  };
  const decision = authorize(state, principal, { action, resource, conditions });
  (ctx.checked ??= []).push(action);
  if (decision.effect === 'Allow') {
    return;
  }
  const who =
    principal.kind === 'role'
      ? `role ${principal.roleName} (session ${principal.sessionName})`
      : principal.kind === 'user'
        ? `RAM user ${principal.userName}`
        : 'root';
  const explicit = decision.effect === 'ExplicitDeny';
  const why = explicit
    ? `an explicit Deny in RAM policy ${decision.matched.policyName} matches it`
    : `no RAM policy attached to ${who} allows it`;
  const detail = el(
    'AccessDeniedDetail',
    txt('PolicyType', 'AccountLevelIdentityBasedPolicy'),
    txt('AuthPrincipalOwnerId', principal.accountId),
    txt('AuthPrincipalType', principal.kind === 'role' ? 'AssumedRoleUser' : 'SubUser'),
    txt('AuthPrincipalDisplayName', principal.arn),
    txt('NoPermissionType', explicit ? 'ExplicitDeny' : 'ImplicitDeny'),
    txt('AuthAction', action),
  );
  throw new OssError(
    'AccessDenied',
    403,
    `You are not authorized to do ${action} on resource ${resource}: ${why}.`,
    { EC: explicit ? '0003-00000201' : '0003-00000001' },
    detail,
  );
}

function getBucket(state: SandboxState, name: string): Bucket {
  const b = state.buckets.get(name);
  if (!b) {
    throw errors.noSuchBucket(name);
  }
  return b;
}

// ---- authentication ----

/** Checks the signature against each addressing candidate; returns the one that verifies. */
/** OSS tolerates 15 minutes between a request's date and its own clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/**
 * Header-signed requests carry their date (V1: x-oss-date, else Date; V4: x-oss-date). OSS refuses
 * a missing or malformed one with AccessDenied and one more than 15 minutes off its clock with 403
 * RequestTimeTooSkewed (OSS API "Include a signature in the Authorization header"; EC
 * 0002-00000504). Presigned URLs are governed by their expiry instead. Realism `ossRequestTime`.
 */
function checkRequestTime(req: SandboxRequest, state: SandboxState, auth: OssAuth): void {
  if (!realismOf(state).ossRequestTime || (auth.kind !== 'V1' && auth.kind !== 'V4')) {
    return;
  }
  const raw = auth.kind === 'V4' ? auth.date : (header(req, 'x-oss-date') ?? header(req, 'date'));
  const ms = raw === undefined ? NaN : auth.kind === 'V4' ? parseV4Date(raw) : Date.parse(raw);
  if (Number.isNaN(ms)) {
    throw new OssError('AccessDenied', 403, 'OSS authentication requires a valid Date.');
  }
  const server = wallNow(state);
  if (Math.abs(server - ms) > MAX_SKEW_MS) {
    throw new OssError(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
      {
        RequestTime: raw!,
        ServerTime: new Date(server).toISOString(),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
        EC: '0002-00000504',
      },
    );
  }
}

function authenticate(
  req: SandboxRequest,
  state: SandboxState,
  query: QueryPair[],
  candidates: OssTarget[],
  auth: OssAuth | undefined,
): { principal: Principal; target: OssTarget } {
  if (!auth) {
    throw errors.anonymous();
  }
  checkRequestTime(req, state, auth);
  let resolved;
  try {
    resolved = resolveCredential(state, auth.accessKeyId, auth.securityToken);
  } catch (e) {
    authenticationError(e, auth);
  }
  if (auth.expiresAtMs !== undefined && now(state) > auth.expiresAtMs) {
    throw new OssError('AccessDenied', 403, 'Request has expired.', {
      Expires: new Date(auth.expiresAtMs).toISOString(),
      ServerTime: new Date(now(state)).toISOString(),
    });
  }
  let firstCheck;
  for (const target of candidates) {
    const signTarget: SignTarget = { bucket: target.bucket, key: target.key };
    const check = verifyOssSignature(auth, req, query, signTarget, resolved.secret);
    if (check.ok) {
      return { principal: resolved.principal, target };
    }
    firstCheck ??= check;
  }
  const extra: Record<string, string> = {
    StringToSign: firstCheck!.stringToSign,
    SignatureProvided: auth.signature,
    StringToSignBytes: stringToSignBytes(firstCheck!.stringToSign),
    OSSAccessKeyId: auth.accessKeyId,
  };
  if (firstCheck!.canonicalRequest !== undefined) {
    extra.CanonicalRequest = firstCheck!.canonicalRequest;
  }
  throw new OssError(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    extra,
  );
}

// ---- responses ----

function xmlResponse(ctx: Ctx, root: string, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  const body = xmlDocument(root);
  return {
    status,
    headers: {
      ...baseHeaders(ctx.state),
      'content-type': 'application/xml',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    },
    body,
  };
}

function emptyResponse(ctx: Ctx, status: number, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { ...baseHeaders(ctx.state), 'content-length': '0', ...headers }, body: '' };
}

const owner = (state: SandboxState) => el('Owner', txt('ID', state.accountId), txt('DisplayName', state.accountId));
const endpointOf = (region: string, internal = false) => `oss-${region}${internal ? '-internal' : ''}.aliyuncs.com`;
const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const etagOf = (b: Buffer) => `"${md5(b).toString('hex').toUpperCase()}"`;

function parseMaxKeys(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) {
    throw errors.invalidArgument(`Argument ${name} must be an integer between 1 and ${max}.`, name, raw);
  }
  return n;
}

// ---- service and bucket operations ----

function listBuckets(ctx: Ctx): SandboxResponse {
  allow(ctx, 'oss:ListBuckets', `acs:oss:*:${ctx.state.accountId}:*`);
  const prefix = q(ctx, 'prefix') ?? '';
  const marker = q(ctx, 'marker') ?? '';
  const maxKeys = parseMaxKeys(q(ctx, 'max-keys'), 'max-keys', 100, 1000);
  const all = [...ctx.state.buckets.values()]
    .filter((b) => b.name.startsWith(prefix) && b.name > marker)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = all.slice(0, maxKeys);
  const truncated = all.length > maxKeys;
  const paged = ['prefix', 'marker', 'max-keys'].some((k) => q(ctx, k) !== undefined);
  return xmlResponse(
    ctx,
    el(
      'ListAllMyBucketsResult',
      paged && txt('Prefix', prefix),
      paged && txt('Marker', marker),
      paged && txt('MaxKeys', maxKeys),
      (paged || truncated) && txt('IsTruncated', truncated),
      truncated && txt('NextMarker', page[page.length - 1].name),
      owner(ctx.state),
      el(
        'Buckets',
        ...page.map((b) =>
          el(
            'Bucket',
            txt('CreationDate', b.creationDate),
            txt('ExtranetEndpoint', endpointOf(b.region)),
            txt('IntranetEndpoint', endpointOf(b.region, true)),
            txt('Location', `oss-${b.region}`),
            txt('Name', b.name),
            txt('Region', b.region),
            txt('StorageClass', b.storageClass),
          ),
        ),
      ),
    ),
  );
}

// ---- bucket lifecycle ----

/**
 * Names other accounts hold in OSS's global bucket namespace, so BucketAlreadyExists can be
 * rehearsed: the sandbox is one account, and a name it owns itself is not an error (below).
 */
export const FOREIGN_BUCKETS: ReadonlySet<string> = new Set(['examplebucket', 'test-bucket', 'backup', 'logs']);
/** "You can create up to 100 buckets in the same region" (PutBucket API reference). */
export const MAX_BUCKETS_PER_REGION = 100;
const STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'] as const;
const ACLS = ['private', 'public-read', 'public-read-write'] as const;

/**
 * PutBucket (API reference "PutBucket"/"Create a bucket"): x-oss-acl (private by default) and
 * CreateBucketConfiguration/StorageClass. The first call creates; a repeat from the owner changes
 * its metadata. A name another account holds is 409 BucketAlreadyExists; the 101st bucket of a
 * region is 400 TooManyBuckets; a name against the rules is 400 InvalidBucketName.
 */
function putBucket(ctx: Ctx, name: string): SandboxResponse {
  allow(ctx, 'oss:PutBucket', bucketArn(ctx.state, name));
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) {
    throw new OssError('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: name });
  }
  if (FOREIGN_BUCKETS.has(name)) {
    throw new OssError(
      'BucketAlreadyExists',
      409,
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      { BucketName: name },
    );
  }
  const acl = (header(ctx.req, 'x-oss-acl') ?? 'private') as Bucket['acl'];
  if (!ACLS.includes(acl!)) {
    throw errors.invalidArgument('no such bucket access control exists', 'x-oss-acl', acl ?? '');
  }
  const body = ctx.req.body.toString('utf8');
  const storageClass = (/<StorageClass>([^<]*)<\/StorageClass>/.exec(body)?.[1] ??
    'Standard') as Bucket['storageClass'];
  if (!STORAGE_CLASSES.includes(storageClass)) {
    throw errors.invalidArgument('Invalid storage class.', 'StorageClass', storageClass);
  }
  const existing = ctx.state.buckets.get(name);
  const region = existing?.region ?? ctx.target.hostRegion ?? 'cn-hangzhou';
  if (existing) {
    existing.acl = acl;
  } else {
    if ([...ctx.state.buckets.values()].filter((b) => b.region === region).length >= MAX_BUCKETS_PER_REGION) {
      throw new OssError('TooManyBuckets', 400, 'You have attempted to create more buckets than allowed.', {
        BucketName: name,
      });
    }
    ctx.state.buckets.set(name, {
      name,
      region,
      creationDate: new Date(now(ctx.state)).toISOString(),
      storageClass,
      acl,
      objects: new Map(),
    });
  }
  return emptyResponse(ctx, 200, { location: `/${name}` });
}

/**
 * DeleteBucket: 204, or 409 BucketNotEmpty while the bucket holds objects, earlier versions or
 * delete markers, or parts of incomplete multipart uploads (DeleteBucket API reference: OSS does
 * not delete a non-empty bucket; a versioned one must lose every version and delete marker first).
 */
function deleteBucket(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:DeleteBucket', bucketArn(ctx.state, b.name));
  const uploads = [...ctx.state.uploads.values()].some((u) => u.bucket === b.name);
  if (b.objects.size || b.versions?.size || uploads) {
    throw new OssError('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty.', { BucketName: b.name });
  }
  ctx.state.buckets.delete(b.name);
  loggingOf(ctx.state).delete(b.name);
  return emptyResponse(ctx, 204);
}

// ---- versioning ----

const NULL_VERSION = 'null';
const VERSION_ID_PREFIX = 'CAEQ';

const isDeleteMarker = (v: OssObjectVersion): v is OssDeleteMarker => (v as OssDeleteMarker).deleteMarker === true;
const versionIdOf = (v: OssObjectVersion): string => v.versionId ?? NULL_VERSION;
const seqOf = (v: OssObjectVersion): number => v.seq ?? 0;

/**
 * A new version ID. Real ones are opaque base64 ("CAEQNhiBgMDJgZCA0BYiIDc4MGZj…", API reference
 * examples) that order versions; ours carry the write sequence, so a version-id-marker still has
 * its place in the listing after that version was deleted (which is how a bucket is emptied page by page).
 */
function newVersionId(seq: number): string {
  return VERSION_ID_PREFIX + Buffer.from(`sbx${seq}.${randomBytes(6).toString('hex')}`).toString('base64url');
}

function seqOfVersionId(id: string): number | undefined {
  if (!id.startsWith(VERSION_ID_PREFIX)) {
    return undefined;
  }
  const m = /^sbx(\d+)\./.exec(Buffer.from(id.slice(VERSION_ID_PREFIX.length), 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

function nextSeq(b: Bucket): number {
  b.versionSeq = (b.versionSeq ?? 0) + 1;
  return b.versionSeq;
}

/** Every version of a key, newest first: the current object, then the older versions and delete markers. */
function allVersions(b: Bucket, key: string): OssObjectVersion[] {
  const current = b.objects.get(key);
  const older = b.versions?.get(key) ?? [];
  return current ? [current, ...older] : older;
}

/** Stores a key's versions (newest first): the newest goes to `objects` unless it is a delete marker. */
function setVersions(b: Bucket, key: string, list: OssObjectVersion[]): void {
  const [head] = list;
  let rest = list;
  if (head && !isDeleteMarker(head)) {
    b.objects.set(key, head);
    rest = list.slice(1);
  } else {
    b.objects.delete(key);
  }
  if (rest.length) {
    (b.versions ??= new Map()).set(key, rest);
  } else {
    b.versions?.delete(key);
  }
}

/** The `x-oss-version-id` answer header of a write, in a bucket that is or was versioned. */
function versionHeader(b: Bucket, v: OssObjectVersion): Record<string, string> {
  return b.versioning ? { 'x-oss-version-id': versionIdOf(v) } : {};
}

/**
 * Deleting without a versionId in a versioned bucket deletes nothing: a delete marker becomes the
 * current version ("Delete marker", OSS user guide). Suspended: the marker's ID is "null" and it
 * replaces the key's null version.
 */
function addDeleteMarker(ctx: Ctx, b: Bucket, key: string): OssDeleteMarker {
  const seq = nextSeq(b);
  const marker: OssDeleteMarker = {
    deleteMarker: true,
    key,
    seq,
    lastModified: new Date(now(ctx.state)).toISOString(),
    versionId: b.versioning === 'Enabled' ? newVersionId(seq) : NULL_VERSION,
  };
  const older = allVersions(b, key).filter((v) => b.versioning === 'Enabled' || versionIdOf(v) !== NULL_VERSION);
  setVersions(b, key, [marker, ...older]);
  return marker;
}

/** Deletes one version permanently; the next older one, if any, becomes current again. */
function removeVersion(b: Bucket, key: string, versionId: string): OssObjectVersion | undefined {
  const list = allVersions(b, key);
  const i = list.findIndex((v) => versionIdOf(v) === versionId);
  if (i < 0) {
    return undefined;
  }
  const [gone] = list.splice(i, 1);
  setVersions(b, key, list);
  return gone;
}

/** `versionId` as a request gives it: an empty one is refused (EC 0012-00000201; the page names no code, InvalidArgument is the closest). */
function versionIdArg(ctx: Ctx): string | undefined {
  const v = q(ctx, 'versionId');
  if (v === '') {
    throw new OssError('InvalidArgument', 400, 'The versionId is empty.', {
      ArgumentName: 'versionId',
      ArgumentValue: '',
      EC: '0012-00000201',
    });
  }
  return v;
}

/** The version a GetObject/HeadObject/copy source names; NoSuchVersion when there is none. */
function findVersion(b: Bucket, key: string, versionId: string): OssObjectVersion {
  const v = allVersions(b, key).find((x) => versionIdOf(x) === versionId);
  if (!v) {
    throw errors.noSuchVersion(key, versionId);
  }
  return v;
}

/**
 * PutBucketVersioning (API reference): `<VersioningConfiguration><Status>Enabled|Suspended`. A blank
 * Status is EC 0012-00000003; the page names no code, MalformedXML is the documented one for a body
 * that does not validate. There is no way back to "disabled", as in OSS.
 */
function putBucketVersioning(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:PutBucketVersioning', bucketArn(ctx.state, b.name));
  const status = parseVersioningRequest(ctx.req.body);
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw new OssError(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
      { EC: '0012-00000003' },
    );
  }
  b.versioning = status;
  return emptyResponse(ctx, 200);
}

/**
 * PutBucketLogging (API reference; error pages 0032-00000008/9/10, which name no code:
 * InvalidTargetBucketForLogging is the code OSS's error list gives logging targets). The target
 * must exist, belong to the same account and sit in the same region; writing to another bucket
 * needs oss:PutObject on it too. An empty BucketLoggingStatus turns logging off.
 */
function putBucketLogging(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:PutBucketLogging', bucketArn(ctx.state, b.name));
  const xml = ctx.req.body.toString('utf8');
  const status = /<BucketLoggingStatus\b[^>]*>([\s\S]*)<\/BucketLoggingStatus>|<BucketLoggingStatus\s*\/>/.exec(xml);
  if (!status) {
    throw new OssError(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  }
  const enabled = /<LoggingEnabled>([\s\S]*)<\/LoggingEnabled>/.exec(status[1] ?? '');
  if (!enabled) {
    loggingOf(ctx.state).delete(b.name);
    return emptyResponse(ctx, 200);
  }
  const target = unescapeXml(/<TargetBucket>([^<]*)<\/TargetBucket>/.exec(enabled[1])?.[1]?.trim() ?? '');
  const prefix = unescapeXml(/<TargetPrefix>([^<]*)<\/TargetPrefix>/.exec(enabled[1])?.[1] ?? '');
  const refuse = (ec: string, message: string) =>
    new OssError('InvalidTargetBucketForLogging', 400, message, { TargetBucket: target, EC: ec });
  if (FOREIGN_BUCKETS.has(target)) {
    throw refuse('0032-00000009', 'You are not the owner of the target bucket for logging.');
  }
  const t = ctx.state.buckets.get(target);
  if (!t) {
    throw refuse('0032-00000008', 'The target bucket for logging does not exist.');
  }
  if (t.region !== b.region) {
    throw refuse('0032-00000010', 'The target bucket for logging must be in the same region as the source bucket.');
  }
  if (target !== b.name) {
    allow(ctx, 'oss:PutObject', objectArn(ctx.state, target, `${prefix}*`));
  }
  loggingOf(ctx.state).set(b.name, { targetBucket: target, targetPrefix: prefix });
  return emptyResponse(ctx, 200);
}

/** GetBucketLogging: an empty BucketLoggingStatus while logging is off. */
function getBucketLogging(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:GetBucketLogging', bucketArn(ctx.state, b.name));
  const cfg = loggingOf(ctx.state).get(b.name);
  return xmlResponse(
    ctx,
    el(
      'BucketLoggingStatus',
      cfg && el('LoggingEnabled', txt('TargetBucket', cfg.targetBucket), txt('TargetPrefix', cfg.targetPrefix)),
    ),
  );
}

/** DeleteBucketLogging: 204, whether or not logging was on. */
function deleteBucketLogging(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:DeleteBucketLogging', bucketArn(ctx.state, b.name));
  loggingOf(ctx.state).delete(b.name);
  return emptyResponse(ctx, 204);
}

/** GetBucketVersioning (API reference): no Status element while versioning was never enabled. */
function getBucketVersioning(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:GetBucketVersioning', bucketArn(ctx.state, b.name));
  return xmlResponse(ctx, el('VersioningConfiguration', txt('Status', b.versioning)));
}

/**
 * ListObjectVersions/GetBucketVersions (API reference, help.aliyun.com document 112467): keys in
 * alphabetical order, each key's versions newest first, delete markers included; `key-marker` with
 * `version-id-marker` continues after that version of that key, `key-marker` alone after the key.
 * Versions, delete markers and common prefixes all count toward max-keys. ali-oss getBucketVersions
 * reads Version/DeleteMarker (Owner required), CommonPrefixes, IsTruncated, NextKeyMarker and
 * NextVersionIdMarker.
 */
function listObjectVersions(ctx: Ctx, b: Bucket): SandboxResponse {
  const prefix = q(ctx, 'prefix') ?? '';
  const delimiter = q(ctx, 'delimiter') ?? '';
  allow(ctx, 'oss:ListObjectVersions', bucketArn(ctx.state, b.name), {
    'oss:Prefix': prefix,
    'oss:Delimiter': delimiter,
  });
  const maxKeys = parseMaxKeys(q(ctx, 'max-keys'), 'max-keys', 100, 1000);
  const keyMarker = q(ctx, 'key-marker') ?? '';
  const versionIdMarker = q(ctx, 'version-id-marker') ?? '';
  if (versionIdMarker && !keyMarker) {
    throw errors.invalidArgument(
      'A version-id marker cannot be specified without a key marker.',
      'version-id-marker',
      versionIdMarker,
    );
  }
  // Where the marker version sat among its key's versions: only versions older than it follow.
  let markerSeq = Infinity;
  if (versionIdMarker) {
    const seq =
      versionIdMarker === NULL_VERSION
        ? (allVersions(b, keyMarker).find((v) => versionIdOf(v) === NULL_VERSION)?.seq ?? 0)
        : seqOfVersionId(versionIdMarker);
    if (seq === undefined) {
      throw errors.invalidArgument('Invalid version id specified.', 'version-id-marker', versionIdMarker);
    }
    markerSeq = seq;
  }
  const enc = keyEncoder(ctx);
  const keys = b.versions?.size
    ? [...new Set([...sortedKeys(b.objects), ...b.versions.keys()])].sort()
    : sortedKeys(b.objects);
  const entries: string[] = [];
  let count = 0;
  let truncated = false;
  let next: { key: string; versionId: string } | undefined;
  let lastPrefix = versionIdMarker ? undefined : keyMarker;
  for (let k = firstAtOrAfter(keys, keyMarker > prefix ? keyMarker : prefix); k < keys.length && !truncated; k++) {
    const key = keys[k];
    if (!key.startsWith(prefix)) {
      break;
    }
    if (key === keyMarker && !versionIdMarker) {
      continue;
    }
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      // A page that ended on a common prefix goes on after every key under it.
      const common = key.slice(0, cut + delimiter.length);
      if (common === lastPrefix) {
        continue;
      }
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      entries.push(el('CommonPrefixes', txt('Prefix', enc(common))));
      count++;
      lastPrefix = common;
      next = { key: common, versionId: '' };
      continue;
    }
    const versions = allVersions(b, key);
    for (const [i, v] of versions.entries()) {
      if (key === keyMarker && seqOf(v) >= markerSeq) {
        continue;
      }
      if (count === maxKeys) {
        truncated = true;
        break;
      }
      const common = [
        txt('Key', enc(key)),
        txt('VersionId', versionIdOf(v)),
        txt('IsLatest', i === 0),
        txt('LastModified', v.lastModified),
      ];
      entries.push(
        isDeleteMarker(v)
          ? el('DeleteMarker', ...common, owner(ctx.state))
          : el(
              'Version',
              ...common,
              txt('ETag', v.etag),
              txt('Type', v.objectType ?? 'Normal'),
              txt('Size', v.body.length),
              txt('StorageClass', 'Standard'),
              owner(ctx.state),
            ),
      );
      count++;
      next = { key, versionId: versionIdOf(v) };
    }
  }
  return xmlResponse(
    ctx,
    el(
      'ListVersionsResult',
      txt('Name', b.name),
      txt('Prefix', enc(prefix)),
      txt('KeyMarker', enc(keyMarker)),
      txt('VersionIdMarker', versionIdMarker),
      txt('MaxKeys', maxKeys),
      txt('Delimiter', enc(delimiter)),
      q(ctx, 'encoding-type') && txt('EncodingType', 'url'),
      txt('IsTruncated', truncated),
      truncated && next && txt('NextKeyMarker', enc(next.key)),
      truncated && next && txt('NextVersionIdMarker', next.versionId),
      ...entries,
    ),
  );
}

function getBucketInfo(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:GetBucketInfo', bucketArn(ctx.state, b.name));
  return xmlResponse(
    ctx,
    el(
      'BucketInfo',
      el(
        'Bucket',
        txt('AccessMonitor', 'Disabled'),
        txt('CreationDate', b.creationDate),
        txt('ExtranetEndpoint', endpointOf(b.region)),
        txt('IntranetEndpoint', endpointOf(b.region, true)),
        txt('Location', `oss-${b.region}`),
        txt('StorageClass', b.storageClass),
        txt('TransferAcceleration', 'Disabled'),
        txt('CrossRegionReplication', 'Disabled'),
        txt('Name', b.name),
        txt('ResourceGroupId', 'rg-default'),
        owner(ctx.state),
        el('AccessControlList', txt('Grant', b.acl ?? 'private')),
        txt('Comment', ''),
        txt('DataRedundancyType', 'LRS'),
        txt('Versioning', b.versioning ?? 'Disabled'),
        el('ServerSideEncryptionRule', txt('SSEAlgorithm', 'None')),
        el('BucketPolicy', txt('LogBucket', ''), txt('LogPrefix', '')),
      ),
    ),
  );
}

function getBucketLocation(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:GetBucketLocation', bucketArn(ctx.state, b.name));
  return xmlResponse(ctx, txt('LocationConstraint', `oss-${b.region}`));
}

interface ListPage {
  contents: OssObject[];
  prefixes: string[];
  truncated: boolean;
  /** Last key or common prefix returned: where the next page starts (exclusive). */
  last?: string;
}

/**
 * One page of keys after `after` (exclusive), rolling keys up into common prefixes at the first
 * delimiter past `prefix`. Contents and prefixes both count toward `maxKeys`, like OSS. A page
 * boundary on a common prefix skips every key under it on the next page.
 */
function listPage(bucket: Bucket, prefix: string, delimiter: string, after: string, maxKeys: number): ListPage {
  const page: ListPage = { contents: [], prefixes: [], truncated: false };
  let lastPrefix = after;
  // Sorted once per change of the key set, then a binary search: a 100,000-key bucket answers
  // its first page as fast as a small one.
  const keys = sortedKeys(bucket.objects);
  const from = Math.max(firstAfter(keys, after), firstAtOrAfter(keys, prefix));
  for (let k = from; k < keys.length; k++) {
    const key = keys[k];
    if (key <= after) {
      continue;
    }
    if (!key.startsWith(prefix)) {
      break;
    }
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && common === lastPrefix) {
      continue;
    }
    if (page.contents.length + page.prefixes.length === maxKeys) {
      page.truncated = true;
      break;
    }
    if (common !== undefined) {
      page.prefixes.push(common);
      lastPrefix = common;
      page.last = common;
    } else {
      page.contents.push(bucket.objects.get(key)!);
      page.last = key;
    }
  }
  return page;
}

const TOKEN_TAG = 'sbx1:';

function encodeToken(last: string): string {
  // base64url: the token goes back in a query string and must survive URL-decoding unchanged.
  return Buffer.from(TOKEN_TAG + last, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_TAG)) {
    throw errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(TOKEN_TAG.length);
}

/**
 * `encoding-type=url` (OSS ListObjects/ListObjectsV2/DeleteMultipleObjects: "the only valid value
 * is url"): names in the answer are URL-encoded so keys with characters XML 1.0 cannot carry, or
 * with `+` and `%`, survive. Go SDK and ossutil always ask for it and decode with QueryUnescape,
 * which reads `+` as a space, so spaces go out as %20 and `+` as %2B.
 */
function keyEncoder(ctx: Ctx): (s: string) => string {
  const type = q(ctx, 'encoding-type');
  if (type === undefined) {
    return (x) => x;
  }
  if (type !== 'url') {
    throw errors.invalidArgument('The Encoding-Type is not supported.', 'encoding-type', type);
  }
  return (x) => encodeURIComponent(x).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function contentsXml(ctx: Ctx, o: OssObject, withOwner: boolean, encode: (s: string) => string): string {
  return el(
    'Contents',
    txt('Key', encode(o.key)),
    txt('LastModified', o.lastModified),
    txt('ETag', o.etag),
    txt('Type', o.objectType ?? 'Normal'),
    txt('Size', o.body.length),
    txt('StorageClass', 'Standard'),
    withOwner && owner(ctx.state),
  );
}

function listObjects(ctx: Ctx, b: Bucket, v2: boolean): SandboxResponse {
  const prefix = q(ctx, 'prefix') ?? '';
  const delimiter = q(ctx, 'delimiter') ?? '';
  allow(ctx, 'oss:ListObjects', bucketArn(ctx.state, b.name), { 'oss:Prefix': prefix, 'oss:Delimiter': delimiter });
  const maxKeys = parseMaxKeys(q(ctx, 'max-keys'), 'max-keys', 100, 1000);
  // ListObjects encodes Key, Prefix, Marker, NextMarker and Delimiter; V2 encodes Key, Prefix,
  // StartAfter and Delimiter (its tokens are opaque and URL-safe here).
  const enc = keyEncoder(ctx);
  const encodingType = q(ctx, 'encoding-type') && txt('EncodingType', 'url');
  const prefixesXml = (page: ListPage) => page.prefixes.map((p) => el('CommonPrefixes', txt('Prefix', enc(p))));
  if (!v2) {
    const marker = q(ctx, 'marker') ?? '';
    const page = listPage(b, prefix, delimiter, marker, maxKeys);
    return xmlResponse(
      ctx,
      el(
        'ListBucketResult',
        txt('Name', b.name),
        txt('Prefix', enc(prefix)),
        txt('Marker', enc(marker)),
        txt('MaxKeys', maxKeys),
        txt('Delimiter', enc(delimiter)),
        encodingType,
        txt('IsTruncated', page.truncated),
        page.truncated && txt('NextMarker', enc(page.last!)),
        ...page.contents.map((o) => contentsXml(ctx, o, true, enc)),
        ...prefixesXml(page),
      ),
    );
  }
  const token = q(ctx, 'continuation-token');
  const startAfter = q(ctx, 'start-after');
  const after = token ? decodeToken(token) : (startAfter ?? '');
  const page = listPage(b, prefix, delimiter, after, maxKeys);
  return xmlResponse(
    ctx,
    el(
      'ListBucketResult',
      txt('Name', b.name),
      txt('Prefix', enc(prefix)),
      txt('StartAfter', startAfter === undefined ? undefined : enc(startAfter)),
      txt('ContinuationToken', token),
      txt('MaxKeys', maxKeys),
      txt('Delimiter', enc(delimiter)),
      encodingType,
      txt('IsTruncated', page.truncated),
      page.truncated && txt('NextContinuationToken', encodeToken(page.last!)),
      txt('KeyCount', page.contents.length + page.prefixes.length),
      ...page.contents.map((o) => contentsXml(ctx, o, q(ctx, 'fetch-owner') === 'true', enc)),
      ...prefixesXml(page),
    ),
  );
}

function deleteMultiple(ctx: Ctx, b: Bucket): SandboxResponse {
  // "DeleteMultipleObjects requests must include Content-MD5" (EC 0016-00000606). That page names
  // no error code; InvalidDigest is the documented OSS code about Content-MD5. Realism `ossContentMd5`.
  if (realismOf(ctx.state).ossContentMd5 && header(ctx.req, 'content-md5') === undefined) {
    throw new OssError('InvalidDigest', 400, 'Missing required header for this request: Content-MD5.', {
      EC: '0016-00000606',
    });
  }
  checkContentMd5(ctx.req);
  const encode = keyEncoder(ctx);
  const { quiet, objects } = parseDeleteRequest(ctx.req.body);
  for (const o of objects) {
    allow(
      ctx,
      o.versionId === undefined ? 'oss:DeleteObject' : 'oss:DeleteObjectVersion',
      objectArn(ctx.state, b.name, o.key),
    );
  }
  // Each one as DeleteObject would do it. <Deleted> carries Key, VersionId, DeleteMarker and
  // DeleteMarkerVersionId (DeleteMultipleObjects API reference; OSS Java SDK v2 DeletedInfo).
  const deleted = objects.map((o) => {
    if (o.versionId !== undefined) {
      const gone = removeVersion(b, o.key, o.versionId);
      const marker = gone !== undefined && isDeleteMarker(gone);
      return el(
        'Deleted',
        txt('Key', encode(o.key)),
        txt('VersionId', o.versionId),
        marker && txt('DeleteMarker', true),
        marker && txt('DeleteMarkerVersionId', o.versionId),
      );
    }
    if (!b.versioning) {
      b.objects.delete(o.key);
      return el('Deleted', txt('Key', encode(o.key)));
    }
    const marker = addDeleteMarker(ctx, b, o.key);
    return el(
      'Deleted',
      txt('Key', encode(o.key)),
      txt('DeleteMarker', true),
      txt('DeleteMarkerVersionId', marker.versionId),
    );
  });
  return xmlResponse(
    ctx,
    el('DeleteResult', q(ctx, 'encoding-type') && txt('EncodingType', 'url'), ...(quiet ? [] : deleted)),
  );
}

function listMultipartUploads(ctx: Ctx, b: Bucket): SandboxResponse {
  allow(ctx, 'oss:ListMultipartUploads', bucketArn(ctx.state, b.name));
  const prefix = q(ctx, 'prefix') ?? '';
  const uploads = [...ctx.state.uploads.values()]
    .filter((u) => u.bucket === b.name && u.key.startsWith(prefix))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.initiated < y.initiated ? -1 : 1));
  return xmlResponse(
    ctx,
    el(
      'ListMultipartUploadsResult',
      txt('Bucket', b.name),
      txt('KeyMarker', ''),
      txt('UploadIdMarker', ''),
      txt('NextKeyMarker', ''),
      txt('NextUploadIdMarker', ''),
      txt('Delimiter', ''),
      txt('Prefix', prefix),
      txt('MaxUploads', 1000),
      txt('IsTruncated', false),
      ...uploads.map((u) =>
        el(
          'Upload',
          txt('Key', u.key),
          txt('UploadId', u.uploadId),
          txt('StorageClass', 'Standard'),
          txt('Initiated', u.initiated),
        ),
      ),
    ),
  );
}

// ---- object operations ----

function checkContentMd5(req: SandboxRequest): void {
  const given = header(req, 'content-md5');
  if (given !== undefined && given !== md5(req.body).toString('base64')) {
    throw errors.invalidDigest();
  }
}

function metaFromHeaders(req: SandboxRequest): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const k of Object.keys(req.headers)) {
    const lk = k.toLowerCase();
    if (lk.startsWith('x-oss-meta-')) {
      meta[lk.slice('x-oss-meta-'.length)] = header(req, lk) ?? '';
    }
  }
  return meta;
}

function objectHeaders(o: OssObject): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': o.contentType,
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'x-oss-object-type': o.objectType ?? 'Normal',
    'x-oss-storage-class': 'Standard',
    // Of the whole object, also on range reads, as OSS does.
    'x-oss-hash-crc64ecma': crc64(o.body),
  };
  for (const [k, v] of Object.entries(o.meta)) {
    h[`x-oss-meta-${k}`] = v;
  }
  if (o.versionId !== undefined) {
    h['x-oss-version-id'] = o.versionId;
  }
  return h;
}

function getObjectRecord(b: Bucket, key: string): OssObject {
  const o = b.objects.get(key);
  if (!o) {
    throw errors.noSuchKey(key);
  }
  return o;
}

/** A single `bytes=` range; `undefined` when absent or malformed (OSS then serves everything). */
function parseRange(
  value: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) {
    return undefined;
  }
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) {
    return undefined;
  }
  return start >= size ? 'unsatisfiable' : { start, end };
}

const RESPONSE_OVERRIDES = [
  'content-type',
  'content-language',
  'expires',
  'cache-control',
  'content-disposition',
  'content-encoding',
];

/**
 * The object GetObject/HeadObject reads: the current one, or with `versionId` that version
 * (oss:GetObjectVersion). A key whose current version is a delete marker is 404 with
 * x-oss-delete-marker ("Delete marker": GetObject returns 404). Naming a marker's version is
 * EC 0017-00000002 ("this operation is not supported on a delete marker", OSS error page
 * 0017-00000002, which shows it for ?acl&versionId=); that page names no code or status, so
 * MethodNotAllowed 405 (S3's answer for GetObject/HeadObject) stays our guess.
 */
function readableVersion(ctx: Ctx, b: Bucket, key: string): OssObject {
  const versionId = versionIdArg(ctx);
  if (versionId === undefined) {
    allow(ctx, 'oss:GetObject', objectArn(ctx.state, b.name, key));
    const o = b.objects.get(key);
    const newest = o ? undefined : b.versions?.get(key)?.[0];
    if (newest && isDeleteMarker(newest)) {
      throw new OssError(
        'NoSuchKey',
        404,
        'The specified key does not exist.',
        { Key: key, EC: '0026-00000001' },
        undefined,
        { 'x-oss-delete-marker': 'true', 'x-oss-version-id': newest.versionId },
      );
    }
    return getObjectRecord(b, key);
  }
  allow(ctx, 'oss:GetObjectVersion', objectArn(ctx.state, b.name, key));
  const v = findVersion(b, key, versionId);
  if (isDeleteMarker(v)) {
    throw new OssError(
      'MethodNotAllowed',
      405,
      'The specified method is not allowed against this resource.',
      { Method: ctx.req.method, EC: '0017-00000002' },
      undefined,
      { 'x-oss-delete-marker': 'true', 'x-oss-version-id': versionId },
    );
  }
  return v;
}

function getObject(ctx: Ctx, b: Bucket, key: string, head: boolean): SandboxResponse {
  const o = readableVersion(ctx, b, key);
  const headers = { ...baseHeaders(ctx.state), ...objectHeaders(o) };
  if (ctx.op === 'GetObjectMeta') {
    return { status: 200, headers: { ...headers, 'content-length': String(o.body.length) } };
  }
  for (const name of RESPONSE_OVERRIDES) {
    const v = q(ctx, `response-${name}`);
    if (v !== undefined) {
      headers[name] = v;
    }
  }
  const range = parseRange(header(ctx.req, 'range'), o.body.length);
  if (range === 'unsatisfiable' && header(ctx.req, 'x-oss-range-behavior') === 'standard') {
    throw new OssError('InvalidRange', 416, 'The requested range is not satisfiable', {
      ActualObjectSize: String(o.body.length),
      RangeRequested: header(ctx.req, 'range') ?? '',
    });
  }
  if (range && range !== 'unsatisfiable') {
    const part = o.body.subarray(range.start, range.end + 1);
    return {
      status: 206,
      headers: {
        ...headers,
        'content-range': `bytes ${range.start}-${range.end}/${o.body.length}`,
        'content-length': String(part.length),
      },
      body: head ? undefined : part,
    };
  }
  return {
    status: 200,
    headers: { ...headers, 'content-length': String(o.body.length) },
    body: head ? undefined : o.body,
  };
}

/**
 * Writes the current object of a key. In a versioned bucket the one it replaces stays as an older
 * version (Enabled), or is dropped when it is the "null" version (Suspended, which writes "null").
 */
function storeObject(
  ctx: Ctx,
  b: Bucket,
  key: string,
  o: Omit<OssObject, 'key' | 'lastModified' | 'versionId' | 'seq'>,
): OssObject {
  if (forbidOverwrite(ctx, b) && b.objects.has(key)) {
    throw errors.alreadyExists();
  }
  const stored: OssObject = { ...o, key, lastModified: new Date(now(ctx.state)).toISOString() };
  if (!b.versioning) {
    b.objects.set(key, stored);
    return stored;
  }
  const enabled = b.versioning === 'Enabled';
  stored.seq = nextSeq(b);
  stored.versionId = enabled ? newVersionId(stored.seq) : NULL_VERSION;
  setVersions(b, key, [stored, ...allVersions(b, key).filter((v) => enabled || versionIdOf(v) !== NULL_VERSION)]);
  return stored;
}

/**
 * `x-oss-forbid-overwrite`: only `true` or `false` (OSS error page 0017-00000279, which names no
 * code: InvalidArgument 400 is our guess), and without effect in a bucket whose versioning is
 * Enabled or Suspended ("Enable versioning", help.aliyun.com/en/oss/user-guide/overview-78: the
 * header "does not take effect during uploads").
 */
function forbidOverwrite(ctx: Ctx, b: Bucket): boolean {
  const v = header(ctx.req, 'x-oss-forbid-overwrite');
  if (v === undefined) {
    return false;
  }
  if (v !== 'true' && v !== 'false') {
    throw new OssError('InvalidArgument', 400, 'x-oss-forbid-overwrite should be true or false.', {
      ArgumentName: 'x-oss-forbid-overwrite',
      ArgumentValue: v,
      EC: '0017-00000279',
    });
  }
  return v === 'true' && !b.versioning;
}

function checkKey(key: string): void {
  if (Buffer.byteLength(key) > 1023) {
    throw new OssError('InvalidObjectName', 400, 'The Length of Object name must be less than 1024.');
  }
}

function putObject(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  checkKey(key);
  checkContentMd5(ctx.req);
  const body = ctx.req.body;
  const o = storeObject(ctx, b, key, {
    body,
    etag: etagOf(body),
    contentType: header(ctx.req, 'content-type') ?? 'application/octet-stream',
    meta: metaFromHeaders(ctx.req),
  });
  return emptyResponse(ctx, 200, {
    etag: o.etag,
    'content-md5': md5(body).toString('base64'),
    'x-oss-hash-crc64ecma': crc64(body),
    ...versionHeader(b, o),
  });
}

/**
 * The object `x-oss-copy-source` names (`/bucket/url-encoded-key`, optionally `?versionId=`), for
 * CopyObject and UploadPartCopy alike; reading it needs oss:GetObject on the source.
 */
function copySource(ctx: Ctx, dest: Bucket): { bucket: string; key: string; object: OssObject } {
  const [source, query = ''] = (header(ctx.req, 'x-oss-copy-source') ?? '').split('?');
  // OSS form-decodes this header (`+` is a space): the Go SDK, and so ossutil and terraform, send
  // "/" + bucket + "/" + url.QueryEscape(key) (aliyun/aliyun-oss-go-sdk oss/bucket.go CopyObject,
  // oss/multipart.go UploadPartCopy). The request path, unlike it, keeps `+` literal.
  let decoded: string;
  try {
    decoded = decodeURIComponent(source.replace(/\+/g, ' '));
  } catch {
    decoded = '';
  }
  const m = /^\/?([^/]+)\/(.+)$/.exec(decoded);
  if (!m) {
    throw errors.invalidArgument(
      'Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.',
      'x-oss-copy-source',
      source,
    );
  }
  const [, bucket, key] = m;
  // "Objects cannot be copied between buckets located in different regions" (OSS "Copy objects");
  // OSS error page 0016-00000306 describes this request without a code or status: InvalidRequest
  // 400, as for the delete marker below, is our guess.
  const from = ctx.state.buckets.get(bucket);
  if (from && from.region !== dest.region) {
    throw new OssError('InvalidRequest', 400, 'Cross-region copy of objects is not supported.', {
      EC: '0016-00000306',
    });
  }
  const versionId = new URLSearchParams(query).get('versionId');
  if (versionId === null) {
    allow(ctx, 'oss:GetObject', objectArn(ctx.state, bucket, key));
    return { bucket, key, object: getObjectRecord(getBucket(ctx.state, bucket), key) };
  }
  allow(ctx, 'oss:GetObjectVersion', objectArn(ctx.state, bucket, key));
  const v = findVersion(getBucket(ctx.state, bucket), key, versionId);
  // OSS error page 0016-00000307 describes exactly this request; it names no code or status, so
  // InvalidRequest 400 (S3's answer to a copy naming a delete marker) is our guess.
  if (isDeleteMarker(v)) {
    throw new OssError('InvalidRequest', 400, 'The versionId in x-oss-copy-source can not be a delete marker.', {
      EC: '0016-00000307',
    });
  }
  return { bucket, key, object: v };
}

function copyObject(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  const { object: src } = copySource(ctx, b);
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  checkKey(key);
  const replace = (header(ctx.req, 'x-oss-metadata-directive') ?? 'COPY').toUpperCase() === 'REPLACE';
  const o = storeObject(ctx, b, key, {
    body: src.body,
    etag: src.etag,
    objectType: src.objectType,
    contentType: replace ? (header(ctx.req, 'content-type') ?? src.contentType) : src.contentType,
    meta: replace ? metaFromHeaders(ctx.req) : { ...src.meta },
  });
  return xmlResponse(ctx, el('CopyObjectResult', txt('ETag', o.etag), txt('LastModified', o.lastModified)), 200, {
    'x-oss-hash-crc64ecma': crc64(o.body),
    ...versionHeader(b, o),
  });
}

/**
 * DeleteObject. With `versionId` that version (or delete marker) goes for good and needs
 * oss:DeleteObjectVersion; a version that is not there is no error (204). Without it, a versioned
 * bucket gets a delete marker. Either way `x-oss-version-id` names the version, and
 * `x-oss-delete-marker: true` says it was a marker (DeleteObject API reference, "Delete marker").
 */
function deleteObject(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  const versionId = versionIdArg(ctx);
  if (versionId !== undefined) {
    allow(ctx, 'oss:DeleteObjectVersion', objectArn(ctx.state, b.name, key));
    const gone = removeVersion(b, key, versionId);
    return emptyResponse(ctx, 204, {
      'x-oss-version-id': versionId,
      ...(gone && isDeleteMarker(gone) ? { 'x-oss-delete-marker': 'true' } : {}),
    });
  }
  allow(ctx, 'oss:DeleteObject', objectArn(ctx.state, b.name, key));
  if (!b.versioning) {
    b.objects.delete(key);
    return emptyResponse(ctx, 204);
  }
  const marker = addDeleteMarker(ctx, b, key);
  return emptyResponse(ctx, 204, { 'x-oss-delete-marker': 'true', 'x-oss-version-id': marker.versionId });
}

// ---- multipart ----

/** OSS refuses parts other than the last one below 100 KB when completing. */
const MIN_PART_SIZE = 100 * 1024;

function findUpload(ctx: Ctx, b: Bucket, key: string): MultipartUpload {
  const uploadId = q(ctx, 'uploadId') ?? '';
  const u = ctx.state.uploads.get(uploadId);
  if (!u || u.bucket !== b.name || u.key !== key) {
    throw errors.noSuchUpload(uploadId);
  }
  return u;
}

function initiateMultipart(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  checkKey(key);
  const uploadId = randomBytes(16).toString('hex').toUpperCase();
  ctx.state.uploads.set(uploadId, {
    uploadId,
    bucket: b.name,
    key,
    contentType: header(ctx.req, 'content-type') ?? 'application/octet-stream',
    initiated: new Date(now(ctx.state)).toISOString(),
    parts: new Map(),
    meta: metaFromHeaders(ctx.req),
  });
  return xmlResponse(
    ctx,
    el('InitiateMultipartUploadResult', txt('Bucket', b.name), txt('Key', key), txt('UploadId', uploadId)),
  );
}

function uploadPart(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  const raw = q(ctx, 'partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive.', 'partNumber', raw);
  }
  const u = findUpload(ctx, b, key);
  checkContentMd5(ctx.req);
  const etag = etagOf(ctx.req.body);
  u.parts.set(n, { body: ctx.req.body, etag, lastModified: new Date(now(ctx.state)).toISOString() });
  return emptyResponse(ctx, 200, {
    etag,
    'content-md5': md5(ctx.req.body).toString('base64'),
    'x-oss-hash-crc64ecma': crc64(ctx.req.body),
  });
}

/**
 * UploadPartCopy (OSS API reference "UploadPartCopy", help.aliyun.com document 31994): UploadPart
 * with `x-oss-copy-source` and, for a slice, `x-oss-copy-source-range: bytes=first-last` (absent:
 * the whole source). Needs oss:GetObject on the source and oss:PutObject on the destination. The
 * answer is `<CopyPartResult>` (LastModified, ETag); the ETag also goes out as a header, which is
 * where ali-oss's uploadPartCopy reads it. A malformed range copies the whole object, as GetObject
 * serves a malformed Range; one past the end is InvalidRange (416), GetObject's code for it.
 */
function uploadPartCopy(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  const raw = q(ctx, 'partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive.', 'partNumber', raw);
  }
  const { object: src } = copySource(ctx, b);
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  const u = findUpload(ctx, b, key);
  const rangeHeader = header(ctx.req, 'x-oss-copy-source-range');
  const range = parseRange(rangeHeader, src.body.length);
  if (range === 'unsatisfiable') {
    throw new OssError('InvalidRange', 416, 'The requested range is not satisfiable', {
      ActualObjectSize: String(src.body.length),
      RangeRequested: rangeHeader ?? '',
    });
  }
  const body = range ? Buffer.from(src.body.subarray(range.start, range.end + 1)) : src.body;
  const etag = etagOf(body);
  const lastModified = new Date(now(ctx.state)).toISOString();
  u.parts.set(n, { body, etag, lastModified });
  return xmlResponse(ctx, el('CopyPartResult', txt('LastModified', lastModified), txt('ETag', etag)), 200, { etag });
}

function completeMultipart(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:PutObject', objectArn(ctx.state, b.name, key));
  const u = findUpload(ctx, b, key);
  const listed =
    header(ctx.req, 'x-oss-complete-all') === 'yes'
      ? [...u.parts.entries()].sort(([x], [y]) => x - y).map(([partNumber, p]) => ({ partNumber, etag: p.etag }))
      : parseCompleteRequest(ctx.req.body);
  const invalidPart = () =>
    new OssError(
      'InvalidPart',
      400,
      "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
    );
  if (listed.length === 0) {
    throw invalidPart();
  }
  const bodies: Buffer[] = [];
  const digests: Buffer[] = [];
  listed.forEach(({ partNumber, etag }, i) => {
    if (i > 0 && partNumber <= listed[i - 1].partNumber) {
      throw new OssError(
        'InvalidPartOrder',
        400,
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      );
    }
    const part = u.parts.get(partNumber);
    const bare = (s: string) => s.replace(/"/g, '').toUpperCase();
    if (!part || bare(part.etag) !== bare(etag)) {
      throw invalidPart();
    }
    if (i < listed.length - 1 && part.body.length < MIN_PART_SIZE) {
      throw new OssError('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size.', {
        PartNumber: String(partNumber),
        MinSizeAllowed: String(MIN_PART_SIZE),
      });
    }
    bodies.push(part.body);
    digests.push(md5(part.body));
  });
  const body = Buffer.concat(bodies);
  const etag = `"${md5(Buffer.concat(digests)).toString('hex').toUpperCase()}-${listed.length}"`;
  const stored = storeObject(ctx, b, key, {
    body,
    etag,
    contentType: u.contentType,
    meta: u.meta ?? {},
    objectType: 'Multipart',
  });
  ctx.state.uploads.delete(u.uploadId);
  return xmlResponse(
    ctx,
    el(
      'CompleteMultipartUploadResult',
      txt('Location', `http://${b.name}.${endpointOf(b.region)}/${encodeURIComponent(key).replace(/%2F/g, '/')}`),
      txt('Bucket', b.name),
      txt('Key', key),
      txt('ETag', etag),
    ),
    200,
    { etag, 'x-oss-hash-crc64ecma': crc64(body), ...versionHeader(b, stored) },
  );
}

function abortMultipart(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:AbortMultipartUpload', objectArn(ctx.state, b.name, key));
  ctx.state.uploads.delete(findUpload(ctx, b, key).uploadId);
  return emptyResponse(ctx, 204);
}

function listParts(ctx: Ctx, b: Bucket, key: string): SandboxResponse {
  allow(ctx, 'oss:ListParts', objectArn(ctx.state, b.name, key));
  const u = findUpload(ctx, b, key);
  const marker = Number(q(ctx, 'part-number-marker') ?? 0) || 0;
  const maxParts = parseMaxKeys(q(ctx, 'max-parts'), 'max-parts', 1000, 1000);
  const parts = [...u.parts.entries()].filter(([n]) => n > marker).sort(([x], [y]) => x - y);
  const page = parts.slice(0, maxParts);
  const truncated = parts.length > maxParts;
  return xmlResponse(
    ctx,
    el(
      'ListPartsResult',
      txt('Bucket', b.name),
      txt('Key', key),
      txt('UploadId', u.uploadId),
      txt('StorageClass', 'Standard'),
      txt('PartNumberMarker', marker),
      txt('NextPartNumberMarker', page.length ? page[page.length - 1][0] : marker),
      txt('MaxParts', maxParts),
      txt('IsTruncated', truncated),
      ...page.map(([n, p]) =>
        el(
          'Part',
          txt('PartNumber', n),
          txt('LastModified', p.lastModified ?? u.initiated),
          txt('ETag', p.etag),
          txt('Size', p.body.length),
        ),
      ),
    ),
  );
}

// ---- dispatch ----

function execute(ctx: Ctx): SandboxResponse {
  const { op, target, state } = ctx;
  if (op.startsWith('Unsupported:') || op === 'PostObject') {
    throw new OssError(
      'NotImplemented',
      501,
      `The sandbox does not implement ${op.replace('Unsupported:', 'the sub-resource ')}.`,
    );
  }
  if (op === 'ListBuckets') {
    return listBuckets(ctx);
  }
  if (op === 'PutBucket') {
    return putBucket(ctx, target.bucket!);
  }
  const b = getBucket(state, target.bucket!);
  const key = target.key!;
  switch (op) {
    case 'GetBucketInfo':
      return getBucketInfo(ctx, b);
    case 'DeleteBucket':
      return deleteBucket(ctx, b);
    case 'GetBucketLocation':
      return getBucketLocation(ctx, b);
    case 'ListObjects':
      return listObjects(ctx, b, false);
    case 'ListObjectsV2':
      return listObjects(ctx, b, true);
    case 'ListMultipartUploads':
      return listMultipartUploads(ctx, b);
    case 'PutBucketVersioning':
      return putBucketVersioning(ctx, b);
    case 'GetBucketVersioning':
      return getBucketVersioning(ctx, b);
    case 'PutBucketLogging':
      return putBucketLogging(ctx, b);
    case 'GetBucketLogging':
      return getBucketLogging(ctx, b);
    case 'DeleteBucketLogging':
      return deleteBucketLogging(ctx, b);
    case 'ListObjectVersions':
      return listObjectVersions(ctx, b);
    case 'DeleteMultipleObjects':
      return deleteMultiple(ctx, b);
    case 'GetObject':
      return getObject(ctx, b, key, false);
    case 'HeadObject':
    case 'GetObjectMeta':
      return getObject(ctx, b, key, true);
    case 'PutObject':
      return putObject(ctx, b, key);
    case 'CopyObject':
      return copyObject(ctx, b, key);
    case 'DeleteObject':
      return deleteObject(ctx, b, key);
    case 'InitiateMultipartUpload':
      return initiateMultipart(ctx, b, key);
    case 'UploadPart':
      return uploadPart(ctx, b, key);
    case 'UploadPartCopy':
      return uploadPartCopy(ctx, b, key);
    case 'CompleteMultipartUpload':
      return completeMultipart(ctx, b, key);
    case 'AbortMultipartUpload':
      return abortMultipart(ctx, b, key);
    case 'ListParts':
      return listParts(ctx, b, key);
    default:
      throw new OssError('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
        Method: ctx.req.method,
      });
  }
}

function handle(req: SandboxRequest, sandbox: SandboxHost): SandboxResponse {
  const state = sandbox.state;
  const query = parseQuery(req.rawQuery);
  const candidates = resolveTargets(req);
  const first = candidates[0];
  // Like OSS: a missing bucket is reported before credentials are even looked at.
  // PutBucket is the one request about a bucket that need not exist yet.
  if (first.bucket && operationOf(req, first) !== 'PutBucket') {
    const b = getBucket(state, first.bucket);
    const op = operationOf(req, first);
    // Each bucket answers only on its own region's endpoints; GetBucketLocation is how clients find out.
    if (
      first.hostRegion &&
      first.hostRegion !== 'accelerate' &&
      first.hostRegion !== b.region &&
      op !== 'GetBucketLocation'
    ) {
      throw new OssError(
        'AccessDenied',
        403,
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
        { Bucket: b.name, Endpoint: endpointOf(b.region) },
      );
    }
  }
  const auth = parseOssAuth(req, query);
  const { principal, target } = authenticate(req, state, query, candidates, auth);
  const ctx: Ctx = {
    req,
    state,
    query,
    target,
    principal,
    op: operationOf(req, target),
    accessKeyId: auth?.accessKeyId,
  };
  deliverDueLogs(state);
  const region = state.buckets.get(target.bucket ?? '')?.region ?? target.hostRegion;
  try {
    const res = execute(ctx);
    recordOssEvent(ctx, region);
    noteAccess(ctx, region, res.status, res.headers?.['x-oss-request-id'] ?? ossRequestId(), res);
    return res;
  } catch (e) {
    if (e instanceof SandboxError) {
      recordOssEvent(ctx, region, e);
      noteAccess(ctx, region, e.status, ossRequestId(), undefined, e.code);
    }
    throw e;
  }
}

/** A line in the bucket's access log, when logging is on for it. */
function noteAccess(
  ctx: Ctx,
  region: string | undefined,
  status: number,
  requestId: string,
  res?: SandboxResponse,
  errorCode?: string,
): void {
  const bucket = ctx.target.bucket;
  if (!bucket || !region) {
    return;
  }
  const sent = Number(res?.headers?.['content-length'] ?? 0) || 0;
  logAccess(ctx.state, {
    at: now(ctx.state),
    bucket,
    key: ctx.target.key,
    op: ctx.op,
    method: ctx.req.method.toUpperCase(),
    status,
    errorCode,
    principal: ctx.principal,
    accessKeyId: ctx.accessKeyId,
    requestId,
    objectSize: ctx.target.key !== undefined ? sent : undefined,
    sentBytes: sent,
    region,
  });
}

function errorResponse(err: SandboxError, req: SandboxRequest): SandboxResponse {
  const host = (header(req, 'host') ?? '').replace(/:\d+$/, '');
  const requestId = ossRequestId();
  const body = errorXml({
    code: err.code,
    message: err.message,
    requestId,
    hostId: host,
    extra: err.extra,
    detailXml: err instanceof OssError ? err.detailXml : undefined,
  });
  const headers: Record<string, string> = {
    server: 'AliyunOSS',
    'content-type': 'application/xml',
    'x-oss-request-id': requestId,
  };
  if (err.extra.EC) {
    headers['x-oss-ec'] = err.extra.EC;
  }
  if (err instanceof OssError) {
    Object.assign(headers, err.headers);
  }
  if (req.method.toUpperCase() === 'HEAD') {
    // HEAD answers carry no body; OSS puts the error document, base64-encoded, in x-oss-err.
    return {
      status: err.status,
      headers: { ...headers, 'x-oss-err': Buffer.from(body).toString('base64'), 'content-length': '0' },
    };
  }
  return { status: err.status, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body };
}

export const ossService: ServiceModule = {
  match(req) {
    let action: string;
    try {
      action = operationOf(req, resolveTargets(req)[0]);
    } catch {
      action = 'Unknown';
    }
    return { service: 'oss', action };
  },
  handle,
  errorResponse,
};
