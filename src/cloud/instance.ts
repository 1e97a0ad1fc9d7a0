/**
 * The on-instance half: is this host an ECS instance, which role does it have, and what the
 * extension should make of it (an "Instance role" profile, its endpoints, the exports other tools
 * need, how long its credentials last). No `vscode` here: the UI layer passes in what it knows
 * (remote or not, settings) and tests drive it against the sandbox.
 *
 * Probing is deliberate: the metadata address is asked only where an answer is plausible or the
 * user asked for it, so a laptop, CI or a test never sends a stray request to 100.100.100.200.
 */
import * as fs from 'node:fs';
import { serverClock } from './clock';
import { CredentialProviders, type EcsRamRoleProvider } from './credentials';
import { CloudError } from './errors';
import { DEFAULT_IMDS_URL, ImdsClient, type InstanceIdentity } from './imds';
import { l10n } from './l10n';
import { sandboxEndpoints, type Endpoints, type ProfileConfig } from './profile';

export const DMI_PRODUCT_NAME = '/sys/class/dmi/id/product_name';
export const ECS_PRODUCT_NAME = 'Alibaba Cloud ECS';

export type ProbeSetting = 'auto' | 'always' | 'never';

/** Why a probe is (or is not) made; `evidence` means a failure deserves an explanation. */
export type ProbeReason = 'user' | 'always' | 'endpoint' | 'hardware' | 'remote' | 'never' | 'sandbox' | 'local';

export interface ProbeDecision {
  probe: boolean;
  reason: ProbeReason;
  /** True when there is reason to believe this is an instance (or the user asked): failures are shown. */
  evidence: boolean;
}

export interface ProbeContext {
  setting: ProbeSetting;
  /** The extension itself runs in a remote (workspace) extension host. */
  remote: boolean;
  /** alibabaCloud.metadata.endpoint or ALIBABA_CLOUD_IMDS_ENDPOINT is set. */
  explicitEndpoint: boolean;
  /** The user ran "Detect Instance Role". */
  userInitiated?: boolean;
  /** Sandbox mode (ALIBABA_CLOUD_SANDBOX_URL, or Start Sandbox): a rehearsal, never a real metadata service. */
  sandbox?: boolean;
  /** The metadata URL to probe is a loopback address (a sandbox's IMDS). */
  endpointLoopback?: boolean;
  platform?: NodeJS.Platform;
  /** Reads the DMI product name (Linux); injectable for tests. */
  readProductName?: () => string | undefined;
}

export function readDmiProductName(file = DMI_PRODUCT_NAME): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** "Alibaba Cloud ECS" in the DMI product name (what ECS hardware reports on Linux). */
export function isEcsHardware(ctx: Pick<ProbeContext, 'platform' | 'readProductName'>): boolean {
  if ((ctx.platform ?? process.platform) !== 'linux') {
    return false;
  }
  const name = (ctx.readProductName ?? readDmiProductName)();
  return !!name && name.toLowerCase().includes(ECS_PRODUCT_NAME.toLowerCase());
}

/** Whether to ask the metadata service at all. */
export function decideProbe(ctx: ProbeContext): ProbeDecision {
  // Sandbox mode wins over everything, the user's own request and ECS hardware included: on a real
  // instance a rehearsal must not pick up the real role. Only a loopback (sandbox) IMDS is asked.
  if (ctx.sandbox && !ctx.endpointLoopback) {
    return { probe: false, reason: 'sandbox', evidence: !!ctx.userInitiated };
  }
  if (ctx.userInitiated) {
    return { probe: true, reason: 'user', evidence: true };
  }
  if (ctx.setting === 'never') {
    return { probe: false, reason: 'never', evidence: false };
  }
  if (ctx.explicitEndpoint) {
    return { probe: true, reason: 'endpoint', evidence: true };
  }
  if (ctx.setting === 'always') {
    return { probe: true, reason: 'always', evidence: true };
  }
  if (isEcsHardware(ctx)) {
    return { probe: true, reason: 'hardware', evidence: true };
  }
  // Any remote host may be an instance, but an unanswered probe there just means "it is not".
  if (ctx.remote) {
    return { probe: true, reason: 'remote', evidence: false };
  }
  return { probe: false, reason: 'local', evidence: false };
}

