/**
 * Multi-call OSS operations with their safety rules:
 * - emptying a bucket deletes its objects page by page, then aborts its incomplete multipart
 *   uploads (their parts are billed and make DeleteBucket answer BucketNotEmpty); a bucket that is
 *   or was versioned loses every version and delete marker instead, since OSS keeps those through
 *   an ordinary delete and refuses to delete the bucket while any is left;
 * - copying and moving objects is server-side (CopyObject, or UploadPartCopy above 1 GB) within a
 *   region, and through this machine (download, then upload) to another region, where OSS cannot
 *   copy; a move deletes a source only after its own copy succeeded, so a failed copy never loses data.
 */
import { isCloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import type { BucketVersioning, OssApi } from '../cloud/oss';
import { forEachPage } from '../cloud/paging';

export interface EmptyProgress {
  /** Unversioned buckets: objects deleted. */
  objectsDeleted: number;
  /** Versioned buckets: object versions deleted for good, current and earlier ones. */
  versionsDeleted: number;
  deleteMarkersDeleted: number;
  uploadsAborted: number;
}

/** What a bucket holds, as far as its first listing page shows, before anything is deleted. */
export interface BucketContents {
  versioning: BucketVersioning;
  /** Unversioned: objects; versioned: object versions (current and earlier). */
  objects: number;
  deleteMarkers: number;
  uploads: number;
  /** More than the first page (1,000 entries) of objects or versions. */
  more: boolean;
  empty: boolean;
}

/**
 * The bucket's versioning; undefined (treated as never versioned) when the caller may not read it:
 * emptying then deletes current objects only, and DeleteBucket's BucketNotEmpty tells the rest.
 */
export async function bucketVersioning(oss: OssApi, bucket: string, region: string): Promise<BucketVersioning> {
  try {
    return await oss.getBucketVersioning(bucket, region);
  } catch (e) {
    if (isCloudError(e, 'AccessDenied')) {
      return undefined;
    }
    throw e;
  }
}

/** Counts what Delete Bucket would have to delete, from one page of each listing. */
export async function surveyBucket(oss: OssApi, bucket: string, region: string): Promise<BucketContents> {
  const versioning = await bucketVersioning(oss, bucket, region);
  const [page, uploads] = await Promise.all([
    versioning
      ? oss.listObjectVersions(bucket, region, { maxKeys: 1000 })
      : oss.listObjects(bucket, region, { maxKeys: 1000, delimiter: '' }),
    oss.listMultipartUploads(bucket, region),
  ]);
  const items = page.items as Array<{ deleteMarker?: boolean }>;
  const deleteMarkers = items.filter((v) => v.deleteMarker).length;
  return {
    versioning,
    objects: items.length - deleteMarkers,
    deleteMarkers,
    uploads: uploads.items.length,
    more: Boolean(page.next),
    empty: !items.length && !uploads.items.length,
  };
}

/**
 * Deletes every object of the bucket (every version and delete marker when it is or was
 * versioned), then aborts every incomplete multipart upload. `versioning` skips asking again.
 */
export async function emptyBucket(
  oss: OssApi,
  bucket: string,
  region: string,
  opts: { onProgress?: (p: EmptyProgress) => void; signal?: AbortSignal; versioning?: BucketVersioning } = {},
): Promise<EmptyProgress> {
  const done: EmptyProgress = { objectsDeleted: 0, versionsDeleted: 0, deleteMarkersDeleted: 0, uploadsAborted: 0 };
  const versioning = 'versioning' in opts ? opts.versioning : await bucketVersioning(oss, bucket, region);
  if (versioning) {
    await deleteAllVersions(oss, bucket, region, done, opts);
  } else {
    await deleteAllObjects(oss, bucket, region, done, opts);
  }
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await oss.listMultipartUploads(bucket, region);
    if (!page.items.length) {
      break;
    }
    for (const u of page.items) {
      try {
        await oss.abortMultipartUpload(bucket, region, u.key, u.uploadId);
      } catch (e) {
        if (!isCloudError(e, 'NoSuchUpload')) {
          throw e;
        }
      }
      done.uploadsAborted++;
      opts.onProgress?.({ ...done });
    }
  }
  return done;
}

async function deleteAllObjects(
  oss: OssApi,
  bucket: string,
  region: string,
  done: EmptyProgress,
  opts: { onProgress?: (p: EmptyProgress) => void; signal?: AbortSignal },
): Promise<void> {
  // Always the first page: what was deleted is gone, so the listing moves on by itself. A key
  // that comes back was not deleted (a quiet batch delete reports no per-key refusal): stop.
  let previous: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await oss.listObjects(bucket, region, { maxKeys: 1000, delimiter: '' });
    const keys = page.items.flatMap((e) => (e.kind === 'object' ? [e.key] : []));
    if (!keys.length) {
      break;
    }
    if (keys[0] === previous) {
      throw new Error(l10n.t('oss://{0}/{1} could not be deleted; the bucket was not emptied.', bucket, previous));
    }
    previous = keys[0];
    await oss.deleteObjects(bucket, region, keys);
    done.objectsDeleted += keys.length;
    opts.onProgress?.({ ...done });
  }
}

