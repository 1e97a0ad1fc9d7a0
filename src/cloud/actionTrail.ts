/**
 * ActionTrail (2020-07-06) through the signed RPC path: there is no ActionTrail SDK in the npm
 * registry, so calls go through callRpcJson on a plain OpenAPI client (session.actionTrailClient).
 *
 * "ActionTrail:LookupEvents" (alibabacloud.com/help/en/actiontrail/developer-reference/api-actiontrail-2020-07-06-lookupevents):
 * at most twice per second, MaxResults up to 50, NextToken with the same parameters as before.
 * A query spans at most 30 days of the last 90, so 90 days are three windows, read one after the
 * other through one pacer. OSS object calls are data events and never come back from it.
 */
import type { CloudError } from './errors';
import { callRpcJson } from './sdk';
import type { CloudSession } from './session';

export const ACTIONTRAIL_VERSION = '2020-07-06';
export const LOOKUP_PAGE = 50;
export const WINDOW_DAYS = 30;
export const HISTORY_DAYS = 90;
/**
 * Time from one LookupEvents answer to the next call: at most 2 calls in any second wherever the
 * server counts them between our send and its answer (start-to-start spacing is not enough: the
 * first call of a session spends most of its time loading and signing before it leaves).
 */
export const LOOKUP_SPACING_MS = 510;
const DAY = 86_400_000;
const HORIZON_MARGIN_MS = 15 * 60_000;

/** One event as LookupEvents returns it (the documented fields this product reads). */
export interface TrailEvent {
  eventId?: string;
  eventName: string;
  serviceName: string;
  acsRegion?: string;
  eventTime: string;
  eventRW?: string;
  userIdentity?: { type?: string; principalId?: string; userName?: string; accessKeyId?: string; accountId?: string };
  requestParameters?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  resourceName?: string;
  resourceType?: string;
  referencedResources?: Record<string, string[]>;
}

export interface LookupQuery {
  startTime: string;
  endTime: string;
  /** 1–2 conditions ANDed (LookupAttribute.N.Key/Value). */
  attributes?: Array<{ key: string; value: string }>;
  maxResults?: number;
  nextToken?: string;
}

interface RawLookup {
  Events?: unknown[];
  NextToken?: string;
}

const isoUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Raw event objects are data from the cloud: keep only well-shaped ones. */
function asEvent(x: unknown): TrailEvent | undefined {
  const e = x as Partial<TrailEvent> | null;
  if (!e || typeof e !== 'object' || typeof e.eventName !== 'string' || typeof e.eventTime !== 'string') {
    return undefined;
  }
  return { ...e, serviceName: typeof e.serviceName === 'string' ? e.serviceName : '' } as TrailEvent;
}

export class ActionTrailApi {
  constructor(
    private readonly session: CloudSession,
    private readonly regionId = session.regionId,
  ) {}

  async lookupEvents(q: LookupQuery): Promise<{ events: TrailEvent[]; nextToken?: string }> {
    const query: Record<string, unknown> = {
      StartTime: q.startTime,
      EndTime: q.endTime,
      MaxResults: q.maxResults ?? LOOKUP_PAGE,
      NextToken: q.nextToken,
    };
    (q.attributes ?? []).slice(0, 2).forEach((a, i) => {
      query[`LookupAttribute.${i + 1}.Key`] = a.key;
      query[`LookupAttribute.${i + 1}.Value`] = a.value;
    });
    const r = await this.session.call(
      'actiontrail',
      'LookupEvents',
      this.regionId,
      () =>
        callRpcJson<RawLookup>(
          this.session.actionTrailClient(this.regionId),
          'LookupEvents',
          ACTIONTRAIL_VERSION,
          query,
        ),
      { idempotent: true },
    );
    const events = (r.body?.Events ?? []).map(asEvent).filter((e): e is TrailEvent => !!e);
    return { events, nextToken: r.body?.NextToken || undefined };
  }
}

interface RawLastUsed {
  Products?: Array<{ ServiceName?: string; Detail?: string }>;
  Resources?: Array<{ Detail?: string }>;
  NextToken?: string;
}

function eventOfDetail(detail: unknown): TrailEvent | undefined {
  if (typeof detail !== 'string') {
    return undefined;
  }
  try {
    return asEvent(JSON.parse(detail));
  } catch {
    return undefined;
  }
}

