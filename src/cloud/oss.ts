/**
 * OSS over ali-oss: buckets, folder-style listing (delimiter "/"), objects, multipart upload with
 * progress and cancel, presigned URLs capped to the credential's lifetime. Refusals keep the
 * action and resource they were about, so the UI can explain an AccessDenied precisely.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { serverClock } from './clock';
import { CloudError, isCloudError, toCloudError } from './errors';
import { clampNumber, PRESIGN_MAX_SECONDS, PRESIGN_MIN_SECONDS } from './endpointPolicy';
import { l10n } from './l10n';
import { mapLimit, type Page } from './paging';
import type { CallOptions, CloudSession } from './session';
import { waitForPropagation } from './waiting';
import type OSS from 'ali-oss';

export interface BucketInfo {
  name: string;
  region: string; // cn-hangzhou (without the oss- prefix)
  creationDate?: string;
  storageClass?: string;
}

export type OssEntry =
  | { kind: 'folder'; prefix: string }
  | { kind: 'object'; key: string; size: number; lastModified: string; etag?: string; storageClass?: string };

export interface ObjectMeta {
  size: number;
  lastModified?: string;
  contentType?: string;
  etag?: string;
}

export interface PresignedUrl {
  url: string;
  expiresAt: Date;
  /** True when the requested lifetime was cut to the credential's expiry. */
  capped: boolean;
}

export interface TransferProgress {
  (fraction: number): void;
}

/** Objects above this size go up in parts. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/** Part size of a server-side copy in parts: a 5 GB object is 80 UploadPartCopy calls. */
export const MULTIPART_COPY_PART_SIZE = 64 * 1024 * 1024;

export const ossResource = (bucket?: string, key?: string) =>
  `acs:oss:*:*:${bucket ?? '*'}${key !== undefined ? `/${key}` : ''}`;

/** PUT/DELETE of one whole object: a repeat after a timeout leaves the same state, so it may be retried. */
const SAME_STATE_WHEN_REPEATED = /^(PutObject|CopyObject|DeleteObject|DeleteMultipleObjects)$/;

/** OSS's limit on an object name, in UTF-8 bytes. */
export const MAX_OBJECT_KEY_BYTES = 1023;

/**
 * Why OSS would refuse (or could not address) this object name, or undefined. The rules are OSS's
 * "Object naming conventions" (UTF-8, 1 to 1,023 bytes, no leading "/" or "\\"; errors 0016-00000001,
 * -02 and -05). OSS itself allows "." and ".." segments, but URLs collapse them (RFC 3986 §5.2.4):
 * the client would sign one path and send another, so such an object could never be reached.
 */
export function objectKeyProblem(key: string): string | undefined {
  if (!key) {
    return l10n.t('An object name cannot be empty.');
  }
  if (/^[/\\]/.test(key)) {
    return l10n.t('An object name cannot start with {0} or {1}.', '"/"', '"\\"');
  }
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(key)) {
    return l10n.t('An object name must be valid UTF-8.');
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_OBJECT_KEY_BYTES) {
    return l10n.t(
      'The object name would be {0} bytes long in UTF-8; OSS allows at most {1}.',
      bytes,
      MAX_OBJECT_KEY_BYTES,
    );
  }
  if (key.split('/').some((s) => s === '.' || s === '..')) {
    return l10n.t(
      '"." and ".." cannot be folder or file names: URLs collapse them, so the object could not be reached.',
    );
  }
  return undefined;
}

/** The name typed for a new folder under `parentKey`: one message per rule, before any call. */
export function folderNameProblem(parentKey: string, name: string): string | undefined {
  const n = name.trim();
  if (!n) {
    return l10n.t('Type a folder name, such as "reports" or "2026/02".');
  }
  if (/^[/\\]/.test(n)) {
    return l10n.t('A folder name cannot start with {0} or {1}; type "reports", not "/reports".', '"/"', '"\\"');
  }
  if (n.includes('//')) {
    return l10n.t('"//" would make a folder with an empty name; use one "/" between folders.');
  }
  return objectKeyProblem(`${parentKey}${n.replace(/\/+$/, '')}/`);
}

export const BUCKET_STORAGE_CLASSES = ['Standard', 'IA', 'Archive', 'ColdArchive', 'DeepColdArchive'] as const;
export type BucketStorageClass = (typeof BUCKET_STORAGE_CLASSES)[number];

