/**
 * The paging core the trees use (cloud/paging.ts PagedList), without VS Code: "Load more" asks with
 * the last page's token, concurrent loads share one request, a failure keeps what was loaded, and a
 * reset while a page is in flight never lets that page into the fresh list.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachPage, PagedList, type Page } from '../../../src/cloud/paging';

/** A listing of `pages` whose answers the test releases one by one, recording the tokens asked for. */
function gatedListing(pages: string[][]) {
  const asked: Array<string | undefined> = [];
  const waiting: Array<{ release(): void; fail(e: Error): void }> = [];
  const load = (token: string | undefined): Promise<Page<string>> => {
    asked.push(token);
    const index = token === undefined ? 0 : Number(token);
    return new Promise((resolve, reject) => {
      waiting.push({
        release: () => resolve({ items: pages[index], next: index + 1 < pages.length ? String(index + 1) : undefined }),
        fail: reject,
      });
    });
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
    }
  };
  /** Lets `pending` reach the listing, answers the request it made, and waits for it. */
  const answer = async <T>(pending: Promise<T>): Promise<T> => {
    await settle();
    waiting.shift()!.release();
    return pending;
  };
  return { load, asked, waiting, settle, answer };
}

describe('PagedList', () => {
  it('loads the first page on demand, then each next page with the previous token, until the last', async () => {
    const l = gatedListing([['a', 'b'], ['c'], ['d']]);
    const list = new PagedList(l.load);
    const first = list.current();
    await l.settle();
    l.waiting.shift()!.release();
    assert.deepEqual(await first, ['a', 'b']);
    assert.equal(list.hasMore, true);
    for (const expected of [
      ['a', 'b', 'c'],
      ['a', 'b', 'c', 'd'],
    ]) {
      await l.answer(list.loadMore());
      assert.deepEqual(await list.current(), expected);
    }
    assert.equal(list.hasMore, false);
    await list.loadMore();
    assert.deepEqual(l.asked, [undefined, '1', '2'], 'no request after the last page');
  });

  it('concurrent Load more clicks share one request and append the page once', async () => {
    const l = gatedListing([['a'], ['b'], ['c']]);
    const list = new PagedList(l.load);
    await l.answer(list.current());
    const clicks = [list.loadMore(), list.loadMore(), list.loadMore()];
    await l.settle();
    assert.equal(l.waiting.length, 1, 'one request in flight for three clicks');
    l.waiting.shift()!.release();
    await Promise.all(clicks);
    assert.deepEqual(await list.current(), ['a', 'b']);
    assert.deepEqual(l.asked, [undefined, '1']);
  });

  it('a failed page leaves the list as it was, and the next Load more asks for that page again', async () => {
    const l = gatedListing([['a'], ['b']]);
    const list = new PagedList(l.load);
    await l.answer(list.current());
    const failing = list.loadMore();
    await l.settle();
    l.waiting.shift()!.fail(new Error('Throttling'));
    await assert.rejects(failing, /Throttling/);
    assert.deepEqual(await list.current(), ['a']);
    await l.answer(list.loadMore());
    assert.deepEqual(await list.current(), ['a', 'b']);
    assert.deepEqual(l.asked, [undefined, '1', '1']);
  });

  it('a reset during a load drops the page in flight: the fresh list starts again from the first page', async () => {
    const l = gatedListing([['a'], ['b'], ['c']]);
    const list = new PagedList(l.load);
    await l.answer(list.current());
    const stale = list.loadMore();
    await l.settle();
    list.reset();
    const fresh = list.current();
    await l.settle();
    assert.deepEqual(l.asked, [undefined, '1', undefined], 'the fresh list asks for the first page at once');
    l.waiting.shift()!.release(); // the stale page 2 arrives after the reset
    await stale;
    l.waiting.shift()!.release();
    assert.deepEqual(await fresh, ['a'], 'page 2 of the old list is not in the new one');
    assert.equal(list.hasMore, true);
  });

  it('a reset during the first load: a caller still waiting gets the reloaded first page, not nothing', async () => {
    const l = gatedListing([['a'], ['b']]);
    const list = new PagedList(l.load);
    const waiting = list.current();
    await l.settle();
    list.reset();
    l.waiting.shift()!.release();
    await l.settle();
    assert.equal(l.asked.length, 2, 'the first page is asked for again after the reset');
    l.waiting.shift()!.release();
    assert.deepEqual(await waiting, ['a']);
  });
});

describe('forEachPage', () => {
  const listing =
    (pages: string[][]) =>
    async (token: string | undefined): Promise<Page<string>> => {
      const i = token === undefined ? 0 : Number(token);
      return { items: pages[i], next: i + 1 < pages.length ? String(i + 1) : undefined };
    };

  it('hands each page over before loading the next, and counts the items', async () => {
    const order: string[] = [];
    const load = listing([['a', 'b'], [], ['c']]);
    const n = await forEachPage(
      async (t) => {
        order.push(`load ${t ?? 'first'}`);
        return load(t);
      },
      async (items) => {
        order.push(`work ${items.join('')}`);
      },
    );
    assert.equal(n, 3);
    assert.deepEqual(order, ['load first', 'work ab', 'load 1', 'load 2', 'work c']);
  });

  it('stops on a token that repeats, at maxPages, and when aborted', async () => {
    let loads = 0;
    assert.equal(
      await forEachPage(
        async () => {
          loads++;
          return { items: ['x'], next: 'same' };
        },
        async () => {},
      ),
      2,
    );
    assert.equal(loads, 2);
    let n = 0;
    assert.equal(
      await forEachPage(
        async () => ({ items: ['x'], next: String(++n) }),
        async () => {},
        { maxPages: 5 },
      ),
      5,
    );
    const controller = new AbortController();
    await assert.rejects(
      forEachPage(
        listing([['a'], ['b']]),
        async () => {
          controller.abort();
        },
        { signal: controller.signal },
      ),
      { name: 'AbortError' },
    );
  });
});
