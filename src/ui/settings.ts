/**
 * Readers (and the two writers) of the plain view settings: which ECS regions to show, the OSS
 * page size and pinned entries. Settings that decide where requests go are trustedSettings.ts.
 */
import * as vscode from 'vscode';
import { parseOssUri } from '../cloud/ossLocation';

const SECTION = 'alibabaCloud';

/** The chosen regions, or none when the view shows every region with instances. */
export function chosenRegions(): string[] {
  return vscode.workspace.getConfiguration(SECTION).get<string[]>('regions', []);
}

/** alibabaCloud.maxConcurrentRequests, as set (the caller decides what a non-positive value means). */
export function maxConcurrentRequests(fallback: number): number {
  return vscode.workspace.getConfiguration(SECTION).get<number>('maxConcurrentRequests', fallback);
}

/** The regions the ECS view shows: the chosen ones, else the profile's. */
export function visibleRegions(defaultRegion: string): string[] {
  const chosen = vscode.workspace.getConfiguration(SECTION).get<string[]>('regions', []);
  return chosen.length ? chosen : [defaultRegion];
}

export async function setVisibleRegions(regions: string[]): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('regions', regions, vscode.ConfigurationTarget.Global);
}

const ossConfig = () => vscode.workspace.getConfiguration(`${SECTION}.oss`);

export function ossPageSize(): number {
  const n = Math.floor(ossConfig().get<number>('pageSize', 100));
  return Math.min(1000, Math.max(1, Number.isFinite(n) ? n : 100));
}

export function pinnedUris(): string[] {
  return ossConfig().get<string[]>('pinned', []).filter((u) => !!parseOssUri(u));
}

/** Saves the pins where the user keeps them: the workspace if it sets them, else user settings. */
export async function setPinned(uris: string[]): Promise<void> {
  const inWorkspace = ossConfig().inspect<string[]>('pinned')?.workspaceValue !== undefined;
  await ossConfig().update('pinned', [...new Set(uris)], inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}
