// Helpers for in-host tests: our extension, the sandbox the harness started, small polling.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import { sandboxEndpoints } from '../../../src/cloud/profile';
import type { ExtensionApi } from '../../../src/extension';
import { DEMO } from '../../../src/sandbox/seed/demo';
import type { ProfileEntry } from '../../../src/services/profiles';

export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}
/** The commands package.json contributes (empty until the extension contributes some). */
export function contributedCommands(): ContributedCommand[] {
  const contributes = manifest.contributes as { commands?: ContributedCommand[] };
  return contributes.commands ?? [];
}

export function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

/** The extension's test API (only in a test host: src/ui/testApi.ts), activating the extension if it is not yet. */
export async function extensionApi(): Promise<ExtensionApi> {
  return (await ourExtension().activate()) as ExtensionApi;
}

/** The test API with a sandbox profile active: another suite may have switched to the instance role. */
export async function sandboxApi(): Promise<ExtensionApi> {
  const a = await extensionApi();
  if (a.services.profiles.active()?.source !== 'sandbox') {
    await a.services.profiles.select('sandbox:Sandbox');
  }
  return a;
}

export interface SandboxInfo {
  endpoint: string;
  url: string;
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Needed (header x-sandbox-token) for /__sandbox/*. */
  controlToken: string;
  subAccount: { userName: string; accessKeyId: string; accessKeySecret: string };
  imds: Record<string, string>;
  regions?: string[];
}

/** What `node dist/sandbox.js` printed, from the file the harness passes in ALIBABA_CLOUD_SANDBOX_INFO. */
export function sandboxInfo(): SandboxInfo {
  const file = process.env.ALIBABA_CLOUD_SANDBOX_INFO;
  if (!file) throw new Error('ALIBABA_CLOUD_SANDBOX_INFO is not set: run through test/e2e/run.mjs');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxInfo;
}

/** A request to the sandbox's control routes (/__sandbox/<route>) with this run's token. */
export function sandboxControl(route: string, init: RequestInit = {}): Promise<Response> {
  const info = sandboxInfo();
  return fetch(`${info.url}/__sandbox/${route}`, {
    signal: AbortSignal.timeout(5000),
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'x-sandbox-token': info.controlToken },
  });
}

/** One entry of the sandbox's request log (/__sandbox/requests). */
export interface LoggedRequest {
  service: string;
  action: string;
  status: number;
  accessKeyId?: string;
}

/** Every request the sandbox has answered so far, oldest first. */
export async function sandboxRequests(): Promise<LoggedRequest[]> {
  return ((await (await sandboxControl('requests')).json()) as { requests: LoggedRequest[] }).requests;
}

/**
 * Waits until the sandbox has seen no request for `quietMs` (at most `maxMs`): what an earlier test
 * left in flight (VS Code stat-ing a deleted document, a tree refresh) then does not land in the next
 * test's callsDuring.
 */
export async function sandboxSettled(quietMs = 750, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let seen = (await sandboxRequests()).length;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = (await sandboxRequests()).length;
    if (now === seen) {
      return;
    }
    seen = now;
  }
}

/** What ran against the sandbox while `fn` ran. */
export async function callsDuring(fn: () => Thenable<unknown> | Promise<unknown>): Promise<LoggedRequest[]> {
  const before = (await sandboxRequests()).length;
  await fn();
  return (await sandboxRequests()).slice(before);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs `fn` with the read-only instance role of DEMO.vpcInstanceId2 as the active profile (another
 * identity than the sandbox's root), then restores the Sandbox profile. `id` names the profile.
 */
export async function asInstanceRole(a: ExtensionApi, id: string, fn: () => Promise<void>): Promise<void> {
  const profiles = a.services.profiles;
  const previous = profiles.instanceProfile;
  const entry: ProfileEntry = {
    id,
    name: 'Instance role (e2e)',
    source: 'instance',
    regionId: 'cn-hangzhou',
    mode: 'EcsRamRole',
    supported: true,
  };
  profiles.setInstanceProfile({
    entry,
    config: {
      name: entry.name,
      regionId: 'cn-hangzhou',
      credentials: { mode: 'EcsRamRole' },
      endpoints: sandboxEndpoints(sandboxInfo().endpoint, DEMO.vpcInstanceId2),
    },
  });
  await profiles.select(entry.id);
  try {
    await fn();
  } finally {
    profiles.setInstanceProfile(previous);
    await profiles.select('sandbox:Sandbox');
  }
}

/** What the error funnel logged while `fn` ran (a command run from a menu or a drop reports there, not to its caller). */
export async function errorsDuring(
  a: ExtensionApi,
  fn: (seen: readonly string[]) => Promise<unknown>,
): Promise<string[]> {
  const log = a.services.log;
  const seen: string[] = [];
  const original = log.error;
  log.error = (m: string) => {
    seen.push(m);
    original.call(log, m);
  };
  try {
    await fn(seen);
  } finally {
    log.error = original;
  }
  return seen;
}

/** Runs a command that must fail; returns what the error funnel logged for it. */
export async function failing(a: ExtensionApi, id: string, ...args: unknown[]): Promise<string> {
  let message = '';
  try {
    await errorsDuring(a, async (seen) => {
      void vscode.commands.executeCommand(id, ...args);
      message = await waitFor(`the error of ${id}`, () => seen.find((m) => m.startsWith(id)), 15_000);
    });
  } finally {
    await vscode.commands.executeCommand('notifications.clearAll');
  }
  return message;
}

/**
 * Saves a document the test expects to save. VS Code aborts a save when the extension host does
 * not answer its onWillSaveTextDocument round trip within 1750 ms ("Aborted onWillSaveTextDocument
 * after 1750ms" in the workbench log), with or without a listener: on a loaded machine a save can
 * return false with nothing wrong in the extension. Such a save leaves the document dirty and sends
 * nothing, so it is tried again (three times at most) and each abort is said on the console.
 */
export async function save(doc: vscode.TextDocument): Promise<boolean> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (await doc.save()) {
      return true;
    }
    if (!doc.isDirty) {
      return false;
    }
    console.warn(`save of ${doc.uri.toString()} returned false (attempt ${attempt}); trying again`);
  }
  return false;
}
