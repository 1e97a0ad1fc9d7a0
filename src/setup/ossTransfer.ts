/**
 * The data-safety rules of batch OSS transfers, without the UI:
 * - objects that would land on the same local path never overwrite each other: several objects
 *   flattened into one folder (a/x.txt and b/x.txt), or keys that differ only in case (one file
 *   on case-insensitive file systems such as macOS and Windows defaults) get "x (2).txt";
 * - a batch goes on after one item fails and ends with what failed; only a cancel stops it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudError, isCloudError, toCloudError } from '../cloud/errors';

export interface Renamed {
  from: string;
  to: string;
}

/**
 * Gives every item its own local path, comparing paths without case (safe on every file system).
 * An item whose path is taken by an earlier item is renamed "name (2).ext", "name (3).ext"… and
 * the new name also avoids files that already exist (`exists`), so it never replaces one.
 */
export function uniqueLocalPaths<T extends { local: string }>(
  items: T[],
  exists: (p: string) => boolean,
): { items: T[]; renamed: Renamed[] } {
  const used = new Set<string>();
  const renamed: Renamed[] = [];
  const out = items.map((item) => {
    const key = item.local.toLowerCase();
    if (!used.has(key)) {
      used.add(key);
      return item;
    }
    const ext = path.extname(item.local);
    const stem = item.local.slice(0, item.local.length - ext.length);
    for (let n = 2; ; n++) {
      const candidate = `${stem} (${n})${ext}`;
      if (!used.has(candidate.toLowerCase()) && !exists(candidate)) {
        used.add(candidate.toLowerCase());
        renamed.push({ from: item.local, to: candidate });
        return { ...item, local: candidate };
      }
    }
  });
  return { items: out, renamed };
}

/**
 * Whether a file of this name exists, ignoring case: what a case-insensitive file system would
 * say, so a renamed download never takes the name of a file that differs only in case either.
 */
export function existsIgnoringCase(p: string): boolean {
  try {
    const name = path.basename(p).toLowerCase();
    return fs.readdirSync(path.dirname(p)).some((n) => n.toLowerCase() === name);
  } catch {
    return false;
  }
}

export interface BatchFailure<T> {
  item: T;
  error: CloudError;
}

export interface BatchResult<T> {
  done: T[];
  failed: BatchFailure<T>[];
}

/**
 * Runs `run` for each item in order. A failure is recorded and the batch goes on; a cancel (the
 * signal, or a Cancelled error) stops it and is rethrown, with what was done so far on the error.
 */
export async function runBatch<T>(
  items: T[],
  run: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<BatchResult<T>> {
  const result: BatchResult<T> = { done: [], failed: [] };
  for (const [i, item] of items.entries()) {
    if (signal?.aborted) {
      throw new CloudError({ code: 'Cancelled', message: 'cancelled' });
    }
    try {
      await run(item, i);
      result.done.push(item);
    } catch (e) {
      if (signal?.aborted || isCloudError(e, 'Cancelled')) {
        throw e;
      }
      result.failed.push({ item, error: toCloudError(e) });
    }
  }
  return result;
}
