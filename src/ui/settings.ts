/**
 * Readers (and the two writers) of the plain view settings: which ECS regions to show, the OSS
 * page size and pinned entries. Settings that decide where requests go are trustedSettings.ts.
 */
import * as vscode from 'vscode';
import type { EcsApi } from '../cloud/ecs';
import {
  DEFAULT_MAX_IN_FLIGHT,
  MAX_IN_FLIGHT_TOTAL,
  probeRegions,
  RequestLimiter,
  type RegionProbe,
} from '../cloud/inventory';
import { parseOssUri } from '../cloud/ossLocation';

const SECTION = 'alibabaCloud';

/** The chosen regions, or none when the view shows every region with instances. */
export function chosenRegions(): string[] {
  return vscode.workspace.getConfiguration(SECTION).get<string[]>('regions', []);
}

/**
 * Requests in flight at most to one region's endpoint (alibabaCloud.maxConcurrentRequests): the
 * default for a value that is not a positive number, never more than the process-wide cap.
 */
export function maxInFlightPerRegion(): number {
  const n = Math.floor(
    vscode.workspace.getConfiguration(SECTION).get<number>('maxConcurrentRequests', DEFAULT_MAX_IN_FLIGHT),
  );
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_IN_FLIGHT_TOTAL) : DEFAULT_MAX_IN_FLIGHT;
}

/** The bound for views and commands that load many things at once (all regions of the ECS view). */
export function requestLimiter(): RequestLimiter {
  return new RequestLimiter({ maxInFlight: maxInFlightPerRegion() });
}

/**
 * The regions the ECS view shows, decided once for the view, every instance picker and every
 * command that looks across regions: the chosen ones (alibabaCloud.regions), else every region
 * with instances, found by the same probe; an account without instances gets its own region, where
 * Create Instance starts. Probes come back too, so the view shows their first pages without asking
 * again; a region whose probe failed is kept (with its error) rather than hidden among the empty.
 */
export async function ecsRegions(
  ecs: EcsApi,
  defaultRegion: string,
  pageSize = 50,
): Promise<{ regions: string[]; probes?: RegionProbe[] }> {
  const chosen = chosenRegions();
  if (chosen.length) {
    return { regions: chosen };
  }
  const probes = await probeRegions(ecs, requestLimiter(), pageSize);
  const withInstances = probes.filter((p) => p.error || p.first?.items.length).map((p) => p.regionId);
  return { regions: withInstances.length ? withInstances : [defaultRegion], probes };
}

export async function setVisibleRegions(regions: string[]): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('regions', regions, vscode.ConfigurationTarget.Global);
}

const ossConfig = () => vscode.workspace.getConfiguration(`${SECTION}.oss`);

export function ossPageSize(): number {
  const n = Math.floor(ossConfig().get<number>('pageSize', 100));
  return Math.min(1000, Math.max(1, Number.isFinite(n) ? n : 100));
}

/**
 * The pins are the user's: `alibabaCloud.oss.pinned` is application-scoped and read from user
 * settings only, so a repository's settings neither add buckets to the view nor receive the
 * user's pins. (Until this release it was window-scoped: values in user settings stay where they
 * are; a value a workspace set is ignored, and the next pin no longer writes there.)
 */
export function pinnedUris(): string[] {
  const v = ossConfig().inspect<unknown>('pinned')?.globalValue;
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string' && !!parseOssUri(u)) : [];
}

export async function setPinned(uris: string[]): Promise<void> {
  await ossConfig().update('pinned', [...new Set(uris)], vscode.ConfigurationTarget.Global);
}
