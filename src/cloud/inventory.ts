/**
 * The account at scale: every region's instances with their RAM roles, and every role, loaded
 * with a bounded number of requests in flight per regional endpoint and in all. Requests that
 * continue a chain (the next page of a listing) go before requests that end one (an instance
 * page's roles), so the longest chain of dependent requests sets the pace, not the queue.
 * Throttling is absorbed here: every request is a read, so it is repeated after a backoff and the
 * bound of the endpoint that throttled shrinks for a while (halved on a throttle, grown back by
 * one per success), and the user never sees it.
 */
import { isCloudError, type CloudError } from './errors';
import type { EcsApi, EcsInstance, RegionInfo } from './ecs';
import type { DeferredPage } from './deferredAnswer';
import type { Page } from './paging';
import type { RamApi, Role } from './ram';

/** Priority of the requests on the critical path, which have a slot of their own (LimiterOptions.reserve). */
export const CRITICAL = 20;

/**
 * Bounds where the service bounds. ECS throttles each API operation per region and per account,
 * and a throttled operation in one region leaves other operations and other regions unaffected
 * (ECS help "API throttling", alibabacloud.com/help/doc-detail/437902.htm), so requests are
 * bounded per key, a service's endpoint in one region (setting alibabaCloud.maxConcurrentRequests),
 * and a throttle shrinks only its key's bound. 8 a region is more than the inventory uses at once
 * there (a region's next page and the role batches of the page before: 3), so a big region keeps
 * its pace and the setting is headroom for the views' own requests.
 */
export const DEFAULT_MAX_IN_FLIGHT = 8;
/**
 * The process-wide cap on sockets, for this machine's sake, not the service's. With too few, the
 * instance side of the inventory needs more rounds of L than the six-page ListRoles chain
 * (`inventory_scheduled_vs_floor` in bench/run.ts, 20 regions of 300 instances: 1.35 with one
 * bound of 32, 1.18 with a cap of 40, 1.0 from 48). At its busiest that load has 61 in flight (a
 * page and two role batches in each region, and the chain's slot): 64 lets it all go at once.
 */
export const MAX_IN_FLIGHT_TOTAL = 64;

const THROTTLED = /^Throttling|^SlowDown$|^ServiceUnavailable$/;

export interface LimiterOptions {
  /** At most this many requests at once to one key (a service's endpoint in one region). */
  maxInFlight: number;
  /** At most this many at once across every key (default MAX_IN_FLIGHT_TOTAL). */
  maxTotal?: number;
  /** How many times one request is repeated after throttling before the error is given up. */
  maxThrottleRetries?: number;
  /** First backoff after a throttle (doubles per repeat, with jitter). */
  backoffMs?: number;
  /**
   * Slots of the process-wide cap held back for requests of at least this priority (default: one
   * slot for CRITICAL, the inventory's ListRoles chain), so the longest chain never waits for a
   * slot behind other requests: a slot frees only when an answer comes back, a whole round trip later.
   */
  reserve?: { priority: number; slots: number };
}

interface Waiter {
  priority: number;
  seq: number;
  key: string;
  start: () => void;
}

interface KeyState {
  active: number;
  /** The key's bound in effect: `maxInFlight`, or less for a while after a throttle there. */
  window: number;
  /** Highest number of this key's requests seen in flight at once. */
  peak: number;
  /** Requests this key started (repeats included). */
  started: number;
}

/**
 * Runs read requests with at most `maxInFlight` at once per key and `maxTotal` in all, higher
 * priority first, absorbing throttling: a throttled request is repeated after a backoff, and its
 * key's bound is halved (grown back by one per success there); other keys go on as they were.
 */
export class RequestLimiter {
  private active = 0;
  private seq = 0;
  private readonly queue: Waiter[] = [];
  private readonly keys = new Map<string, KeyState>();
  /** Highest number of requests seen in flight at once, over every key. */
  peak = 0;
  /** Throttling answers absorbed so far. */
  throttled = 0;

  constructor(private readonly options: LimiterOptions) {}

  /** The bound per key. */
  get maxInFlight(): number {
    return Math.max(1, Math.floor(this.options.maxInFlight));
  }

  /** The bound over every key. */
  get maxTotal(): number {
    return Math.max(1, Math.floor(this.options.maxTotal ?? MAX_IN_FLIGHT_TOTAL));
  }

  /** Per key: the highest number in flight at once, the bound now in effect, and requests started. */
  byKey(): Map<string, { peak: number; window: number; started: number }> {
    return new Map([...this.keys].map(([k, s]) => [k, { peak: s.peak, window: s.window, started: s.started }]));
  }

