/**
 * Following an instance through its transitions: after StartInstance, StopInstance, RebootInstance
 * or DeleteInstance, and after RunInstances until it runs. ECS answers those calls at once and
 * moves the instance through Pending, Starting or Stopping afterwards ("This operation is an
 * asynchronous operation", StopInstance API reference), so the only way to know it settled is to
 * read it again.
 */
import { CloudError, isCloudError } from '../cloud/errors';
import type { EcsApi, EcsInstance } from '../cloud/ecs';
import { l10n } from '../cloud/l10n';
import { cancelled, pause, TRANSITIONAL_STATES, type WaitOptions } from '../cloud/waiting';

/** The states an instance rests in; the others (Pending, Starting, Stopping) pass by themselves. */
export const SETTLED_STATUSES: readonly string[] = ['Running', 'Stopped'];

/** Instances usually start within a minute; after this a new one is given up on, untouched. */
export const INSTANCE_TIMEOUT_MS = 5 * 60_000;

export interface FollowOptions extends Pick<WaitOptions, 'signal' | 'onProgress' | 'timeoutMs'> {
  /** True when the wait is over; `undefined` means the instance is not listed (released, or not yet). */
  until: (status: string | undefined) => boolean;
  /** Called whenever the status read differs from the last one. */
  onStatus?: (status: string | undefined) => void;
  /** Pause between reads (default 2 s); it doubles up to `maxIntervalMs` (default: stays the same). */
  intervalMs?: number;
  maxIntervalMs?: number;
}

async function read(ecs: EcsApi, regionId: string, instanceId: string): Promise<EcsInstance | undefined> {
  try {
    return await ecs.getInstance(regionId, instanceId);
  } catch (e) {
    if (isCloudError(e, 'InvalidInstanceId.NotFound')) {
      return undefined;
    }
    throw e;
  }
}

/**
 * Reads the instance until `until` holds and returns the last read (undefined: not listed). Gives
 * up after `timeoutMs` (10 minutes) without touching the instance; cancelling stops following,
 * not the transition.
 */
export async function followInstanceUntil(
  ecs: EcsApi,
  regionId: string,
  instanceId: string,
  opts: FollowOptions,
): Promise<EcsInstance | undefined> {
  const timeout = opts.timeoutMs ?? 10 * 60_000;
  const started = Date.now();
  let delay = opts.intervalMs ?? 2000;
  let last: string | undefined | null = null;
  for (;;) {
    if (opts.signal?.aborted) {
      throw cancelled();
    }
    const i = await read(ecs, regionId, instanceId);
    const status = i?.status;
    const shown = status ?? 'Pending';
    if (status !== last) {
      opts.onStatus?.(status);
      last = status;
    }
    if (opts.until(status)) {
      return i;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeout) {
      throw new CloudError({
        code: 'InstanceStatusTimeout',
        service: 'ecs',
        message: l10n.t('{0} is still {1} after {2} s.', instanceId, shown, Math.round(elapsed / 1000)),
      });
    }
    const report = () =>
      opts.onProgress?.({
        elapsedMs: Date.now() - started,
        message: l10n.t('{0} is {1}… {2} s', instanceId, shown, Math.round((Date.now() - started) / 1000)),
      });
    report();
    await pause(Math.min(delay, timeout - elapsed), opts.signal, report);
    delay = Math.min(delay * 2, opts.maxIntervalMs ?? delay);
  }
}

/** Reads the instance until `until` holds; returns the last status (undefined: released). */
export async function followInstance(
  ecs: EcsApi,
  regionId: string,
  instanceId: string,
  opts: FollowOptions,
): Promise<string | undefined> {
  return (await followInstanceUntil(ecs, regionId, instanceId, opts))?.status;
}

/**
 * Follows a new instance until it runs; a settled state other than Running fails. DescribeInstances
 * may not list an instance in the first moments after RunInstances, so "not listed" is Pending here.
 */
export async function waitForRunning(
  ecs: EcsApi,
  regionId: string,
  instanceId: string,
  opts: Pick<WaitOptions, 'signal' | 'onProgress'>,
): Promise<EcsInstance> {
  const i = await followInstanceUntil(ecs, regionId, instanceId, {
    ...opts,
    timeoutMs: INSTANCE_TIMEOUT_MS,
    intervalMs: 500,
    maxIntervalMs: 4000,
    until: (s) => s !== undefined && !TRANSITIONAL_STATES.has(s),
  });
  if (i?.status !== 'Running') {
    throw new CloudError({
      code: 'IncorrectInstanceStatus',
      service: 'ecs',
      message: l10n.t('{0} is {1}, not {2}.', instanceId, i?.status ?? '-', 'Running'),
    });
  }
  return i;
}