/**
 * Why OSS would refuse this bucket name, or undefined. OSS's bucket naming rules: 3 to 63
 * characters; lowercase letters, digits and hyphens; starting and ending with a letter or digit.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) {
    return l10n.t('A bucket name is 3 to 63 characters long.');
  }
  if (/[^a-z0-9-]/.test(name)) {
    return l10n.t('A bucket name can contain only lowercase letters, digits and hyphens (-).');
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) {
    return l10n.t('A bucket name must start and end with a lowercase letter or a digit.');
  }
  return undefined;
}

/** What an object's HEAD says about it, with the API's names where the UI shows them. */
export interface ObjectProperties {
  size: number;
  etag?: string;
  lastModified?: string;
  contentType?: string;
  storageClass?: string;
  objectType?: string;
  crc64?: string;
  /** x-oss-meta-* headers, without the prefix. */
  userMeta: Record<string, string>;
}

/** Refuses a name OSS would refuse, before any request: a client-side refusal, never a server error. */
function assertObjectKey(key: string, op: string, bucket: string): void {
  const problem = objectKeyProblem(key);
  if (problem) {
    throw new CloudError({
      code: 'InvalidObjectName',
      service: 'oss',
      action: `oss:${op}`,
      resource: ossResource(bucket, key),
      message: problem,
      retryable: false,
    });
  }
}

const regionOf = (location: string | undefined) => (location ?? '').replace(/^oss-/, '');

/** One version of an object, or a delete marker, in a bucket that is or was versioned. */
export interface ObjectVersion {
  key: string;
  /** "null" for a version written while versioning was off or suspended. */
  versionId: string;
  deleteMarker: boolean;
  isLatest: boolean;
  size?: number;
  lastModified?: string;
}

/** A bucket's versioning: undefined while it was never enabled (it can be suspended, never turned off). */
export type BucketVersioning = 'Enabled' | 'Suspended' | undefined;

/** The versioning calls of ali-oss 6.x, which its type definitions lack (lib/common/bucket/*Versioning.js, object/getBucketVersions.js). */
interface VersioningClient {
  getBucketVersioning(bucket: string): Promise<{ versionStatus?: string }>;
  putBucketVersioning(bucket: string, status: 'Enabled' | 'Suspended'): Promise<unknown>;
  getBucketVersions(query: Record<string, string | number>): Promise<{
    objects?: Array<{ name: string; versionId: string; isLatest: boolean; size: number; lastModified: string }>;
    deleteMarker?: Array<{ name: string; versionId: string; lastModified: string; isLatest?: boolean }>;
    isTruncated: boolean;
    nextKeyMarker: string | null;
    nextVersionIdMarker: string | null;
  }>;
  deleteMulti(names: Array<{ key: string; versionId: string }>, options: { quiet: boolean }): Promise<unknown>;
}
const versioning = (c: OSS) => c as unknown as VersioningClient;

/** ali-oss's own request path (signing, endpoint, XML parsing), for bodies its helpers cannot build. */
interface RawRequestClient {
  _bucketRequestParams(method: string, bucket: string, subres: string, options: object): Record<string, unknown>;
  request(params: Record<string, unknown>): Promise<{ data?: unknown; res: unknown }>;
}
const raw = (c: OSS) => c as unknown as RawRequestClient;

/** Where a bucket's access log is dumped (PutBucketLogging). */
export interface BucketLogging {
  targetBucket: string;
  targetPrefix: string;
}

/** ListObjectVersions pages on two markers; one page token carries both. */
const versionToken = (keyMarker: string, versionIdMarker: string) => JSON.stringify([keyMarker, versionIdMarker]);
function versionMarkers(token: string): { keyMarker: string; versionIdMarker: string } {
  const [keyMarker, versionIdMarker] = JSON.parse(token) as [string, string];
  return { keyMarker, versionIdMarker };
}

export class OssApi {
  /** Bucket → region, learnt from ListBuckets or GetBucketLocation; one per cloud, as a profile's buckets are. */
  private readonly regions = new Map<string, Promise<string>>();

  constructor(private readonly session: CloudSession) {}

  /** Records a region learnt elsewhere (ListBuckets returns it). */
  rememberRegion(bucket: string, region: string): void {
    this.regions.set(bucket, Promise.resolve(region));
  }

  /**
   * The bucket's region: from the cache, else GetBucketLocation, else (refused or unreachable) the
   * profile's region — which is right for most single-region users and fails clearly otherwise.
   */
  regionOfBucket(bucket: string, fallback: string): Promise<string> {
    let p = this.regions.get(bucket);
    if (!p) {
      p = this.getBucketRegion(bucket, fallback).catch(() => fallback);
      this.regions.set(bucket, p);
    }
    return p;
  }

