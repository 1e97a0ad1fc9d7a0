/**
 * Right-sizing the seeded AppServerRole end to end: 90 days of ActionTrail in three windows at the
 * documented 2 calls a second, the RAM access audit beside it, the buckets' dumped access logs
 * (GetBucketLogging, the log objects listed and read eight at a time), the proposal and its proof.
 * The time is mostly the rate limit: ⌈events / 50⌉ + windows calls, each at least ~0.5 s apart.
 */
import type { Cloud } from '../src/cloud';
import { ACTIVITY } from '../src/sandbox/seed/activity';
import { proposeForRole, readActivity } from '../src/setup/rightsize';

export interface RightsizeFigures {
  ms: number;
  events: number;
  proofChecked: number;
  proofAllowed: number;
  removed: number;
  current: number;
  /** Log objects and lines read from the access log dumps, and the OSS requests that took. */
  logFiles: number;
  logLines: number;
  logRequests: number;
}

export async function benchRightsize(cloud: Cloud): Promise<RightsizeFigures> {
  await cloud.knownIdentity();
  const t = Date.now();
  const activity = await readActivity(cloud, ACTIVITY.roleName);
  const { proposal } = await proposeForRole(cloud, activity);
  return {
    ms: Date.now() - t,
    events: activity.read.events.length,
    proofChecked: proposal.proof.checked,
    proofAllowed: proposal.proof.allowed,
    removed: proposal.diff.removed,
    current: proposal.diff.current,
    logFiles: activity.objectSources.reduce((n, o) => n + o.files, 0),
    logLines: activity.objectSources.reduce((n, o) => n + o.lines, 0),
    logRequests: activity.requests - activity.read.requests,
  };
}