  /**
   * Runs `read` (idempotent: it may run more than once) when a slot of `key` and one of the whole
   * are free. Priority: higher first. Key: the endpoint the request goes to ('ecs:cn-hangzhou').
   */
  async run<T>(read: () => Promise<T>, priority = 0, key = ''): Promise<T> {
    const retries = this.options.maxThrottleRetries ?? 8;
    const state = this.keyState(key);
    for (let attempt = 0; ; attempt++) {
      await this.acquire(priority, key);
      try {
        const out = await read();
        state.window = Math.min(this.maxInFlight, state.window + 1);
        return out;
      } catch (e) {
        if (!isCloudError(e, THROTTLED) || attempt >= retries) {
          throw e;
        }
        this.throttled++;
        state.window = Math.max(1, Math.floor(state.window / 2));
        const base = (this.options.backoffMs ?? 100) * 2 ** Math.min(attempt, 6);
        await new Promise((r) => setTimeout(r, base * (0.5 + Math.random() / 2)));
        // Repeats go first: they are late already.
        priority += 1000;
      } finally {
        this.release(state);
      }
    }
  }

  private keyState(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { active: 0, window: this.maxInFlight, peak: 0, started: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  /** Slots of the whole a request of this priority may fill: the cap, less what is held back for higher ones. */
  private limitFor(priority: number): number {
    const r = this.options.reserve ?? { priority: CRITICAL, slots: 1 };
    return priority < r.priority ? Math.max(1, this.maxTotal - r.slots) : this.maxTotal;
  }

  private acquire(priority: number, key: string): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ priority, seq: this.seq++, key, start: resolve });
      this.pump();
    });
  }

  private release(state: KeyState): void {
    this.active--;
    state.active--;
    this.pump();
  }

  /**
   * Starts waiters, best first (priority, then arrival), skipping those whose key is full: a key
   * at its bound holds up only its own requests. Stops at the first that the whole has no room
   * for, since a lower priority never has more room.
   */
  private pump(): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const w = this.queue[i];
        const s = this.keys.get(w.key)!;
        if (s.active >= s.window) {
          continue;
        }
        const b = best < 0 ? undefined : this.queue[best];
        if (!b || w.priority > b.priority || (w.priority === b.priority && w.seq < b.seq)) {
          best = i;
        }
      }
      if (best < 0 || this.active >= this.limitFor(this.queue[best].priority)) {
        return;
      }
      const w = this.queue.splice(best, 1)[0];
      const s = this.keys.get(w.key)!;
      this.active++;
      s.active++;
      s.started++;
      this.peak = Math.max(this.peak, this.active);
      s.peak = Math.max(s.peak, s.active);
      w.start();
    }
  }
}

/**
 * Chain-continuing requests (next pages) before chain-ending ones (roles of a page); the ListRoles
 * chain, the longest (six pages for 5,000 roles against five requests per region), first of all,
 * with a slot of its own.
 */
const PRIORITY = { chain: CRITICAL, listing: 10, roles: 0 };

/** Limiter keys: ECS in one region; ECS at the profile's own region (DescribeRegions); RAM, a global service. */
export const ecsKey = (regionId: string) => `ecs:${regionId}`;
const ECS_HOME = 'ecs';
const RAM = 'ram';

/**
 * DescribeInstances takes at most 100 per page (MaxResults) and has no parameter that narrows the
 * fields it returns, nor does it return the RAM role, hence DescribeInstanceRamRole. That one
 * takes 50 instance ids a call in the Chinese API reference ("最多支持一次查询 50 台实例",
 * help.aliyun.com/document_detail/54243.html) but 100 in the English one, and pages its answer at
 * 50 at most (PageSize): 50 is the bound both agree on.
 */
const INSTANCE_PAGE = 100;
const ROLE_BATCH = 50;
/** ListRoles takes at most 1,000 per page (MaxItems). */
const ROLES_PAGE = 1000;

export interface RegionInstances {
  regionId: string;
  localName?: string;
  instances: EcsInstance[];
  /** Why this region could not be listed (the other regions still are). */
  error?: CloudError;
}

export interface Inventory {
  regions: RegionInstances[];
  roles: Role[];
}

export interface InventoryOptions {
  limiter: RequestLimiter;
  /** Regions to list; default: every region DescribeRegions returns. */
  regions?: string[];
  /** Where answers wait to be parsed (default: a queue of this load's own). */
  work?: DeferredWork;
}

/**
 * Work off the critical path: parsing answers nobody waits for yet. One item per turn of the event
 * loop (setImmediate), lowest rank first, so an answer that arrives meanwhile is read, and the next
 * request of its chain sent, between two items instead of after all of them. Nothing runs in
 * `add` itself: a caller that queues work and then sends a request sends it first.
 */
export class DeferredWork {
  private readonly queue: Array<{ rank: number; seq: number; run: () => void }> = [];
  private seq = 0;
  private scheduled = false;
  /** Items run so far (for tests and the benchmark). */
  ran = 0;

