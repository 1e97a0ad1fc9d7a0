/** Faults and latency on demand, per service and action, for tests and benchmarks. */
export type SandboxService = 'ram' | 'ecs' | 'sts' | 'oss' | 'imds';

export interface FaultRule {
  service?: SandboxService;
  /** RPC action (CreateRole) or OSS operation (PutObject); omitted = every action of the service. */
  action?: string;
  /** throttle → Throttling.User 400 (OSS: 503 SlowDown); error5xx → 500/503; delay → wait; down → drop the connection. */
  kind: 'throttle' | 'error5xx' | 'delay' | 'down';
  delayMs?: number;
  status?: number;
  /** How many requests it applies to; omitted = until cleared. */
  count?: number;
  /** How many matching requests pass untouched before it applies (e.g. a dry run before the real call). */
  after?: number;
}

export class Faults {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return this.rules;
  }

  /** Returns the rules that fire for this request, consuming their counts. */
  take(service: SandboxService, action: string): FaultRule[] {
    const matching = this.rules.filter((r) => (!r.service || r.service === service) && (!r.action || r.action === action));
    const hits = matching.filter((r) => !r.after);
    for (const r of matching) {
      if (r.after) { r.after -= 1; } else if (r.count !== undefined) { r.count -= 1; }
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return hits;
  }
}
