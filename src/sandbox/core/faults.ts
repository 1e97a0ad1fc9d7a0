/** Faults and latency on demand, per service and action, for tests and benchmarks. */
export type SandboxService = 'ram' | 'ecs' | 'sts' | 'oss' | 'imds' | 'actiontrail';

export interface FaultRule {
  service?: SandboxService;
  /** RPC action (CreateRole) or OSS operation (PutObject); omitted = every action of the service. */
  action?: string;
  /** throttle → Throttling.User 400 (OSS: 503 SlowDown); error5xx → 500/503; delay → wait; down → drop the connection. */
  kind: 'throttle' | 'error5xx' | 'delay' | 'down';
  /**
   * throttle: which of the gateway's throttling answers (THROTTLING below); default
   * Throttling.User. OSS always answers its own shape.
   */
  code?: ThrottlingCode;
  /**
   * throttle: fire only for requests beyond this many per second (per service and action, on the
   * sandbox's wall clock), like a real API rate limit, instead of for every request.
   */
  perSecond?: number;
  /**
   * throttle: fire only while more than this many requests of the service are in flight, like a
   * gateway's concurrency limit: a client that keeps its own bound below it never sees one.
   */
  inFlight?: number;
  /**
   * inFlight counts the service's requests in all (default), or those of the service in the
   * request's region (RegionId): ECS throttles each API per region, and a region at its threshold
   * leaves other regions unaffected (ECS help "API throttling", alibabacloud.com/help/doc-detail/437902.htm).
   */
  inFlightPer?: 'service' | 'region';
  delayMs?: number;
  status?: number;
  /**
   * error5xx: answer with an empty body (a load balancer or proxy failing in front of the API)
   * instead of the service's own error document. `requestId` is the request id header's value
   * (default: a fresh one, as the gateway sends); '' sends none, as a proxy would.
   */
  emptyBody?: boolean;
  requestId?: string;
  /** How many requests it applies to; omitted = until cleared. */
  count?: number;
  /** How many matching requests pass untouched before it applies (e.g. a dry run before the real call). */
  after?: number;
}

/**
 * The POP gateway's throttling answers. Throttling.User and its message are quoted in Alibaba
 * Cloud's troubleshooting pages (e.g. EDAS help doc-detail/98807); the other codes appear in SDK
 * and terraform retry lists, their messages follow the same pattern and are not quoted from a doc.
 * The SDKs retry only the codes their retryOptions name, so the exact code matters to a client.
 */
export const THROTTLING = {
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  'Throttling.Api': { status: 400, message: 'Request was denied due to api flow control.' },
  Throttling: { status: 400, message: 'Request was denied due to flow control.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
} as const;
export type ThrottlingCode = keyof typeof THROTTLING;

export class Faults {
  private rules: FaultRule[] = [];
  /** Recent request times per service/action, for perSecond rules. */
  private recent = new Map<string, number[]>();

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /**
   * Returns the rules that fire for this request, consuming their counts. `inFlight`: the
   * service's requests being answered, this one included; `inFlightInRegion`: those in its region.
   */
  take(
    service: SandboxService,
    action: string,
    nowMs = Date.now(),
    inFlight = 1,
    inFlightInRegion = inFlight,
  ): FaultRule[] {
    const matching = this.rules.filter(
      (r) => (!r.service || r.service === service) && (!r.action || r.action === action),
    );
    const rate = matching.some((r) => r.perSecond !== undefined) ? this.rate(`${service}:${action}`, nowMs) : 0;
    const firing = matching.filter(
      (r) =>
        (r.perSecond === undefined || rate > r.perSecond) &&
        (r.inFlight === undefined || (r.inFlightPer === 'region' ? inFlightInRegion : inFlight) > r.inFlight),
    );
    const hits = firing.filter((r) => !r.after);
    for (const r of firing) {
      if (r.after) {
        r.after -= 1;
      } else if (r.count !== undefined) {
        r.count -= 1;
      }
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return hits;
  }

  /** Counts this request and returns how many arrived in the last second, itself included. */
  private rate(key: string, nowMs: number): number {
    const times = (this.recent.get(key) ?? []).filter((t) => t > nowMs - 1000);
    times.push(nowMs);
    this.recent.set(key, times);
    return times.length;
  }
}