  add<T>(rank: number, fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        rank,
        seq: this.seq++,
        run: () => {
          try {
            resolve(fn());
          } catch (e) {
            reject(e);
          }
        },
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (!this.scheduled && this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.turn());
    }
  }

  private turn(): void {
    this.scheduled = false;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      const a = this.queue[i];
      const b = this.queue[best];
      if (a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq)) {
        best = i;
      }
    }
    const item = this.queue.splice(best, 1)[0];
    this.ran++;
    item.run();
    this.schedule();
  }
}

/** Every region's instances (each with its RAM role) and every RAM role. */
export async function loadInventory(api: { ecs: EcsApi; ram: RamApi }, options: InventoryOptions): Promise<Inventory> {
  const { limiter } = options;
  const work = options.work ?? new DeferredWork();
  const regionsP = (async () => {
    const regions: RegionInfo[] = options.regions
      ? options.regions.map((regionId) => ({ regionId, localName: '' }))
      : await limiter.run(() => api.ecs.describeRegions(), PRIORITY.listing, ECS_HOME);
    return Promise.all(regions.map((r) => regionInstances(api.ecs, limiter, work, r)));
  })();
  const [regions, roles] = await Promise.all([regionsP, allRoles(api.ram, limiter, work)]);
  return { regions, roles };
}

/**
 * Parsing order: by page, so the first page of every listing (the first screen of each tree) is
 * read before any second page; at the same page, in the order the answers came.
 */
const rankOfPage = (n: number) => n;

/** Keeps a rejection for a later Promise.all from counting as unhandled meanwhile. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

async function allRoles(ram: RamApi, limiter: RequestLimiter, work: DeferredWork): Promise<Role[]> {
  const pages: Array<Promise<Role[]>> = [];
  let marker: string | undefined;
  do {
    const page = await limiter.run(() => ram.listRolesDeferred(marker, ROLES_PAGE), PRIORITY.chain, RAM);
    // The chain goes on at once (the loop asks for the next page right away); this page is parsed later.
    pages.push(held(work.add(rankOfPage(pages.length), () => page.items())));
    marker = page.next !== marker ? page.next : undefined;
  } while (marker);
  return (await Promise.all(pages)).flat();
}

async function regionInstances(
  ecs: EcsApi,
  limiter: RequestLimiter,
  work: DeferredWork,
  region: RegionInfo,
): Promise<RegionInstances> {
  try {
    const pages: Array<Promise<EcsInstance[]>> = [];
    let token: string | undefined;
    do {
      const page: DeferredPage<EcsInstance> = await limiter.run(
        () => ecs.listInstancesDeferred(region.regionId, token, INSTANCE_PAGE),
        PRIORITY.listing,
        ecsKey(region.regionId),
      );
      // The next page is asked for before this one is parsed; its roles once it is.
      pages.push(
        held(
          work
            .add(rankOfPage(pages.length), () => page.items())
            .then((items) => withRoles(ecs, limiter, region.regionId, items)),
        ),
      );
      token = page.next !== token ? page.next : undefined;
    } while (token);
    return { ...region, instances: (await Promise.all(pages)).flat() };
  } catch (e) {
    if (!isCloudError(e)) {
      throw e;
    }
    return { ...region, instances: [], error: e };
  }
}

/** The instances with `ramRoleName` filled in. ECS refuses classic instances in that call, so they are left out of it. */
export async function withRoles(
  ecs: EcsApi,
  limiter: RequestLimiter,
  regionId: string,
  instances: EcsInstance[],
): Promise<EcsInstance[]> {
  const vpc = instances.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId);
  const batches: string[][] = [];
  for (let i = 0; i < vpc.length; i += ROLE_BATCH) {
    batches.push(vpc.slice(i, i + ROLE_BATCH));
  }
  const found = await Promise.all(
    batches.map((ids) => limiter.run(() => ecs.describeInstanceRoles(regionId, ids), PRIORITY.roles, ecsKey(regionId))),
  );
  const roles = new Map(found.flatMap((m) => [...m]));
  return instances.map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) }));
}

export interface RegionProbe {
  regionId: string;
  localName: string;
  /** The region's first page of instances (what its tree node shows first), or the error. */
  first?: Page<EcsInstance>;
  error?: CloudError;
}

/**
 * Which regions hold instances: DescribeRegions, then the first page of every region at once
 * (bounded). The page is kept, so opening a region shows it without asking again.
 */
export async function probeRegions(ecs: EcsApi, limiter: RequestLimiter, pageSize = 50): Promise<RegionProbe[]> {
  const regions = await limiter.run(() => ecs.describeRegions(), PRIORITY.listing, ECS_HOME);
  return Promise.all(
    regions.map(async (r): Promise<RegionProbe> => {
      try {
        return {
          ...r,
          first: await limiter.run(
            () => ecs.listInstances(r.regionId, undefined, pageSize),
            PRIORITY.listing,
            ecsKey(r.regionId),
          ),
        };
      } catch (e) {
        if (!isCloudError(e)) {
          throw e;
        }
        return { ...r, error: e };
      }
    }),
  );
}