  /**
   * Every OSS call: fresh client (credentials may have rotated), one log line, action/resource on
   * refusal. Two answers are retried here: RequestTimeTooSkewed once (its Date has just taught the
   * client the server's clock), and AccessDenied while a policy change to the caller's own role is
   * still reaching OSS. `retry: false` is for requests that must never be repeated whole.
   */
  private async call<T>(
    op: string,
    region: string,
    bucket: string | undefined,
    key: string | undefined,
    fn: (client: OSS) => Promise<T>,
    opts: CallOptions = {},
  ): Promise<T> {
    const once = async () => {
      try {
        return await this.session.call(
          'oss',
          op,
          region,
          async () => fn(await this.session.ossClient(region, bucket)),
          { ...opts, idempotent: opts.idempotent ?? (SAME_STATE_WHEN_REPEATED.test(op) || undefined) },
        );
      } catch (e) {
        const err = toCloudError(e, { service: 'oss', action: op });
        throw new CloudError({
          code: err.code,
          message: err.message,
          status: err.status,
          requestId: err.requestId,
          service: 'oss',
          action: `oss:${op}`,
          resource: ossResource(bucket, key),
          retryable: err.retryable,
          outcomeUnknown: err.outcomeUnknown,
        });
      }
    };
    const skewAware = async () => {
      try {
        return await once();
      } catch (e) {
        if (opts.retry === false || !isCloudError(e, 'RequestTimeTooSkewed')) {
          throw e;
        }
        this.session.logger.warn(
          `oss.${op}: request time too skewed (clock offset ${serverClock.offsetMs} ms); retrying with the server's clock`,
        );
        return once();
      }
    };
    const roleName = this.session.roleName;
    return waitForPropagation('oss', skewAware, {
      roleName: roleName ?? '',
      changes: this.session.roleChanges,
      retryIf: (e) => this.session.roleChanges.grantPending(roleName, e),
      onProgress: (p) =>
        this.session.logger.info(`oss.${op}: ${p.lastError?.code ?? ''} after a recent grant; ${p.message}`),
    });
  }

  async listBuckets(marker?: string, maxKeys = 100): Promise<Page<BucketInfo>> {
    const region = this.session.regionId;
    const r = (await this.call('ListBuckets', region, undefined, undefined, (c) =>
      c.listBuckets({ marker, 'max-keys': String(maxKeys) } as never),
    )) as unknown as {
      buckets?: Array<{ name: string; region: string; creationDate: string; storageClass: string }>;
      isTruncated?: boolean;
      nextMarker?: string;
    };
    return {
      items: (r.buckets ?? []).map((b) => ({
        name: b.name,
        region: regionOf(b.region),
        creationDate: b.creationDate,
        storageClass: b.storageClass,
      })),
      next: r.isTruncated ? r.nextMarker : undefined,
    };
  }

  /** The bucket's region, for buckets pinned by URI (no ListBuckets permission needed). */
  async getBucketRegion(bucket: string, guess = this.session.regionId): Promise<string> {
    const r = (await this.call('GetBucketLocation', guess, bucket, undefined, (c) => c.getBucketLocation(bucket))) as {
      location?: string;
    };
    return regionOf(r.location) || guess;
  }

  async listObjects(
    bucket: string,
    region: string,
    opts: { prefix?: string; token?: string; maxKeys?: number; delimiter?: string } = {},
  ): Promise<Page<OssEntry>> {
    const r = await this.call('ListObjects', region, bucket, opts.prefix, (c) =>
      c.listV2(
        {
          prefix: opts.prefix ?? '',
          delimiter: opts.delimiter ?? '/',
          'max-keys': String(opts.maxKeys ?? 100),
          ...(opts.token ? { 'continuation-token': opts.token } : {}),
        } as never,
        {},
      ),
    );
    const folders: OssEntry[] = (r.prefixes ?? []).map((p) => ({ kind: 'folder', prefix: p }));
    const objects: OssEntry[] = (r.objects ?? [])
      // The folder placeholder object ("a/") is the folder itself, not a child of it.
      .filter((o) => o.name !== opts.prefix)
      .map((o) => ({
        kind: 'object',
        key: o.name,
        size: Number(o.size),
        lastModified: o.lastModified,
        etag: o.etag,
        storageClass: o.storageClass,
      }));
    const next = (r as { nextContinuationToken?: string }).nextContinuationToken;
    return { items: [...folders, ...objects], next: r.isTruncated ? next : undefined };
  }

