/**
 * Waiting instead of failing, for the two things a real account does slowly:
 *
 * - RAM is eventually consistent towards the services that use its roles. A role that was just
 *   created or changed (trust policy, attached policies) is unknown, untrusted or under its old
 *   permissions in ECS, STS, OSS and the instance metadata service for a few seconds. No API
 *   reference names an error code for "not propagated yet": the services answer with the codes
 *   they use for the old state, so those codes are retried, but only when this process changed
 *   the role recently (`noteRoleChange`); otherwise they are real and fail at once.
 * - Instances move through Pending/Starting/Stopping before they settle (DescribeInstances
 *   Status), and their public IP appears once they run; src/setup/instanceLifecycle.ts follows
 *   them with the pause below.
 *
 * Both waits back off, report elapsed seconds every second, stop on an AbortSignal, and give up
 * with an explanation after a bound.
 */
import { CloudError, isCloudError } from './errors';
import { l10n } from './l10n';

/** Who has to learn about the RAM change. */
export type PropagationTarget = 'ecs' | 'sts' | 'oss' | 'imds';

/**
 * What each service answers while it still sees the role as it was: ECS AttachInstanceRamRole and
 * RunInstances InvalidRamRole.NotFound / InvalidRamRole.NotEcsRole; STS AssumeRole
 * EntityNotExist.Role / NoPermission (trust not there yet); OSS AccessDenied (old permissions);
 * the metadata service 404 on the role's credentials although it lists the role.
 */
const PROPAGATION_CODES: Record<PropagationTarget, RegExp> = {
  ecs: /^InvalidRamRole\.(NotFound|NotEcsRole)$/,
  sts: /^(EntityNotExist\.Role|NoPermission)$/,
  oss: /^AccessDenied$/,
  imds: /^ImdsNoRole$/,
};

export const PROPAGATION_TIMEOUT_MS = 60_000;

/** A role change counts as recent for this long (a flow may ask questions between two steps). */
const RECENT_CHANGE_MS = 3 * 60_000;

/**
 * The roles this process created, changed or granted something a moment ago. One object is shared
 * by every Cloud of one owner (the profile store): a grant made through the administrator's profile
 * must reach the OSS calls made through the role's own profile.
 */
export class RoleChanges {
  private readonly changes = new Map<string, number>();
  private readonly grants = new Map<string, Array<{ at: number; covers(e: CloudError): boolean }>>();

  /** Records that this process just created or changed a role (RamApi calls it). */
  noteChange(roleName: string, at = Date.now()): void {
    this.changes.set(roleName.toLowerCase(), at);
  }

  /**
   * Records that a role was just granted something (a policy attached for a refused request):
   * until that reaches OSS, refusals it `covers` are retried instead of reported.
   */
  noteGrant(roleName: string, covers: (e: CloudError) => boolean, at = Date.now()): void {
    this.noteChange(roleName, at);
    const key = roleName.toLowerCase();
    const list = (this.grants.get(key) ?? []).filter((g) => at - g.at < RECENT_CHANGE_MS);
    list.push({ at, covers });
    this.grants.set(key, list);
  }

  /** Whether a recent grant to `roleName` allows what `e` refused (so the refusal is stale). */
  grantPending(roleName: string | undefined, e: CloudError, at = Date.now()): boolean {
    return (
      !!roleName &&
      (this.grants.get(roleName.toLowerCase()) ?? []).some((g) => at - g.at < RECENT_CHANGE_MS && g.covers(e))
    );
  }

  /** Whether `roleName` was created or changed by this process within the last few minutes. */
  changedRecently(roleName: string | undefined, at = Date.now()): boolean {
    const t = roleName ? this.changes.get(roleName.toLowerCase()) : undefined;
    return t !== undefined && at - t < RECENT_CHANGE_MS;
  }
}

export interface WaitProgress {
  elapsedMs: number;
  /** Localized, e.g. "waiting for RAM to reach ECS… 4 s". */
  message: string;
  /** Why it is still waiting. */
  lastError?: CloudError;
}

