/**
 * Following an instance through its transitions after StartInstance, StopInstance, RebootInstance
 * or DeleteInstance. ECS answers those calls at once and moves the instance through Starting or
 * Stopping afterwards ("This operation is an asynchronous operation", StopInstance API reference),
 * so the only way to know it settled is to read it again.
 */
import { isCloudError } from '../cloud/errors';
import type { EcsApi } from '../cloud/ecs';

/** The states an instance rests in; the others (Pending, Starting, Stopping) pass by themselves. */
export const SETTLED_STATUSES: readonly string[] = ['Running', 'Stopped'];

export interface FollowOptions {
  /** True when the wait is over; `undefined` means the instance no longer exists (released). */
  until: (status: string | undefined) => boolean;
  /** Called whenever the status read differs from the last one. */
  onStatus?: (status: string | undefined) => void;
  signal?: AbortSignal;
  intervalMs?: number;
  timeoutMs?: number;
}

export class InstanceWaitTimeout extends Error {
  constructor(readonly instanceId: string, readonly lastStatus: string | undefined, timeoutMs: number) {
    super(`${instanceId} is still ${lastStatus ?? 'unknown'} after ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'InstanceWaitTimeout';
  }
}

async function statusOf(ecs: EcsApi, regionId: string, instanceId: string): Promise<string | undefined> {
  try {
    return (await ecs.getInstance(regionId, instanceId)).status;
  } catch (e) {
    if (isCloudError(e, 'InvalidInstanceId.NotFound')) { return undefined; }
    throw e;
  }
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) { reject(signal.reason); return; }
  const t = setTimeout(() => { signal?.removeEventListener('abort', stop); resolve(); }, ms);
  const stop = () => { clearTimeout(t); reject(signal!.reason); };
  signal?.addEventListener('abort', stop, { once: true });
});

/** Reads the instance until `until` holds; returns the last status (undefined: released). */
export async function followInstance(ecs: EcsApi, regionId: string, instanceId: string, opts: FollowOptions): Promise<string | undefined> {
  const interval = opts.intervalMs ?? 2000;
  const timeout = opts.timeoutMs ?? 10 * 60_000;
  const deadline = Date.now() + timeout;
  let last: string | undefined | null = null;
  for (;;) {
    const status = await statusOf(ecs, regionId, instanceId);
    if (status !== last) { opts.onStatus?.(status); last = status; }
    if (opts.until(status)) { return status; }
    if (Date.now() > deadline) { throw new InstanceWaitTimeout(instanceId, status, timeout); }
    await sleep(interval, opts.signal);
  }
}