  async headObject(bucket: string, region: string, key: string): Promise<ObjectMeta> {
    const r = await this.call('HeadObject', region, bucket, key, (c) => c.head(key));
    const h = (r.res as { headers: Record<string, string> }).headers;
    return {
      size: Number(h['content-length'] ?? 0),
      lastModified: h['last-modified'],
      contentType: h['content-type'],
      etag: h.etag,
    };
  }

  async getObject(bucket: string, region: string, key: string): Promise<Buffer> {
    const r = await this.call('GetObject', region, bucket, key, (c) => c.get(key));
    return Buffer.isBuffer(r.content) ? r.content : Buffer.from(r.content ?? '');
  }

  /**
   * Streams an object to a local file without holding it in memory. It is written to a temporary
   * file of its own (a unique name, created exclusively, so it can never be a file of the user's)
   * and renamed only when complete: a failed or cancelled download never replaces a good file, and
   * cleaning up removes only what this download created.
   */
  async downloadToFile(
    bucket: string,
    region: string,
    key: string,
    file: string,
    opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
  ): Promise<void> {
    const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.download`);
    let created = false;
    try {
      await this.call('GetObject', region, bucket, key, async (c) => {
        const { stream } = (await c.getStream(key)) as { stream: NodeJS.ReadableStream };
        if (opts.onBytes) {
          stream.on('data', (chunk: Buffer) => opts.onBytes!(chunk.length));
        }
        const out = fs.createWriteStream(partial, { flags: created ? 'w' : 'wx' });
        out.once('open', () => {
          created = true;
        });
        await pipeline(stream, out, { signal: opts.signal });
      });
      await fs.promises.rename(partial, file);
    } catch (e) {
      if (created) {
        await fs.promises.rm(partial, { force: true });
      }
      if (opts.signal?.aborted) {
        throw new CloudError({ code: 'Cancelled', service: 'oss', message: 'cancelled' });
      }
      throw e;
    }
  }

  /**
   * Writes an object and returns its new ETag. `forbidOverwrite` sends x-oss-forbid-overwrite, so
   * creating a key that appeared meanwhile fails with FileAlreadyExists instead of replacing it.
   */
  async putObject(
    bucket: string,
    region: string,
    key: string,
    body: Buffer,
    contentType?: string,
    opts: { forbidOverwrite?: boolean } = {},
  ): Promise<string | undefined> {
    assertObjectKey(key, 'PutObject', bucket);
    const options = {
      ...(contentType ? { mime: contentType } : {}),
      ...(opts.forbidOverwrite ? { headers: { 'x-oss-forbid-overwrite': 'true' } } : {}),
    };
    const r = await this.call('PutObject', region, bucket, key, (c) =>
      c.put(key, body, (Object.keys(options).length ? options : undefined) as never),
    );
    return (r.res as { headers?: Record<string, string> }).headers?.etag;
  }

  async copyObject(bucket: string, region: string, fromKey: string, toKey: string): Promise<void> {
    assertObjectKey(toKey, 'CopyObject', bucket);
    await this.call('CopyObject', region, bucket, toKey, (c) => c.copy(toKey, fromKey));
  }

  /**
   * Server-side CopyObject from another bucket of the same region (OSS copies only within a
   * region). The object's metadata is copied (x-oss-metadata-directive COPY).
   */
  async copyObjectFrom(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string,
    region: string,
  ): Promise<void> {
    assertObjectKey(toKey, 'CopyObject', toBucket);
    await this.call('CopyObject', region, toBucket, toKey, (c) => c.copy(toKey, fromKey, fromBucket));
  }

  /**
   * Server-side copy in parts (InitiateMultipartUpload, UploadPartCopy per byte range,
   * CompleteMultipartUpload), for objects CopyObject refuses: above 1 GB ("UploadPartCopy" API
   * reference). Unlike CopyObject it carries no metadata over by itself, so the source's content
   * type and user metadata go with the initiation. Same region only, like CopyObject. Any failure
   * or cancel aborts the upload, so no billed parts stay behind and the destination is untouched.
   */
  async copyObjectMultipart(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string,
    region: string,
    opts: { size?: number; partSize?: number; signal?: AbortSignal; onProgress?: TransferProgress } = {},
  ): Promise<void> {
    assertObjectKey(toKey, 'CopyObject', toBucket);
    const source = await this.objectProperties(fromBucket, region, fromKey);
    const size = opts.size ?? source.size;
    // At most 10,000 parts, each at least 100 KB (UploadPart limits).
    const partSize = Math.max(opts.partSize ?? MULTIPART_COPY_PART_SIZE, 100 * 1024, Math.ceil(size / 10_000));
    const init = await this.call(
      'InitiateMultipartUpload',
      region,
      toBucket,
      toKey,
      (c) =>
        c.initMultipartUpload(toKey, {
          ...(source.contentType ? { mime: source.contentType } : {}),
          meta: source.userMeta,
        } as never),
      { retry: false },
    );
    const uploadId = init.uploadId;
    const ranges = Array.from({ length: Math.max(1, Math.ceil(size / partSize)) }, (_, i) => ({
      part: i + 1,
      start: i * partSize,
      end: Math.min(size, (i + 1) * partSize) - 1,
    }));
    let done = 0;
    let failed = false;
    try {
      const parts = await mapLimit(ranges, 3, async (r) => {
        if (opts.signal?.aborted) {
          throw new CloudError({ code: 'Cancelled', service: 'oss', message: 'cancelled' });
        }
        // Once one part failed, the others' workers stop instead of copying into an aborted upload.
        if (failed) {
          throw new CloudError({ code: 'Cancelled', service: 'oss', message: 'cancelled' });
        }
        // Re-copying one part replaces it with the same bytes: safe to retry.
        const res = await this.call(
          'UploadPartCopy',
          region,
          toBucket,
          toKey,
          (c) =>
            c.uploadPartCopy(
              toKey,
              uploadId,
              r.part,
              size ? `${r.start}-${r.end}` : '',
              { sourceKey: fromKey, sourceBucketName: fromBucket },
              {},
            ),
          { idempotent: true },
        );
        opts.onProgress?.(++done / ranges.length);
        return { number: r.part, etag: res.etag };
      });
      await this.call(
        'CompleteMultipartUpload',
        region,
        toBucket,
        toKey,
        (c) => c.completeMultipartUpload(toKey, uploadId, parts),
        { retry: false },
      );
    } catch (e) {
      failed = true;
      await this.call('AbortMultipartUpload', region, toBucket, toKey, (c) => c.abortMultipartUpload(toKey, uploadId), {
        idempotent: true,
      }).catch((abortError: unknown) => {
        this.session.logger.warn(
          `oss.AbortMultipartUpload failed (${toCloudError(abortError).code}); the copy's parts may remain until a lifecycle rule removes them`,
        );
      });
      throw e;
    }
  }

  /**
   * A copy to a bucket of another region, through this machine: CopyObject and UploadPartCopy work
   * within one region only ("Objects cannot be copied between buckets located in different
   * regions", OSS "Copy objects", https://www.alibabacloud.com/help/doc-detail/31861.htm). The
   * object streams to a temporary file of its own (GetObject) and is uploaded from it (PutObject,
   * or in parts above `threshold`) with the source's content type and user metadata, as CopyObject
   * would keep them. The temporary file is removed whatever happens; a failed or cancelled upload
   * leaves the destination as it was (uploadFile aborts its parts).
   */
  async copyAcrossRegions(
    from: { bucket: string; region: string; key: string },
    to: { bucket: string; region: string; key: string },
    opts: { signal?: AbortSignal; onProgress?: TransferProgress; threshold?: number; partSize?: number } = {},
  ): Promise<void> {
    assertObjectKey(to.key, 'PutObject', to.bucket);
    const source = await this.objectProperties(from.bucket, from.region, from.key);
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'alibabacloud-oss-copy-'));
    try {
      const file = path.join(dir, 'object');
      let read = 0;
      await this.downloadToFile(from.bucket, from.region, from.key, file, {
        signal: opts.signal,
        onBytes: (n) => {
          read += n;
          opts.onProgress?.(source.size ? Math.min(read / source.size, 1) / 2 : 0);
        },
      });
      opts.signal?.throwIfAborted();
      await this.uploadFile(to.bucket, to.region, to.key, file, {
        signal: opts.signal,
        threshold: opts.threshold,
        partSize: opts.partSize,
        contentType: source.contentType,
        userMeta: source.userMeta,
        onProgress: (p) => opts.onProgress?.(0.5 + p / 2),
      });
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }

  /** Everything a HEAD tells about an object: size, ETag, storage class, type, CRC64, user metadata. */
  async objectProperties(bucket: string, region: string, key: string): Promise<ObjectProperties> {
    const r = await this.call('HeadObject', region, bucket, key, (c) => c.head(key));
    const h = (r.res as { headers: Record<string, string> }).headers;
    const userMeta = Object.fromEntries(
      Object.entries(h)
        .filter(([k]) => k.startsWith('x-oss-meta-'))
        .map(([k, v]) => [k.slice('x-oss-meta-'.length), v]),
    );
    return {
      size: Number(h['content-length'] ?? 0),
      etag: h.etag,
      lastModified: h['last-modified'],
      contentType: h['content-type'],
      storageClass: h['x-oss-storage-class'],
      objectType: h['x-oss-object-type'],
      crc64: h['x-oss-hash-crc64ecma'],
      userMeta,
    };
  }

  /**
   * Replaces an object's content type and user metadata in place: CopyObject onto itself with
   * x-oss-metadata-directive REPLACE (the only way OSS changes them without uploading again).
   */
  async replaceObjectMetadata(
    bucket: string,
    region: string,
    key: string,
    contentType: string,
    userMeta: Record<string, string>,
  ): Promise<void> {
    await this.call('CopyObject', region, bucket, key, (c) =>
      c.copy(key, key, bucket, { headers: { 'Content-Type': contentType }, meta: userMeta } as never),
    );
  }

  /**
   * PutBucket, private unless `acl` says otherwise. OSS answers a name the account already owns
   * by changing that bucket's settings, so callers check ownership first (see bucketExistsInAccount).
   */
  async createBucket(
    name: string,
    region: string,
    storageClass: BucketStorageClass = 'Standard',
    acl: 'private' | 'public-read' | 'public-read-write' = 'private',
  ): Promise<void> {
    await this.call('PutBucket', region, name, undefined, (c) =>
      c.putBucket(name, { StorageClass: storageClass, acl } as never),
    );
  }

  async getBucketVersioning(bucket: string, region: string): Promise<BucketVersioning> {
    const r = await this.call('GetBucketVersioning', region, bucket, undefined, (c) =>
      versioning(c).getBucketVersioning(bucket),
    );
    return r.versionStatus === 'Enabled' || r.versionStatus === 'Suspended' ? r.versionStatus : undefined;
  }

  async putBucketVersioning(bucket: string, region: string, status: 'Enabled' | 'Suspended'): Promise<void> {
    await this.call(
      'PutBucketVersioning',
      region,
      bucket,
      undefined,
      (c) => versioning(c).putBucketVersioning(bucket, status),
      { idempotent: true },
    );
  }

  /**
   * One page of every version and delete marker (ListObjectVersions), keys in order and each key's
   * versions newest first. OSS interleaves the two kinds; ali-oss hands them back apart, so they
   * are merged again by key (within a key, versions before delete markers).
   */
  async listObjectVersions(
    bucket: string,
    region: string,
    opts: { prefix?: string; token?: string; maxKeys?: number } = {},
  ): Promise<Page<ObjectVersion>> {
    const markers = opts.token ? versionMarkers(opts.token) : undefined;
    const r = await this.call('ListObjectVersions', region, bucket, opts.prefix, (c) =>
      versioning(c).getBucketVersions({
        'max-keys': opts.maxKeys ?? 1000,
        ...(opts.prefix ? { prefix: opts.prefix } : {}),
        ...(markers
          ? {
              keyMarker: markers.keyMarker,
              ...(markers.versionIdMarker ? { versionIdMarker: markers.versionIdMarker } : {}),
            }
          : {}),
      }),
    );
    const items: ObjectVersion[] = [
      ...(r.objects ?? []).map((o) => ({
        key: o.name,
        versionId: o.versionId,
        deleteMarker: false,
        isLatest: o.isLatest,
        size: Number(o.size),
        lastModified: o.lastModified,
      })),
      // ali-oss leaves IsLatest of a delete marker out.
      ...(r.deleteMarker ?? []).map((m) => ({
        key: m.name,
        versionId: m.versionId,
        deleteMarker: true,
        isLatest: false,
        lastModified: m.lastModified,
      })),
    ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const next =
      r.isTruncated && r.nextKeyMarker !== null
        ? versionToken(r.nextKeyMarker, r.nextVersionIdMarker ?? '')
        : undefined;
    return { items, next };
  }

  /** Deletes the given versions and delete markers for good, 1,000 per DeleteMultipleObjects (the OSS limit). */
  async deleteObjectVersions(
    bucket: string,
    region: string,
    versions: Array<{ key: string; versionId: string }>,
    onProgress?: (done: number) => void,
  ): Promise<void> {
    for (let i = 0; i < versions.length; i += 1000) {
      const chunk = versions.slice(i, i + 1000).map((v) => ({ key: v.key, versionId: v.versionId }));
      await this.call('DeleteMultipleObjects', region, bucket, chunk[0].key, (c) =>
        versioning(c).deleteMulti(chunk, { quiet: true }),
      );
      onProgress?.(i + chunk.length);
    }
  }

  /**
   * The bucket's log dump (GetBucketLogging): where its access log goes, or undefined while off.
   * ali-oss's getBucketLogging drops TargetBucket, so the request goes through its own signed
   * request path with the same parameters.
   */
  async getBucketLogging(bucket: string, region: string): Promise<BucketLogging | undefined> {
    const r = await this.call('GetBucketLogging', region, bucket, undefined, (c) => {
      const params = raw(c)._bucketRequestParams('GET', bucket, 'logging', {});
      return raw(c).request({ ...params, successStatuses: [200], xmlResponse: true });
    });
    const enabled = (r.data as { LoggingEnabled?: { TargetBucket?: unknown; TargetPrefix?: unknown } } | undefined)
      ?.LoggingEnabled;
    if (!enabled || typeof enabled.TargetBucket !== 'string' || !enabled.TargetBucket) {
      return undefined;
    }
    return {
      targetBucket: enabled.TargetBucket,
      targetPrefix: typeof enabled.TargetPrefix === 'string' ? enabled.TargetPrefix : '',
    };
  }

  /**
   * PutBucketLogging to another bucket of the same account and region (ali-oss's putBucketLogging
   * can only name the source bucket itself as the target, so the body is built here).
   */
  async putBucketLogging(bucket: string, region: string, target: BucketLogging): Promise<void> {
    const esc = (v: string) =>
      v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const content =
      '<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus><LoggingEnabled>' +
      `<TargetBucket>${esc(target.targetBucket)}</TargetBucket><TargetPrefix>${esc(target.targetPrefix)}</TargetPrefix>` +
      '</LoggingEnabled></BucketLoggingStatus>';
    await this.call(
      'PutBucketLogging',
      region,
      bucket,
      undefined,
      (c) => {
        const params = raw(c)._bucketRequestParams('PUT', bucket, 'logging', {});
        return raw(c).request({ ...params, content, mime: 'xml', successStatuses: [200] });
      },
      { idempotent: true },
    );
  }

  async deleteBucketLogging(bucket: string, region: string): Promise<void> {
    await this.call('DeleteBucketLogging', region, bucket, undefined, (c) => c.deleteBucketLogging(bucket), {
      idempotent: true,
    });
  }

  async deleteBucket(name: string, region: string): Promise<void> {
    await this.call('DeleteBucket', region, name, undefined, (c) => c.deleteBucket(name));
  }

  /** One page of a bucket's incomplete multipart uploads. */
  async listMultipartUploads(
    bucket: string,
    region: string,
    keyMarker?: string,
    uploadIdMarker?: string,
  ): Promise<Page<{ key: string; uploadId: string }> & { nextUploadId?: string }> {
    const r = (await this.call('ListMultipartUploads', region, bucket, undefined, (c) =>
      c.listUploads({
        'max-uploads': 1000,
        ...(keyMarker ? { 'key-marker': keyMarker, 'upload-id-marker': uploadIdMarker ?? '' } : {}),
      } as never),
    )) as unknown as {
      uploads?: Array<{ name: string; uploadId: string }>;
      isTruncated?: boolean;
      nextKeyMarker?: string;
      nextUploadIdMarker?: string;
    };
    return {
      items: (r.uploads ?? []).map((u) => ({ key: u.name, uploadId: u.uploadId })),
      next: r.isTruncated ? r.nextKeyMarker : undefined,
      nextUploadId: r.isTruncated ? r.nextUploadIdMarker : undefined,
    };
  }

  async abortMultipartUpload(bucket: string, region: string, key: string, uploadId: string): Promise<void> {
    // Aborting an upload that is already gone answers NoSuchUpload; the caller treats that as done.
    await this.call('AbortMultipartUpload', region, bucket, key, (c) => c.abortMultipartUpload(key, uploadId), {
      idempotent: true,
    });
  }

  async deleteObject(bucket: string, region: string, key: string): Promise<void> {
    await this.call('DeleteObject', region, bucket, key, (c) => c.delete(key));
  }

  /** Deletes many keys, 1,000 per request (the OSS limit). */
  async deleteObjects(
    bucket: string,
    region: string,
    keys: string[],
    onProgress?: (done: number) => void,
  ): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      await this.call('DeleteMultipleObjects', region, bucket, chunk[0], (c) => c.deleteMulti(chunk, { quiet: true }));
      onProgress?.(i + chunk.length);
    }
  }

  /** Creates a zero-byte "folder/" object, as the console does. */
  async createFolder(bucket: string, region: string, prefix: string): Promise<void> {
    await this.putObject(bucket, region, prefix.endsWith('/') ? prefix : `${prefix}/`, Buffer.alloc(0));
  }

  /**
   * Uploads a local file; large files go in parts with progress. A multipart upload is never
   * retried whole (a retry would start a second upload while the first one's parts stay billed);
   * on any failure, cancel included, it is aborted so its parts are removed.
   */
  async uploadFile(
    bucket: string,
    region: string,
    key: string,
    file: string,
    opts: {
      onProgress?: TransferProgress;
      signal?: AbortSignal;
      partSize?: number;
      threshold?: number;
      /** Content type and x-oss-meta-* to write with the object (a copy keeps its source's). */
      contentType?: string;
      userMeta?: Record<string, string>;
    } = {},
  ): Promise<void> {
    assertObjectKey(key, 'PutObject', bucket);
    const size = fs.statSync(file).size;
    const described = {
      ...(opts.contentType ? { mime: opts.contentType } : {}),
      ...(opts.userMeta && Object.keys(opts.userMeta).length ? { meta: opts.userMeta } : {}),
    };
    if (size < (opts.threshold ?? MULTIPART_THRESHOLD)) {
      const body = await fs.promises.readFile(file);
      if (Object.keys(described).length) {
        await this.call('PutObject', region, bucket, key, (c) => c.put(key, body, described as never));
      } else {
        await this.putObject(bucket, region, key, body);
      }
      opts.onProgress?.(1);
      return;
    }
    let uploadId: string | undefined;
    await this.call(
      'PutObject',
      region,
      bucket,
      key,
      async (c) => {
        const onAbort = () => c.cancel();
        opts.signal?.addEventListener('abort', onAbort);
        try {
          return await c.multipartUpload(key, file, {
            ...described,
            partSize: opts.partSize ?? 4 * 1024 * 1024,
            parallel: 3,
            progress: async (p: number, cpt: { uploadId?: string } | undefined) => {
              uploadId = cpt?.uploadId ?? uploadId;
              opts.onProgress?.(p);
            },
          } as never);
        } catch (e) {
          if (uploadId) {
            await c.abortMultipartUpload(key, uploadId).catch((abortError: unknown) => {
              this.session.logger.warn(
                `oss.AbortMultipartUpload failed (${toCloudError(abortError).code}); the upload's parts may remain until a lifecycle rule removes them`,
              );
            });
          }
          if (opts.signal?.aborted) {
            throw new CloudError({ code: 'Cancelled', service: 'oss', message: 'cancelled' });
          }
          throw e;
        } finally {
          opts.signal?.removeEventListener('abort', onAbort);
        }
        // Starting over would begin a second upload and leave the first one's parts billed.
      },
      { idempotent: false, retry: false },
    );
  }

  /**
   * A GET URL valid for `seconds`, but never past the credentials' expiry: a URL signed with STS
   * credentials stops working when they expire, so promising more would be a lie.
   */
  async presignGet(bucket: string, region: string, key: string, seconds: number): Promise<PresignedUrl> {
    const client = await this.session.ossClient(region, bucket);
    const credExpiry = this.session.provider.expiration;
    // Expirations are server times: compare them with the server's clock, not ours.
    const serverNow = serverClock.now();
    let lifetime = Math.floor(clampNumber(seconds, PRESIGN_MIN_SECONDS, PRESIGN_MAX_SECONDS, 3600));
    let capped = false;
    if (credExpiry) {
      const left = Math.floor((credExpiry.getTime() - serverNow) / 1000);
      if (left < lifetime) {
        lifetime = Math.max(1, left);
        capped = true;
      }
    }
    // ali-oss signs `Expires` as its local clock + expires (signatureUrl ignores amendTimeSkewed);
    // shift it so the URL lives `lifetime` seconds by the server's clock.
    const shift = Math.round(serverClock.offsetMs / 1000);
    const url = client.signatureUrl(key, { expires: Math.max(1, lifetime + shift), method: 'GET' });
    return { url: this.openableUrl(url, bucket), expiresAt: new Date(serverNow + lifetime * 1000), capped };
  }

  /**
   * For the sandbox (its OSS host names resolve only inside this client), the same signed URL in
   * path style on its loopback address, so a browser or curl can open it: the signature covers
   * `/bucket/key`, not the host, and the sandbox serves path-style requests.
   */
  private openableUrl(url: string, bucket: string): string {
    const address = this.session.profile.endpoints?.ossResolveTo;
    if (!address) {
      return url;
    }
    const u = new URL(url);
    u.hostname = address.includes(':') ? `[${address}]` : address;
    u.pathname = `/${bucket}${u.pathname}`;
    return u.toString();
  }
}
