/**
 * One page shape for every listing (Marker/IsTruncated, NextToken/MaxResults, OSS continuation
 * tokens): the views load page by page with it, and `collectAll` walks every page when a caller
 * truly needs everything (bounded, so a runaway listing cannot loop forever).
 */
import { l10n } from './l10n';

export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  next?: string;
  /** How many the whole listing holds, where the API says (ECS TotalCount); RAM and OSS do not. */
  total?: number;
}

export type PageLoader<T> = (token: string | undefined) => Promise<Page<T>>;

/**
 * A listing loaded page by page on demand (the tree's "Load more"): keeps what is loaded, asks for
 * the next page with the last token, and serialises loads, so a double click cannot fetch a page
 * twice. A reset while a page is in flight drops that page: it belongs to the list before the reset.
 */
export class PagedList<T> {
  private items: T[] = [];
  private next?: string;
  private loaded = false;
  private totalCount?: number;
  private running?: Promise<void>;
  private generation = 0;

  constructor(private readonly loadPage: PageLoader<T>) {}

  /** Items loaded so far, and the listing's total when the API told it. */
  get count(): { loaded: number; total?: number } {
    return { loaded: this.items.length, total: this.totalCount };
  }

  get hasMore(): boolean {
    return !this.loaded || this.next !== undefined;
  }

  /** Items loaded so far, loading the first page if nothing is loaded yet (again, after a reset meanwhile). */
  async current(): Promise<T[]> {
    while (!this.loaded) {
      await this.loadMore();
    }
    return this.items;
  }

  /** Loads the next page; joins the load in flight if there is one. A failure leaves the list as it was. */
  loadMore(): Promise<void> {
    if (!this.running) {
      // `.finally` runs after the assignment below even when loadPage throws at once.
      const run: Promise<void> = this.fetchNext(this.generation).finally(() => {
        if (this.running === run) {
          this.running = undefined;
        }
      });
      this.running = run;
    }
    return this.running;
  }

  reset(): void {
    this.items = [];
    this.next = undefined;
    this.loaded = false;
    this.totalCount = undefined;
    this.generation++;
    this.running = undefined;
  }

  private async fetchNext(generation: number): Promise<void> {
    if (this.loaded && this.next === undefined) {
      return;
    }
    const page = await this.loadPage(this.loaded ? this.next : undefined);
    if (generation !== this.generation) {
      return;
    }
    this.items = [...this.items, ...page.items];
    this.next = page.next;
    this.totalCount = page.total ?? this.totalCount;
    this.loaded = true;
  }
}

/**
 * One page of a listing filtered by name, for APIs that take no name parameter (RAM ListRoles,
 * ListPolicies): reads `scanSize` items a request and keeps the matches (case-insensitive
 * substring) until `pageSize` matched or the listing ended. The next token continues the scan, so
 * "Load more" never reads a listing page twice. Without a filter it is one plain page.
 */
export async function filteredPage<T>(
  filter: string | undefined,
  token: string | undefined,
  list: (token: string | undefined, max: number) => Promise<Page<T>>,
  name: (t: T) => string,
  pageSize: number,
  scanSize: number,
): Promise<Page<T>> {
  if (!filter) {
    return list(token, pageSize);
  }
  const wanted = filter.toLowerCase();
  const items: T[] = [];
  let next = token;
  do {
    const page = await list(next, scanSize);
    items.push(...page.items.filter((t) => name(t).toLowerCase().includes(wanted)));
    next = page.next !== next ? page.next : undefined;
  } while (next && items.length < pageSize);
  return { items, next };
}

export async function collectAll<T>(load: PageLoader<T>, maxPages = 1000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await load(token);
    out.push(...page.items);
    if (!page.next || page.next === token) {
      return out;
    }
    token = page.next;
  }
  return out;
}

/**
 * Hands each page to `fn` before loading the next, for work that changes what is listed (deleting
 * it) and must not hold a whole listing in memory. Bounded like `collectAll`; checks `signal`
 * before every page. Returns how many items it handed over.
 */
export async function forEachPage<T>(
  load: PageLoader<T>,
  fn: (items: T[]) => Promise<void>,
  opts: { signal?: AbortSignal; maxPages?: number } = {},
): Promise<number> {
  let token: string | undefined;
  let seen = 0;
  for (let i = 0; i < (opts.maxPages ?? 100_000); i++) {
    opts.signal?.throwIfAborted();
    const page = await load(token);
    if (page.items.length) {
      await fn(page.items);
    }
    seen += page.items.length;
    if (!page.next || page.next === token) {
      break;
    }
    token = page.next;
  }
  return seen;
}

/** Runs `fn` over items with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        out[k] = await fn(items[k]);
      }
    }),
  );
  return out;
}

/** The "Load more" row: "Load more… (200 of 1,234 loaded)", or "(200 loaded)" when the total is unknown. */
export function loadMoreLabel(count: { loaded: number; total?: number }): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return count.total !== undefined && count.total >= count.loaded
    ? l10n.t('Load more… ({0} of {1} loaded)', n(count.loaded), n(count.total))
    : l10n.t('Load more… ({0} loaded)', n(count.loaded));
}
