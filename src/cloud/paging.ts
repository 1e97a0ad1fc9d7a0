/**
 * One page shape for every listing (Marker/IsTruncated, NextToken/MaxResults, OSS continuation
 * tokens): the views load page by page with it, and `collectAll` walks every page when a caller
 * truly needs everything (bounded, so a runaway listing cannot loop forever).
 */
export interface Page<T> {
  items: T[];
  /** Token for the next page; undefined on the last page. */
  next?: string;
}

export type PageLoader<T> = (token: string | undefined) => Promise<Page<T>>;

export async function collectAll<T>(load: PageLoader<T>, maxPages = 1000): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await load(token);
    out.push(...page.items);
    if (!page.next || page.next === token) { return out; }
    token = page.next;
  }
  return out;
}

/** Runs `fn` over items with at most `limit` in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const k = next++; out[k] = await fn(items[k]); }
  }));
  return out;
}
