/**
 * OSS locations without VS Code: `oss://bucket/key` parsing and formatting, folder arithmetic
 * (OSS has only keys; a "folder" is a prefix ending in "/"), the bucket → region cache that pinned
 * buckets and oss:// URIs need, and bounded "every key under a prefix" listings.
 */
import type { Cloud } from './index';
import type { OssEntry } from './oss';
import { l10n } from './l10n';
import { collectAll } from './paging';
import { formatDateTime } from './timeFormat';

/** The URI scheme of the OSS file system: `oss://<bucket>/<key>`. */
export const OSS_SCHEME = 'oss';

export interface OssLocation {
  bucket: string;
  /** Object key, or a prefix ending in "/" (or "" for the bucket root). */
  key: string;
}

/** Bucket names: 3–63 lowercase letters, digits and hyphens, not starting or ending with a hyphen. */
export const isBucketName = (name: string) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);

/** Parses `oss://bucket/key` (also `bucket/key`); undefined when it is not one. */
export function parseOssUri(text: string): OssLocation | undefined {
  const m = /^(?:oss:\/\/)?([^/\s]+)(?:\/(.*))?$/s.exec(text.trim());
  if (!m || !isBucketName(m[1])) {
    return undefined;
  }
  return { bucket: m[1], key: m[2] ?? '' };
}

export const formatOssUri = (loc: OssLocation) => `oss://${loc.bucket}/${loc.key}`;

export const isPrefix = (key: string) => key === '' || key.endsWith('/');

/** "a/b/" for "a/b", "" for "" — the folder form of a key. */
export const asPrefix = (key: string) => (key === '' || key.endsWith('/') ? key : `${key}/`);

/** The last path segment: "c.txt" for "a/b/c.txt", "b" for "a/b/". */
export function baseName(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The folder a key is in: "a/b/" for "a/b/c.txt" and for "a/b/c/". */
export function parentPrefix(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

/** The name of a listing entry relative to the listed prefix ("2026" for "logs/2026/" under "logs/"). */
export function entryName(entry: OssEntry, listedPrefix: string): string {
  const full = entry.kind === 'folder' ? entry.prefix : entry.key;
  const rel = full.startsWith(listedPrefix) ? full.slice(listedPrefix.length) : full;
  return (entry.kind === 'folder' ? rel.replace(/\/$/, '') : rel) || '/';
}

/**
 * Whether a listing name may become a path segment. Keys are free text: "", ".", "..", and names
 * with "/" or "\\" (or ":" on Windows) would make VS Code join them onto a folder path (a copy lands
 * outside its target; "share/../x" hides "share" and VS Code re-lists the parent without end).
 */
export function isPathSafeName(name: string, windows = process.platform === 'win32'): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\]/.test(name) && !(windows && name.includes(':'));
}

/** Whether every segment of `key` could have come from isPathSafeName (a folder's trailing "/" aside). */
export function isPathSafeKey(key: string, windows = process.platform === 'win32'): boolean {
  if (key === '') {
    return true;
  }
  const segments = (key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  return segments.every((seg) => isPathSafeName(seg, windows));
}

/**
 * A listing as directory entries: names that are safe path segments, and the keys left out. The
 * others are skipped rather than escaped: any escaped form is itself a legal key, so VS Code
 * reading it back would reach a different object (or none).
 */
export function directoryEntries(
  entries: OssEntry[],
  listedPrefix: string,
  windows = process.platform === 'win32',
): { entries: Array<{ name: string; folder: boolean }>; skipped: string[] } {
  const out: Array<{ name: string; folder: boolean }> = [];
  const skipped: string[] = [];
  for (const e of entries) {
    const full = e.kind === 'folder' ? e.prefix : e.key;
    const rel = full.startsWith(listedPrefix) ? full.slice(listedPrefix.length) : undefined;
    const name = rel === undefined ? undefined : e.kind === 'folder' ? rel.slice(0, -1) : rel;
    if (name !== undefined && isPathSafeName(name, windows)) {
      out.push({ name, folder: e.kind === 'folder' });
    } else {
      skipped.push(full);
    }
  }
  return { entries: out, skipped };
}

/** Records a region learnt elsewhere (ListBuckets returns it). */
export const rememberRegion = (cloud: Cloud, bucket: string, region: string): void =>
  cloud.oss.rememberRegion(bucket, region);

/** The bucket's region (cached per cloud; see OssApi.regionOfBucket). */
export const regionOfBucket = (cloud: Cloud, bucket: string, fallback: string): Promise<string> =>
  cloud.oss.regionOfBucket(bucket, fallback);

/** At most this many keys are gathered for one recursive operation (download, delete, rename). */
export const MAX_RECURSIVE_KEYS = 100_000;

/**
 * Every object key under `prefix` (no delimiter) — nested "folder/" placeholders included, the
 * prefix's own placeholder not (OssApi leaves it out). Throws when there are more than `max` keys
 * rather than acting on a partial list.
 */
export async function listKeysUnder(
  cloud: Cloud,
  bucket: string,
  region: string,
  prefix: string,
  max = MAX_RECURSIVE_KEYS,
): Promise<Array<{ key: string; size: number }>> {
  const pages = Math.ceil(max / 1000) + 1;
  const entries = await collectAll(
    (token) => cloud.oss.listObjects(bucket, region, { prefix, token, maxKeys: 1000, delimiter: '' }),
    pages,
  );
  const objects = entries.flatMap((e) => (e.kind === 'object' ? [{ key: e.key, size: e.size }] : []));
  if (objects.length > max) {
    throw new Error(l10n.t('More than {0} objects under oss://{1}/{2}; narrow the selection.', max, bucket, prefix));
  }
  return objects;
}

/** Whether a key exists (HeadObject); other errors than "not found" are thrown. */
export async function objectExists(cloud: Cloud, bucket: string, region: string, key: string): Promise<boolean> {
  try {
    await cloud.oss.headObject(bucket, region, key);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'NoSuchKey') {
      return false;
    }
    throw e;
  }
}

/** Human size: 512 B, 1.5 KB, 12.3 MB. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** Compact local date-time with its zone: 2026-02-01 10:00 UTC+8 (timeFormat.ts). */
export function formatDate(iso: string | undefined): string {
  return formatDateTime(iso);
}