/**
 * Every version and delete marker, page by page (ListObjectVersions, 1,000 a page), each page
 * deleted for good with its versionIds in one DeleteMultipleObjects before the next is listed. A
 * page's markers point past versions this very loop deleted; should the listing lose its place
 * there, or something be written meanwhile, the next pass finds what is left. A pass that finds
 * no fewer than the pass before is making no progress: it stops with an error instead of looping.
 */
async function deleteAllVersions(
  oss: OssApi,
  bucket: string,
  region: string,
  done: EmptyProgress,
  opts: { onProgress?: (p: EmptyProgress) => void; signal?: AbortSignal },
): Promise<void> {
  let seenBefore: number | undefined;
  for (;;) {
    let first: { key: string; versionId: string } | undefined;
    const seen = await forEachPage(
      (token) => oss.listObjectVersions(bucket, region, { token, maxKeys: 1000 }),
      async (items) => {
        first ??= items[0];
        opts.signal?.throwIfAborted();
        await oss.deleteObjectVersions(bucket, region, items);
        for (const v of items) {
          if (v.deleteMarker) {
            done.deleteMarkersDeleted++;
          } else {
            done.versionsDeleted++;
          }
        }
        opts.onProgress?.({ ...done });
      },
      { signal: opts.signal },
    );
    if (seen === 0) {
      return;
    }
    if (seenBefore !== undefined && seen >= seenBefore) {
      throw new Error(
        l10n.t(
          'Version {0} of oss://{1}/{2} could not be deleted; the bucket was not emptied.',
          first!.versionId,
          bucket,
          first!.key,
        ),
      );
    }
    seenBefore = seen;
  }
}

/** One object to copy or move; its buckets' regions are CopyOptions' (source) and `toRegion`. */
export interface CopyItem {
  fromBucket: string;
  fromKey: string;
  toBucket: string;
  toKey: string;
  size?: number;
}

export interface CopyResult extends CopyItem {
  copied: boolean;
  /** Moves only: the source was deleted after the copy. */
  sourceDeleted: boolean;
  /** Copied in parts (UploadPartCopy), being above CopyObject's limit. */
  multipart?: boolean;
  error?: string;
  /** What was thrown, for callers that stop at a failure (the oss:// file system). */
  cause?: unknown;
}

/** CopyObject takes objects up to 1 GB; larger ones are copied in parts with UploadPartCopy (CopyObject API reference). */
export const COPY_OBJECT_MAX_BYTES = 1024 ** 3;

export interface CopyOptions {
  move: boolean;
  onItem?: (r: CopyResult, index: number) => void;
  signal?: AbortSignal;
  /** Above this size an object is copied in parts (default: CopyObject's 1 GB); tests lower it. */
  multipartThreshold?: number;
  /** Part size of those copies (tests use small parts). */
  partSize?: number;
  /** The destination buckets' region when it is not the source's: each object goes through this machine. */
  toRegion?: string;
  /** Progress within the current object (0–1), for the copies through this machine. */
  onObjectProgress?: (fraction: number, index: number) => void;
}

/**
 * Copies (or moves) each item server-side, one after another, and reports each. A move deletes the
 * source only when its copy succeeded and the destination is a different object. An item whose
 * size is not known is looked up first: only then can a large object go the multipart way.
 */
export async function copyObjects(
  oss: OssApi,
  region: string,
  items: CopyItem[],
  opts: CopyOptions,
): Promise<CopyResult[]> {
  const threshold = opts.multipartThreshold ?? COPY_OBJECT_MAX_BYTES;
  const results: CopyResult[] = [];
  for (const [index, item] of items.entries()) {
    opts.signal?.throwIfAborted();
    const r: CopyResult = { ...item, copied: false, sourceDeleted: false };
    const same = item.fromBucket === item.toBucket && item.fromKey === item.toKey;
    try {
      if (opts.toRegion && opts.toRegion !== region) {
        await oss.copyAcrossRegions(
          { bucket: item.fromBucket, region, key: item.fromKey },
          { bucket: item.toBucket, region: opts.toRegion, key: item.toKey },
          {
            signal: opts.signal,
            threshold: opts.multipartThreshold,
            partSize: opts.partSize,
            onProgress: (f) => opts.onObjectProgress?.(f, index),
          },
        );
      } else if (!same) {
        const size = item.size ?? (await oss.headObject(item.fromBucket, region, item.fromKey)).size;
        if (size > threshold) {
          await oss.copyObjectMultipart(item.fromBucket, item.fromKey, item.toBucket, item.toKey, region, {
            size,
            partSize: opts.partSize,
            signal: opts.signal,
          });
          r.multipart = true;
        } else {
          await oss.copyObjectFrom(item.fromBucket, item.fromKey, item.toBucket, item.toKey, region);
        }
      }
      r.copied = true;
      if (opts.move && !same) {
        await oss.deleteObject(item.fromBucket, region, item.fromKey);
        r.sourceDeleted = true;
      }
    } catch (e) {
      if (opts.signal?.aborted) {
        throw e;
      }
      r.error = e instanceof Error ? e.message : String(e);
      r.cause = e;
    }
    results.push(r);
    opts.onItem?.(r, index);
  }
  return results;
}