/**
 * What an AccessKey was last used for ("GetAccessKeyLastUsedProducts" / "…Resources", ActionTrail
 * 2020-07-06): the latest event per service and per resource. Only the latest: an action used
 * before another on the same resource is not in it, which the caller must say.
 */
export async function accessKeyLastUse(session: CloudSession, accessKeyId: string): Promise<TrailEvent[]> {
  const call = (action: string, query: Record<string, unknown>) =>
    session
      .call(
        'actiontrail',
        action,
        session.regionId,
        () => callRpcJson<RawLastUsed>(session.actionTrailClient(), action, ACTIONTRAIL_VERSION, query),
        { idempotent: true },
      )
      .then((r) => r.body ?? {});
  const products = await call('GetAccessKeyLastUsedProducts', { AccessKey: accessKeyId });
  const byId = new Map<string, TrailEvent>();
  const add = (e: TrailEvent | undefined) => e && byId.set(e.eventId ?? `${e.eventName}@${e.eventTime}`, e);
  for (const p of products.Products ?? []) {
    add(eventOfDetail(p.Detail));
    if (!p.ServiceName) {
      continue;
    }
    let token: string | undefined;
    do {
      const page = await call('GetAccessKeyLastUsedResources', {
        AccessKey: accessKeyId,
        ServiceName: p.ServiceName,
        PageSize: 100,
        NextToken: token,
      });
      (page.Resources ?? []).forEach((r) => add(eventOfDetail(r.Detail)));
      token = page.NextToken || undefined;
    } while (token);
  }
  return [...byId.values()];
}

export interface ActivityProgress {
  window: number;
  windows: number;
  events: number;
  requests: number;
}

export interface ActivityRead {
  events: TrailEvent[];
  requests: number;
  windows: Array<{ start: string; end: string; events: number; complete: boolean }>;
  /** False when cancelled or stopped by an error: `events` holds what was read until then. */
  complete: boolean;
  error?: CloudError | Error;
}

export interface ReadActivityOptions {
  days?: number;
  /** ms since epoch; default the cloud's clock (Date.now()). */
  now?: number;
  onProgress?(p: ActivityProgress): void;
  signal?: AbortSignal;
  /** Spacing between calls (tests and benchmarks keep the default). */
  spacingMs?: number;
}

/**
 * Every event of a role over `days` (90) in 30-day windows, newest window first, paced to the
 * documented 2 calls a second. Cancelling or an error keeps what was read.
 */
export async function readRoleActivity(
  api: Pick<ActionTrailApi, 'lookupEvents'>,
  roleName: string,
  opts: ReadActivityOptions = {},
): Promise<ActivityRead> {
  const days = opts.days ?? HISTORY_DAYS;
  const end = opts.now ?? Date.now();
  const spacing = opts.spacingMs ?? LOOKUP_SPACING_MS;
  const windows: ActivityRead['windows'] = [];
  for (let to = end; to > end - days * DAY; to -= WINDOW_DAYS * DAY) {
    // 15 minutes inside the horizon (the clock skew a signed request may have), so the oldest
    // window is not refused when the service's clock is ahead of ours.
    const from = Math.max(to - WINDOW_DAYS * DAY, end - days * DAY + HORIZON_MARGIN_MS);
    windows.push({ start: isoUtc(from), end: isoUtc(to), events: 0, complete: false });
  }
  const events: TrailEvent[] = [];
  let requests = 0;
  let last = 0;
  const pace = async () => {
    const wait = last + spacing - Date.now();
    if (wait > 0) {
      await new Promise((r) => setTimeout(r, wait));
    }
  };
  try {
    for (let w = 0; w < windows.length; w++) {
      const win = windows[w];
      let token: string | undefined;
      do {
        if (opts.signal?.aborted) {
          return { events, requests, windows, complete: false };
        }
        await pace();
        const page = await api
          .lookupEvents({
            startTime: win.start,
            endTime: win.end,
            attributes: [{ key: 'RoleName', value: roleName }],
            maxResults: LOOKUP_PAGE,
            nextToken: token,
          })
          .finally(() => (last = Date.now()));
        requests++;
        events.push(...page.events);
        win.events += page.events.length;
        token = page.nextToken;
        opts.onProgress?.({ window: w + 1, windows: windows.length, events: events.length, requests });
      } while (token);
      win.complete = true;
    }
  } catch (e) {
    return { events, requests, windows, complete: false, error: e as Error };
  }
  return { events, requests, windows, complete: true };
}
