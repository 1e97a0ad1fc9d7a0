/**
 * The smallest set of key patterns (relative to a bucket) that covers a set of observed object
 * keys: each key's directory (`reports/2026/03/*`), siblings merged into their parent when there
 * are many, never wider than the whole bucket (`*`). A root-level key is named exactly.
 *
 * RAM reads `*` and `?` in a Resource as wildcards, so a key holding one cannot be named
 * literally: its pattern stops before the first wildcard character and ends in `*` (still
 * covering the key, never pretending to be narrower than it is).
 */

/** Siblings under one parent merged into the parent when there are at least this many. */
export const MERGE_SIBLINGS = 4;
/** At most this many patterns per bucket: the deepest are merged upward until it fits. */
export const MAX_PATTERNS = 8;

const WILDCARD = /[*?]/;

/** The pattern one key needs: its directory, or itself at the root; cut at a wildcard character. */
export function coverOf(key: string): string {
  const cut = key.search(WILDCARD);
  if (cut >= 0) {
    const head = key.slice(0, cut);
    const slash = head.lastIndexOf('/');
    // The directory above the wildcard, or what precedes the wildcard at the root.
    return slash < 0 ? `${head}*` : `${head.slice(0, slash + 1)}*`;
  }
  const slash = key.lastIndexOf('/');
  return slash < 0 ? key : `${key.slice(0, slash + 1)}*`;
}

/** The pattern one level up: `a/b/*` → `a/*`, `a/*` or a root key → `*`. */
function parentOf(pattern: string): string {
  const base = pattern.endsWith('/*') ? pattern.slice(0, -2) : pattern.replace(/\*$/, '');
  const slash = base.lastIndexOf('/');
  return slash < 0 ? '*' : `${base.slice(0, slash + 1)}*`;
}

const depth = (p: string) => p.split('/').length;

/** Whether pattern `a` matches everything `b` does (`a` ends in `*` and `b` starts with its stem). */
function covers(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  return a.endsWith('*') && b.startsWith(a.slice(0, -1));
}

function minimal(patterns: Iterable<string>): string[] {
  const list = [...new Set(patterns)].sort();
  return list.filter((p) => !list.some((q) => q !== p && covers(q, p)));
}

export function narrowKeys(keys: Iterable<string>): string[] {
  let set = minimal([...keys].map(coverOf));
  // Many siblings under one parent: the parent (but not the whole bucket, which only the cap may reach).
  for (let changed = true; changed;) {
    changed = false;
    const byParent = new Map<string, string[]>();
    for (const p of set) {
      const parent = parentOf(p);
      if (parent !== '*') {
        byParent.set(parent, [...(byParent.get(parent) ?? []), p]);
      }
    }
    for (const [parent, children] of byParent) {
      if (children.length >= MERGE_SIBLINGS) {
        set = minimal([...set.filter((p) => !children.includes(p)), parent]);
        changed = true;
        break;
      }
    }
  }
  while (set.length > MAX_PATTERNS) {
    const deepest = Math.max(...set.map(depth));
    set = minimal(set.map((p) => (depth(p) === deepest ? parentOf(p) : p)));
  }
  return set;
}