export interface WaitOptions {
  signal?: AbortSignal;
  onProgress?(p: WaitProgress): void;
  timeoutMs?: number;
  /** First pause between attempts; it doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Retry only if `roleName` was changed recently, as `changes` (the session's
 * `cloud.session.roleChanges`) recorded it; without a role the codes are always retried (the caller
 * knows it just changed the role). The two come together, so a role is never checked against nothing.
 */
export type PropagationOptions = WaitOptions &
  ({ roleName?: undefined; changes?: undefined } | { roleName: string; changes: RoleChanges }) & {
    /**
     * Asked at the first refusal: can it be propagation? E.g. RAM already shows the role trusting
     * ECS (then ECS's NotEcsRole is stale), or a recent grant covers the refused request. False:
     * the refusal is real and fails at once.
     */
    retryIf?(e: CloudError): boolean | Promise<boolean>;
  };

const targetName = (t: PropagationTarget): string =>
  ({ ecs: 'ECS', sts: 'STS', oss: 'OSS', imds: l10n.t('the instance') })[t];

export function cancelled(): CloudError {
  return new CloudError({ code: 'Cancelled', message: l10n.t('Cancelled while waiting.') });
}

/** Sleeps `ms`, ticking `onTick` every second; rejects with Cancelled when the signal aborts. */
export async function pause(ms: number, signal: AbortSignal | undefined, onTick: () => void): Promise<void> {
  let left = ms;
  while (left > 0) {
    if (signal?.aborted) {
      throw cancelled();
    }
    const step = Math.min(1000, left);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, step);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    left -= step;
    onTick();
  }
  if (signal?.aborted) {
    throw cancelled();
  }
}

/**
 * Runs `fn`, retrying the target's "not propagated yet" codes with backoff for up to 60 s. Other
 * errors fail at once. On timeout the error says that RAM did not reach the service in time and
 * keeps the last answer (it may be real: a typo in a role name looks the same).
 */
export async function waitForPropagation<T>(
  target: PropagationTarget,
  fn: () => Promise<T>,
  opts: PropagationOptions = {},
): Promise<T> {
  if (opts.roleName !== undefined && !opts.changes.changedRecently(opts.roleName)) {
    return fn();
  }
  const timeout = opts.timeoutMs ?? PROPAGATION_TIMEOUT_MS;
  const started = Date.now();
  let delay = opts.initialDelayMs ?? 500;
  let confirmed = false;
  for (;;) {
    if (opts.signal?.aborted) {
      throw cancelled();
    }
    try {
      return await fn();
    } catch (e) {
      if (!isCloudError(e, PROPAGATION_CODES[target])) {
        throw e;
      }
      if (!confirmed && opts.retryIf && !(await opts.retryIf(e))) {
        throw e;
      }
      confirmed = true;
      const elapsed = Date.now() - started;
      if (elapsed >= timeout) {
        throw new CloudError({
          code: 'PropagationTimeout',
          service: e.service,
          action: e.action,
          requestId: e.requestId,
          resource: e.resource,
          status: e.status,
          message: l10n.t(
            'RAM changes did not reach {0} within {1} s; it still answers {2}: {3}',
            targetName(target),
            Math.round(timeout / 1000),
            e.code,
            e.message,
          ),
        });
      }
      const report = () =>
        opts.onProgress?.({
          elapsedMs: Date.now() - started,
          lastError: e,
          message: l10n.t(
            'waiting for RAM to reach {0}… {1} s',
            targetName(target),
            Math.round((Date.now() - started) / 1000),
          ),
        });
      report();
      await pause(Math.min(delay, Math.max(0, timeout - elapsed)), opts.signal, report);
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 4000);
    }
  }
}

/** States an instance passes through on its way to Running or Stopped. */
export const TRANSITIONAL_STATES: ReadonlySet<string> = new Set(['Pending', 'Starting', 'Stopping']);
