/** Shared test setup: a sandbox on an ephemeral loopback port and clouds pointed at it. */
import { after, before } from 'node:test';
import { createCloud, type Cloud } from '../../src/cloud';
import type { CredentialProviders } from '../../src/cloud/credentials';
import { RoleChanges } from '../../src/cloud/waiting';
import { sandboxEndpoints, type CredentialConfig, type ProfileConfig } from '../../src/cloud/profile';
import { DEMO } from '../../src/sandbox/seed/demo';
import { CONTROL_TOKEN_HEADER, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server';

export interface TestCloud {
  sandbox: Sandbox;
  profile(credentials?: CredentialConfig, extra?: Partial<ProfileConfig>): ProfileConfig;
  /** `providers`: credential providers shared with other clouds (the profile store's, in the extension). */
  cloud(credentials?: CredentialConfig, extra?: Partial<ProfileConfig>, providers?: CredentialProviders): Cloud;
  root: CredentialConfig;
  subAccount: CredentialConfig;
  /** The suite's recent RAM changes, shared by all its clouds as the profile store shares them. */
  roleChanges: RoleChanges;
}

/**
 * Registers before/after hooks; the returned object is filled in before the first test. The
 * sandbox starts instant (no propagation delays or instance transitions, no extra strictness);
 * a suite opts into a behaviour with e.g. `useSandbox({ realism: { propagationMs: 300 } })`.
 */
export function useSandbox(options: SandboxOptions = {}): TestCloud {
  const t = {} as TestCloud;
  const clouds: Cloud[] = [];
  before(async () => {
    t.sandbox = await startSandbox({ instant: true, ...options });
    // The secrets are the sandbox's (random per process, or per state file): read, never assumed.
    const { accessKeyId, accessKeySecret, subAccount } = t.sandbox.info;
    t.root = { mode: 'AK', accessKeyId, accessKeySecret };
    t.subAccount = {
      mode: 'AK',
      accessKeyId: subAccount?.accessKeyId ?? DEMO.subAccessKeyId,
      accessKeySecret: subAccount?.accessKeySecret ?? '',
    };
    t.profile = (credentials = t.root, extra = {}) => ({
      name: 'test',
      regionId: 'cn-hangzhou',
      credentials,
      endpoints: sandboxEndpoints(t.sandbox.info.endpoint),
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      ...extra,
    });
    t.roleChanges = new RoleChanges();
    t.cloud = (credentials, extra, providers) => {
      const c = createCloud(t.profile(credentials, extra), undefined, providers, t.roleChanges);
      clouds.push(c);
      return c;
    };
  });
  after(async () => {
    clouds.forEach((c) => c.dispose());
    await t.sandbox?.close();
  });
  return t;
}

/** Mutating requests the sandbox saw since `from` (index into sandbox.requests). */
export function mutations(sandbox: Sandbox, from = 0): string[] {
  return sandbox.requests
    .slice(from)
    .map((r) => r.action)
    .filter((a) => !/^(Get|List|Describe|Head)/.test(a) && !/^(GetCallerIdentity)$/.test(a));
}

/** A request to the sandbox's control routes over HTTP (/__sandbox/<route>), with its run's token. */
export function sandboxControl(sandbox: Sandbox, route: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.info.url}/__sandbox/${route}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), [CONTROL_TOKEN_HEADER]: sandbox.info.controlToken },
  });
}
