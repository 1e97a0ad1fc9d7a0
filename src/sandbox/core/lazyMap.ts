/**
 * A Map whose bulk contents are made on first use, so a sandbox seeded with a company-sized
 * account (`--seed large`) starts at once and pays for 100,000 objects only when something reads
 * them. It also counts structural changes (a key added or removed), so a reader can cache a
 * derived view such as the sorted key list and know when it is stale.
 */
export class LazyMap<K, V> extends Map<K, V> {
  private fill?: (into: LazyMap<K, V>) => void;
  /** Bumped whenever a key is added or removed (not when a value is replaced). */
  version = 0;

  constructor(entries?: Iterable<readonly [K, V]> | null, fill?: (into: LazyMap<K, V>) => void) {
    super(entries ?? undefined);
    this.fill = fill;
  }

  private ready(): void {
    const fill = this.fill;
    if (fill) {
      this.fill = undefined;
      fill(this);
    }
  }

  override get size(): number {
    this.ready();
    return super.size;
  }
  override get(key: K): V | undefined {
    this.ready();
    return super.get(key);
  }
  override has(key: K): boolean {
    this.ready();
    return super.has(key);
  }
  override set(key: K, value: V): this {
    this.ready();
    if (!super.has(key)) {
      this.version++;
    }
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    this.ready();
    const gone = super.delete(key);
    if (gone) {
      this.version++;
    }
    return gone;
  }
  override clear(): void {
    this.ready();
    this.version++;
    super.clear();
  }
  override keys(): MapIterator<K> {
    this.ready();
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.ready();
    return super.values();
  }
  override entries(): MapIterator<[K, V]> {
    this.ready();
    return super.entries();
  }
  override forEach(cb: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.ready();
    super.forEach(cb, thisArg);
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.ready();
    return super[Symbol.iterator]();
  }
}

/** Sorted keys of a map, cached per LazyMap version; plain maps are sorted on every call. */
const sortedCache = new WeakMap<Map<string, unknown>, { version: number; keys: string[] }>();

export function sortedKeys(map: Map<string, unknown>): string[] {
  if (!(map instanceof LazyMap)) {
    return [...map.keys()].sort();
  }
  const hit = sortedCache.get(map);
  if (hit && hit.version === map.version && hit.keys.length === map.size) {
    return hit.keys;
  }
  const keys = [...map.keys()].sort();
  sortedCache.set(map, { version: map.version, keys });
  return keys;
}

/** Index of the first element of sorted `keys` greater than `after` (binary search). */
export function firstAfter(keys: string[], after: string): number {
  return search(keys, (k) => k <= after);
}

/** Index of the first element of sorted `keys` not less than `from`. */
export function firstAtOrAfter(keys: string[], from: string): number {
  return search(keys, (k) => k < from);
}

function search(keys: string[], before: (k: string) => boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(keys[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * The values of a map grouped by `groupOf`, in the map's order; cached per LazyMap version (like
 * sortedKeys), so the large seed's 6,000 instances are not filtered by region on every request.
 * Only for a grouping that never changes while a value is in the map (an instance's region).
 */
const groupCache = new WeakMap<
  Map<string, unknown>,
  { version: number; size: number; groups: Map<string, unknown[]> }
>();

export function valuesIn<V>(map: Map<string, V>, group: string, groupOf: (v: V) => string): V[] {
  if (!(map instanceof LazyMap)) {
    return [...map.values()].filter((v) => groupOf(v) === group);
  }
  let hit = groupCache.get(map) as { version: number; size: number; groups: Map<string, V[]> } | undefined;
  if (!hit || hit.version !== map.version || hit.size !== map.size) {
    const groups = new Map<string, V[]>();
    for (const v of map.values()) {
      const g = groupOf(v);
      let list = groups.get(g);
      if (!list) {
        groups.set(g, (list = []));
      }
      list.push(v);
    }
    hit = { version: map.version, size: map.size, groups };
    groupCache.set(map, hit as never);
  }
  return hit.groups.get(group) ?? [];
}
