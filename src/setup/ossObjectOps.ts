/**
 * Multi-call OSS operations with their safety rules:
 * - emptying a bucket deletes its objects page by page, then aborts its incomplete multipart
 *   uploads (their parts are billed and make DeleteBucket answer BucketNotEmpty);
 * - copying and moving objects is server-side (CopyObject, or UploadPartCopy above 1 GB), and a move deletes a source only
 *   after its own copy succeeded, so a failed copy never loses data.
 */
import { isCloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import type { OssApi } from '../cloud/oss';

export interface EmptyProgress { objectsDeleted: number; uploadsAborted: number }

/** Deletes every object of the bucket, then aborts every incomplete multipart upload. */
export async function emptyBucket(oss: OssApi, bucket: string, region: string, opts: { onProgress?: (p: EmptyProgress) => void; signal?: AbortSignal } = {}): Promise<EmptyProgress> {
  const done: EmptyProgress = { objectsDeleted: 0, uploadsAborted: 0 };
  // Always the first page: what was deleted is gone, so the listing moves on by itself. A key
  // that comes back was not deleted (a quiet batch delete reports no per-key refusal): stop.
  let previous: string | undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await oss.listObjects(bucket, region, { maxKeys: 1000, delimiter: '' });
    const keys = page.items.flatMap((e) => (e.kind === 'object' ? [e.key] : []));
    if (!keys.length) { break; }
    if (keys[0] === previous) { throw new Error(l10n.t('oss://{0}/{1} could not be deleted; the bucket was not emptied.', bucket, previous)); }
    previous = keys[0];
    await oss.deleteObjects(bucket, region, keys);
    done.objectsDeleted += keys.length;
    opts.onProgress?.({ ...done });
  }
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await oss.listMultipartUploads(bucket, region);
    if (!page.items.length) { break; }
    for (const u of page.items) {
      try {
        await oss.abortMultipartUpload(bucket, region, u.key, u.uploadId);
      } catch (e) {
        if (!isCloudError(e, 'NoSuchUpload')) { throw e; }
      }
      done.uploadsAborted++;
      opts.onProgress?.({ ...done });
    }
  }
  return done;
}

/** One object to copy or move: same region on both sides (CopyObject does not cross regions). */
export interface CopyItem { fromBucket: string; fromKey: string; toBucket: string; toKey: string; size?: number }

export interface CopyResult extends CopyItem {
  copied: boolean;
  /** Moves only: the source was deleted after the copy. */
  sourceDeleted: boolean;
  /** Copied in parts (UploadPartCopy), being above CopyObject's limit. */
  multipart?: boolean;
  error?: string;
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
}

/**
 * Copies (or moves) each item server-side, one after another, and reports each. A move deletes the
 * source only when its copy succeeded and the destination is a different object. An item whose
 * size is not known is looked up first: only then can a large object go the multipart way.
 */
export async function copyObjects(oss: OssApi, region: string, items: CopyItem[], opts: CopyOptions): Promise<CopyResult[]> {
  const threshold = opts.multipartThreshold ?? COPY_OBJECT_MAX_BYTES;
  const results: CopyResult[] = [];
  for (const [index, item] of items.entries()) {
    opts.signal?.throwIfAborted();
    const r: CopyResult = { ...item, copied: false, sourceDeleted: false };
    const same = item.fromBucket === item.toBucket && item.fromKey === item.toKey;
    try {
      if (!same) {
        const size = item.size ?? (await oss.headObject(item.fromBucket, region, item.fromKey)).size;
        if (size > threshold) {
          await oss.copyObjectMultipart(item.fromBucket, item.fromKey, item.toBucket, item.toKey, region, { size, partSize: opts.partSize, signal: opts.signal });
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
      if (opts.signal?.aborted) { throw e; }
      r.error = e instanceof Error ? e.message : String(e);
    }
    results.push(r);
    opts.onItem?.(r, index);
  }
  return results;
}