/**
 * What a found instance role does to the active profile. It takes over on its own only at the real
 * metadata address and only when the user has chosen no profile, here or anywhere: a choice made
 * elsewhere is kept and switching is offered; one made on this instance is kept and not asked
 * again. A role found through another URL (a setting, the env, a sandbox) is only listed.
 */
export type InstanceRoleTakeover = 'activate' | 'offer' | 'list';

export function instanceRoleTakeover(ctx: {
  defaultAddress: boolean;
  chosenHere: boolean;
  chosenElsewhere: boolean;
}): InstanceRoleTakeover {
  if (!ctx.defaultAddress || ctx.chosenHere) {
    return 'list';
  }
  return ctx.chosenElsewhere ? 'offer' : 'activate';
}

/** The metadata base URL: the setting, else ALIBABA_CLOUD_IMDS_ENDPOINT, else 100.100.100.200. */
export function resolveImdsEndpoint(
  setting: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { url: string; explicit: boolean; source: 'setting' | 'env' | 'default' } {
  const s = setting?.trim();
  if (s) {
    return { url: s.replace(/\/+$/, ''), explicit: true, source: 'setting' };
  }
  const e = env.ALIBABA_CLOUD_IMDS_ENDPOINT?.trim();
  if (e) {
    return { url: e.replace(/\/+$/, ''), explicit: true, source: 'env' };
  }
  return { url: DEFAULT_IMDS_URL, explicit: false, source: 'default' };
}

export interface DetectOptions {
  baseUrl?: string;
  allowInsecureFallback?: boolean;
  /** Per request, ms (capped at 1000 by the client). */
  timeoutMs?: number;
  /** Where the instance role's provider is kept, to be shared with the instance profile's sessions. */
  providers?: CredentialProviders;
}

export type DetectOutcome =
  | {
      kind: 'found';
      baseUrl: string;
      identity: InstanceIdentity;
      roleName: string;
      /** Shared with every session of the instance profile (see CredentialProviders.ecsRamRole). */
      provider: EcsRamRoleProvider;
      imds: ImdsClient;
      usedInsecureFallback: boolean;
      expiration: Date;
      elapsedMs: number;
    }
  /** Nothing answered: not an instance (or metadata access is off). */
  | { kind: 'unreachable'; baseUrl: string; error: CloudError; elapsedMs: number }
  /** An instance answered, but the role cannot be used. */
  | { kind: 'failed'; baseUrl: string; error: CloudError; identity?: InstanceIdentity; elapsedMs: number };

/**
 * Hardened probe (token, then instance-id/region-id/zone-id), role discovery and a first
 * credentials fetch. Each request is bounded by the client's ≤ 1 s timeout and an unreachable
 * service fails on the first one, so "not an instance" is known in about a second.
 */
export async function detectInstance(opts: DetectOptions = {}): Promise<DetectOutcome> {
  const started = Date.now();
  const baseUrl = (opts.baseUrl ?? DEFAULT_IMDS_URL).replace(/\/+$/, '');
  const imds = new ImdsClient({
    baseUrl,
    allowInsecureFallback: opts.allowInsecureFallback,
    timeoutMs: opts.timeoutMs ?? 1000,
  });
  const elapsed = () => Date.now() - started;
  let identity: InstanceIdentity | undefined;
  try {
    identity = await imds.getIdentity();
    const roleName = await imds.getRoleName();
    const provider = (opts.providers ?? new CredentialProviders()).ecsRamRole(imds, roleName);
    const creds = await provider.refresh();
    return {
      kind: 'found',
      baseUrl,
      identity,
      roleName,
      provider,
      imds: provider.imds,
      usedInsecureFallback: provider.imds.usedInsecureFallback || imds.usedInsecureFallback,
      expiration: creds.expiration ?? new Date(NaN),
      elapsedMs: elapsed(),
    };
  } catch (e) {
    const error =
      e instanceof CloudError
        ? e
        : new CloudError({ code: 'ImdsError', service: 'imds', message: (e as Error).message ?? String(e) });
    if (!identity && error.code === 'ImdsUnreachable') {
      return { kind: 'unreachable', baseUrl, error, elapsedMs: elapsed() };
    }
    return { kind: 'failed', baseUrl, error, identity, elapsedMs: elapsed() };
  }
}

export interface InstanceProblem {
  code: string;
  /** One line: what is wrong. */
  title: string;
  /** Why, in plain words. */
  explanation: string;
  /** What to do about it. */
  fix: string;
}

/** A plain explanation and the fix for each way detection fails. */
export function explainInstanceProblem(
  error: CloudError,
  ctx: { baseUrl: string; instanceId?: string; allowInsecureFallback?: boolean },
): InstanceProblem {
  const instance = ctx.instanceId ?? l10n.t('this instance');
  const attach = l10n.t(
    'Attach a role to {0} from your local VS Code window: command "Alibaba Cloud: Attach RAM Role to Instance" (or "Set Up Instance Role" for the whole chain), then run "Alibaba Cloud: Detect Instance Role" here.',
    instance,
  );
  switch (error.code) {
    case 'ImdsNoRole':
      return {
        code: error.code,
        title: l10n.t('No RAM role is attached to {0}', instance),
        explanation: l10n.t(
          'The metadata service answered, but lists no role under ram/security-credentials/ (HTTP 404), so there are no credentials to use.',
        ),
        fix: attach,
      };
    case 'ImdsUnreachable':
      return {
        code: error.code,
        title: l10n.t('The instance metadata service did not answer'),
        explanation: l10n.t(
          '{0} Either this host is not an ECS instance, or its metadata access is disabled, or a firewall rule blocks {1}.',
          error.message,
          ctx.baseUrl,
        ),
        fix: l10n.t(
          'On an ECS instance, enable metadata access (console: Instance > Modify Instance Metadata Access, or ModifyInstanceMetadataOptions with HttpEndpoint=enabled) and allow outbound traffic to 100.100.100.200. Elsewhere, point the setting alibabaCloud.metadata.endpoint at a metadata service (for example a sandbox), or set alibabaCloud.metadata.probe to "never".',
        ),
      };
    case 'ImdsHardenedRequired':
      if (error.status === 404) {
        // No token endpoint at all: not a metadata service (every ECS metadata service has one).
        return {
          code: 'ImdsNotFound',
          title: l10n.t('{0} is not an instance metadata service', ctx.baseUrl),
          explanation: l10n.t(
            'PUT /latest/api/token answered 404: there is no metadata token endpoint at this address.',
          ),
          fix: l10n.t(
            'Check the setting alibabaCloud.metadata.endpoint (or ALIBABA_CLOUD_IMDS_ENDPOINT); leave it empty on a real instance.',
          ),
        };
      }
      return {
        code: error.code,
        title: l10n.t('Hardened-mode metadata access failed{0}', error.status ? ` (HTTP ${error.status})` : ''),
        explanation: ctx.allowInsecureFallback
          ? l10n.t(
              'The instance requires a metadata token (hardened mode), and the token request (PUT /latest/api/token) was refused, so the token-less fallback was refused too.',
            )
          : l10n.t(
              'The token request (PUT /latest/api/token) was refused, and token-less access is turned off (alibabaCloud.metadata.allowInsecureFallback is false).',
            ),
        fix: l10n.t(
          'Make sure no HTTP proxy sits between VS Code and the metadata service (proxies add X-Forwarded-For, which it refuses): add 100.100.100.200 to NO_PROXY. If the instance allows normal mode (HttpTokens=optional) and you accept token-less reads, turn on alibabaCloud.metadata.allowInsecureFallback.',
        ),
      };
    case 'ImdsUnauthorized':
      return {
        code: error.code,
        title: l10n.t('The metadata service rejected the token (HTTP 401)'),
        explanation: l10n.t(
          'A fresh token was requested and rejected again, which points at a token TTL problem or a large clock difference.',
        ),
        fix: l10n.t(
          'Run "Alibaba Cloud: Diagnose Instance Credentials" to check the clock and the token request, then detect again.',
        ),
      };
    case 'ImdsNotFound':
      return {
        code: error.code,
        title: l10n.t('{0} is not an instance metadata service', ctx.baseUrl),
        explanation: error.message,
        fix: l10n.t(
          'Check the setting alibabaCloud.metadata.endpoint (or ALIBABA_CLOUD_IMDS_ENDPOINT); leave it empty on a real instance.',
        ),
      };
    case 'ImdsBadResponse':
      return {
        code: error.code,
        title: l10n.t('The metadata service returned unusable credentials'),
        explanation: error.message,
        fix: l10n.t(
          'Run "Alibaba Cloud: Diagnose Instance Credentials". Detaching and re-attaching the role from your local window makes the instance issue new credentials.',
        ),
      };
    default:
      return {
        code: error.code,
        title: l10n.t('The instance role could not be read'),
        explanation: error.message,
        fix: l10n.t(
          'Retry with "Alibaba Cloud: Detect Instance Role"; run "Alibaba Cloud: Diagnose Instance Credentials" for the details.',
        ),
      };
  }
}

/** Why a detection in sandbox mode did not ask the configured metadata address. */
export function sandboxProbeProblem(baseUrl: string): InstanceProblem {
  return {
    code: 'SandboxMode',
    title: l10n.t('Sandbox mode: {0} is not asked', baseUrl),
    explanation: l10n.t(
      'While the sandbox is in use, instance detection talks only to a metadata service on a loopback address, so a rehearsal on a real ECS instance never picks up its real role.',
    ),
    fix: l10n.t(
      'Set alibabaCloud.metadata.endpoint (user settings) to the metadata URL of a sandbox instance, for example http://127.0.0.1:<port>/imds/<instance-id>, or restart VS Code without the sandbox.',
    ),
  };
}

/** Whether the metadata URL is the announced sandbox's (same host:port), and that host:port. */
export function sandboxHostOf(imdsUrl: string, sandboxUrl: string | undefined): string | undefined {
  if (!sandboxUrl) {
    return undefined;
  }
  try {
    const a = new URL(imdsUrl);
    const b = new URL(/^https?:\/\//.test(sandboxUrl) ? sandboxUrl : `http://${sandboxUrl}`);
    return a.host === b.host ? a.host : undefined;
  } catch {
    return undefined;
  }
}

function hostPortOf(url: string): string | undefined {
  try {
    return new URL(/^https?:\/\//.test(url) ? url : `http://${url}`).host;
  } catch {
    return undefined;
  }
}

export const INSTANCE_PROFILE_NAME = 'Instance role';

export interface InstanceProfileOptions {
  identity: InstanceIdentity;
  roleName: string;
  imdsUrl: string;
  allowInsecureFallback?: boolean;
  /** alibabaCloud.oss.useInternalEndpointOnInstance (default true). */
  useInternalOssEndpoint?: boolean;
  /** The sandbox's URL in sandbox mode: then every endpoint is the sandbox's. */
  sandboxUrl?: string;
}

/**
 * The profile of the instance role: EcsRamRole through our IMDS client at the configured URL, the
 * instance's region, and endpoints: the sandbox's in sandbox mode (so OSS, STS… go there too),
 * otherwise the real ones with the internal OSS endpoint unless turned off.
 */
export function instanceProfileConfig(o: InstanceProfileOptions): ProfileConfig {
  // Sandbox mode wins: whatever metadata URL answered (a relay, another port), the calls made
  // with the role go to the sandbox, never to real Alibaba Cloud endpoints.
  const sandboxHost = o.sandboxUrl ? hostPortOf(o.sandboxUrl) : undefined;
  const endpoints: Endpoints = sandboxHost
    ? { ...sandboxEndpoints(sandboxHost, o.identity.instanceId), metadata: o.imdsUrl }
    : {
        ossInternal: o.useInternalOssEndpoint ?? true,
        ...(o.imdsUrl !== DEFAULT_IMDS_URL ? { metadata: o.imdsUrl } : {}),
      };
  return {
    name: INSTANCE_PROFILE_NAME,
    regionId: o.identity.regionId,
    credentials: { mode: 'EcsRamRole', roleName: o.roleName },
    endpoints,
    imdsAllowInsecureFallback: o.allowInsecureFallback ?? false,
  };
}

/** "5 h 59 min", "42 min", "less than a minute", "expired" — minute granularity on purpose. */
export function formatTimeLeft(ms: number): string {
  if (!Number.isFinite(ms)) {
    return l10n.t('unknown');
  }
  if (ms <= 0) {
    return l10n.t('expired');
  }
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) {
    return l10n.t('less than a minute');
  }
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) {
    return l10n.t('{0} min', m);
  }
  return m === 0 ? l10n.t('{0} h', h) : l10n.t('{0} h {1} min', h, m);
}

/** "expires in 5 h 59 min" / "expired"; expirations are server times, so `now` is the server's. */
export function formatExpiry(expiration: Date | undefined, now = serverClock.now()): string {
  if (!expiration) {
    return l10n.t('expiry unknown');
  }
  const left = expiration.getTime() - now;
  return left <= 0 ? l10n.t('expired') : l10n.t('expires in {0}', formatTimeLeft(left));
}

/**
 * When the background refresh should run: `aheadMs` before expiry (earlier than the provider's
 * lazy 15-minute window, so no call ever waits for it), never sooner than `minMs` from now.
 */
export function nextRefreshDelay(
  expiration: Date | undefined,
  now = serverClock.now(),
  aheadMs = 20 * 60_000,
  minMs = 30_000,
): number {
  if (!expiration || Number.isNaN(expiration.getTime())) {
    return minMs;
  }
  return Math.max(minMs, expiration.getTime() - aheadMs - now);
}

/** STS.****abcd: enough to tell two keys apart, never the key itself. */
export function maskAccessKeyId(id: string | undefined): string {
  if (!id) {
    return '-';
  }
  const prefix = /^STS\./.test(id) ? 'STS.' : id.slice(0, Math.min(4, Math.max(0, id.length - 8)));
  return `${prefix}****${id.slice(-4)}`;
}

export interface EnvExportsOptions {
  roleName: string;
  regionId: string;
  instanceId?: string;
  imdsUrl: string;
  /** Hardened mode worked (no fallback was needed): tell the SDKs not to fall back either. */
  hardened: boolean;
  useInternalOssEndpoint?: boolean;
}

const shellQuote = (v: string) => (/^[\w.:/@%+=-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/**
 * Shell exports for tools on this instance. No secret values: in the ECS role mode the SDKs fetch
 * (and refresh) the credentials from the metadata service themselves. Variable names are the ones
 * @alicloud/credentials 2.4.7 reads (src/providers/ecs_ram_role.ts, default.ts) and the aliyun
 * CLI reads for the region (config/profile.go).
 */
export function buildEnvExports(o: EnvExportsOptions): string {
  const lines = [
    `# ${l10n.t('Alibaba Cloud instance role {0}{1} — no secrets: SDKs fetch the STS credentials from the metadata service themselves.', o.roleName, o.instanceId ? ` (${o.instanceId}, ${o.regionId})` : '')}`,
  ];
  if (o.imdsUrl === DEFAULT_IMDS_URL) {
    lines.push(
      `# ${l10n.t('Read by the Alibaba Cloud credential libraries (@alicloud/credentials for Node.js; the Java, Python and Go ones use the same names):')}`,
      `export ALIBABA_CLOUD_ECS_METADATA=${shellQuote(o.roleName)}`,
    );
    if (o.hardened) {
      lines.push('export ALIBABA_CLOUD_IMDSV1_DISABLED=true');
    }
  } else {
    // The SDKs hard-code 100.100.100.200: switch their metadata provider off and point the
    // credentials-URI provider at this endpoint's credentials document instead.
    lines.push(
      `# ${l10n.t('The credential libraries always use 100.100.100.200 for the instance role; this metadata endpoint ({0}) is reached through their credentials-URI provider instead (a token-less GET):', o.imdsUrl)}`,
      'export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true',
      `export ALIBABA_CLOUD_CREDENTIALS_URI=${shellQuote(`${o.imdsUrl}/latest/meta-data/ram/security-credentials/${o.roleName}`)}`,
    );
  }
  lines.push(
    `# ${l10n.t('Region, read by the aliyun CLI (when its profile has none) and by many tools:')}`,
    `export ALIBABA_CLOUD_REGION_ID=${shellQuote(o.regionId)}`,
  );
  if (o.useInternalOssEndpoint ?? true) {
    lines.push(
      `# ${l10n.t('OSS from this instance: use the internal endpoint oss-{0}-internal.aliyuncs.com (no Internet traffic charges). No OSS SDK reads it from the environment: pass it to your client.', o.regionId)}`,
    );
  }
  return lines.join('\n') + '\n';
}
