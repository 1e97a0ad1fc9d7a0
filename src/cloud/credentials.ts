/**
 * Credential providers: static AccessKey / STS token, RamRoleArn and ChainableRamRoleArn (AssumeRole
 * through our STS client, so endpoint overrides apply), EcsRamRole (our IMDS client), OIDC, and the
 * fetch-based sources of credentialSources.ts (External, CredentialsURI, the CLI's CloudSSO/OAuth). Each is also exposed to
 * the SDKs as an @alicloud/credentials custom provider, because that library hard-codes the IMDS
 * address. Secrets stay in memory here; nothing in this file logs. Every provider announces each
 * credential it is given or fetches (secretValues.ts), so the log redacts it from the start.
 */
import { serverClock } from './clock';
import { CloudError } from './errors';
import { ImdsClient } from './imds';
import { l10n } from './l10n';
import type { CredentialConfig } from './profile';
import { loadCredentials } from './sdk';
import { announceCredentials, announceSecret } from './secretValues';

/** External sources (processes, URIs, token files) load with their first use: a require() keeps them out of activation (esbuild.mjs). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sources = () => require('./credentialSources') as typeof import('./credentialSources');

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Set for temporary credentials. */
  expiration?: Date;
}

export interface CredentialProvider {
  /** Goes to the SDK's x-acs-credentials-provider header and our logs. */
  readonly name: string;
  get(): Promise<Credentials>;
  /** Drop cached temporary credentials (after the service said they expired or rotated). */
  invalidate(): void;
  /** When the current credentials expire, if temporary and already fetched. */
  readonly expiration?: Date;
}

export class StaticProvider implements CredentialProvider {
  readonly name: string;
  constructor(private readonly creds: Credentials) {
    announceCredentials(creds);
    this.name = creds.securityToken ? 'static_sts' : 'static_ak';
  }
  get expiration(): Date | undefined {
    return this.creds.expiration;
  }
  async get(): Promise<Credentials> {
    return this.creds;
  }
  invalidate(): void {
    /* nothing cached */
  }
}

/**
 * Caches temporary credentials and refreshes them ahead of expiry. If a refresh fails while the
 * old credentials are still valid, keeps using them (as the SDK's own provider does).
 */
export abstract class RefreshingProvider implements CredentialProvider {
  abstract readonly name: string;
  private current?: Credentials;
  private pending?: Promise<Credentials>;
  /** Refresh this long before expiry. */
  protected refreshAheadMs = 15 * 60 * 1000;
  private readonly listeners = new Set<(c: Credentials) => void>();

  /** Expirations are the server's times: compared with its clock (learned from responses). */
  constructor(protected readonly now: () => number = () => serverClock.now()) {}

  get expiration(): Date | undefined {
    return this.current?.expiration;
  }

  /** When credentials were last fetched (server clock), if ever. */
  get lastRefreshedAt(): Date | undefined {
    return this.refreshedAt;
  }
  private refreshedAt?: Date;

  /** Called after each successful refresh (the identity view shows the new expiry). */
  onDidRefresh(listener: (c: Credentials) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async get(): Promise<Credentials> {
    const c = this.current;
    if (c && (!c.expiration || c.expiration.getTime() - this.now() > this.refreshAheadMs)) {
      return c;
    }
    try {
      return await this.refresh();
    } catch (e) {
      if (c?.expiration && c.expiration.getTime() > this.now()) {
        return c;
      }
      throw e;
    }
  }

  invalidate(): void {
    this.current = undefined;
  }

  /** Fetches new credentials now; concurrent callers share one fetch. */
  refresh(): Promise<Credentials> {
    this.pending ??= this.fetch()
      .then((c) => {
        announceCredentials(c);
        this.current = c;
        this.refreshedAt = new Date(this.now());
        for (const l of this.listeners) {
          l(c);
        }
        return c;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  protected abstract fetch(): Promise<Credentials>;
}

export class EcsRamRoleProvider extends RefreshingProvider {
  readonly name = 'ecs_ram_role';
  /** The role found on the instance (discovered if not configured). */
  roleName?: string;
  /** LastUpdated of the current credentials, as the metadata service reported it. */
  lastUpdated?: Date;

  constructor(
    readonly imds: ImdsClient,
    roleName?: string,
    now?: () => number,
  ) {
    super(now);
    this.roleName = roleName;
  }

  protected async fetch(): Promise<Credentials> {
    const c = await this.imds.getCredentials(this.roleName);
    this.roleName = c.roleName;
    this.lastUpdated = c.lastUpdated;
    return {
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      securityToken: c.securityToken,
      expiration: c.expiration,
    };
  }
}

/**
 * The providers that outlive one client, held by whoever builds the clients (the profile store)
 * and passed down in ProfileConfig/ProviderDeps, so clients rebuilt after a profile switch or a
 * settings change share a credential cache instead of fetching (or running a command) again.
 */
export class CredentialProviders {
  private readonly ecs = new Map<string, EcsRamRoleProvider>();
  /** External providers by the approval hook that made them (one per profile), then by command. */
  private readonly external = new WeakMap<(command: string) => Promise<boolean>, Map<string, FetchingProvider>>();

  /**
   * One EcsRamRoleProvider (one credential cache) per metadata endpoint, fallback mode and role, as
   * the SDK's default chain keeps one provider: every session of the instance profile and the
   * instance identity service then see the same credentials, and a background refresh or a
   * rotation-triggered invalidate() reaches all of them.
   */
  ecsRamRole(imds: ImdsClient, roleName?: string): EcsRamRoleProvider {
    const key = `${imds.baseUrl}|${imds.allowsInsecureFallback ? 'fallback' : 'hardened'}|${roleName ?? ''}`;
    let p = this.ecs.get(key);
    if (!p) {
      p = new EcsRamRoleProvider(imds, roleName);
      this.ecs.set(key, p);
    }
    return p;
  }

  /** The provider for an External command under this approval hook, made once by `make`. */
  externalCommand(
    hook: ((command: string) => Promise<boolean>) | undefined,
    command: string,
    make: () => FetchingProvider,
  ): FetchingProvider {
    if (!hook) {
      return make();
    }
    const byCommand = this.external.get(hook) ?? new Map<string, FetchingProvider>();
    this.external.set(hook, byCommand);
    let p = byCommand.get(command);
    if (!p) {
      p = make();
      byCommand.set(command, p);
    }
    return p;
  }
}

export type AssumeRole = (
  base: Credentials,
  roleArn: string,
  sessionName: string,
  durationSeconds: number,
  externalId?: string,
) => Promise<Credentials>;
export type AssumeRoleWithOidc = (
  providerArn: string,
  roleArn: string,
  token: string,
  sessionName: string,
  durationSeconds: number,
) => Promise<Credentials>;

/**
 * AssumeRole with the credentials of another provider: an AccessKey (RamRoleArn) or any profile
 * (ChainableRamRoleArn), asked afresh at each refresh so a temporary source is itself refreshed.
 *
 * No MFA prompt: STS AssumeRole takes RoleArn, RoleSessionName, Policy, DurationSeconds and
 * ExternalId only (API reference, sts 2015-04-01), and the aliyun CLI's profile has no MFA fields
 * (config/profile.go). A role whose trust policy requires `acs:MFAPresent` refuses AccessKey
 * callers (NoPermission) whatever a tool asks the user, so asking for a code would be theatre.
 */
export class RamRoleArnProvider extends RefreshingProvider {
  readonly name = 'ram_role_arn';
  constructor(
    private readonly source: CredentialProvider,
    readonly roleArn: string,
    private readonly sessionName: string,
    private readonly durationSeconds: number,
    private readonly assumeRole: AssumeRole,
    private readonly externalId?: string,
  ) {
    super();
    this.refreshAheadMs = Math.min(this.refreshAheadMs, (durationSeconds * 1000) / 4);
  }

  protected async fetch(): Promise<Credentials> {
    return this.assumeRole(
      await this.source.get(),
      this.roleArn,
      this.sessionName,
      this.durationSeconds,
      this.externalId,
    );
  }
}

/** OIDC: AssumeRoleWithOIDC with the token file's current content. */
export class OidcRoleProvider extends RefreshingProvider {
  readonly name = 'oidc_role_arn';
  constructor(
    private readonly providerArn: string,
    readonly roleArn: string,
    private readonly tokenFile: string,
    private readonly sessionName: string,
    private readonly durationSeconds: number,
    private readonly assume: AssumeRoleWithOidc,
  ) {
    super();
    this.refreshAheadMs = Math.min(this.refreshAheadMs, (durationSeconds * 1000) / 4);
  }

  protected fetch(): Promise<Credentials> {
    return this.assume(
      this.providerArn,
      this.roleArn,
      sources().readOidcToken(this.tokenFile),
      this.sessionName,
      this.durationSeconds,
    );
  }
}

/**
 * Credentials from a fetch: a credential process, a credentials URI, the aliyun CLI's cache. Those
 * without an expiry are kept until a service refuses them (the session then invalidates and
 * fetches again, once).
 */
export class FetchingProvider extends RefreshingProvider {
  constructor(
    readonly name: string,
    private readonly fetcher: () => Promise<Credentials>,
  ) {
    super();
  }

  protected fetch(): Promise<Credentials> {
    return this.fetcher();
  }
}

export interface ProviderDeps {
  imds: () => ImdsClient;
  assumeRole: AssumeRole;
  assumeRoleWithOidc?: AssumeRoleWithOidc;
  /** Asked before an External command first runs; absent or false: it never runs. */
  approveCommand?: (command: string) => Promise<boolean>;
  /** Shared with other clients of the same owner; absent: this provider shares nothing. */
  providers?: CredentialProviders;
}

const DEFAULT_SESSION_NAME = 'vscode-alibaba-cloud';

/** Builds the provider for a profile's credential config. */
export function createProvider(config: CredentialConfig, deps: ProviderDeps): CredentialProvider {
  switch (config.mode) {
    case 'AK':
      return new StaticProvider({ accessKeyId: config.accessKeyId, accessKeySecret: config.accessKeySecret });
    case 'StsToken':
      return new StaticProvider({
        accessKeyId: config.accessKeyId,
        accessKeySecret: config.accessKeySecret,
        securityToken: config.securityToken,
      });
    case 'RamRoleArn':
      return new RamRoleArnProvider(
        new StaticProvider({
          accessKeyId: config.accessKeyId,
          accessKeySecret: config.accessKeySecret,
          securityToken: config.securityToken,
        }),
        config.roleArn,
        config.sessionName ?? DEFAULT_SESSION_NAME,
        config.durationSeconds ?? 3600,
        deps.assumeRole,
      );
    case 'ChainableRamRoleArn':
      return new RamRoleArnProvider(
        createProvider(config.source, deps),
        config.roleArn,
        config.sessionName ?? DEFAULT_SESSION_NAME,
        config.durationSeconds ?? 3600,
        deps.assumeRole,
        config.externalId,
      );
    case 'EcsRamRole':
      return (deps.providers ?? new CredentialProviders()).ecsRamRole(deps.imds(), config.roleName);
    case 'OIDC': {
      const assume = deps.assumeRoleWithOidc;
      if (!assume) {
        throw new CloudError({
          code: 'UnsupportedProfileMode',
          service: 'credentials',
          message: l10n.t('Unsupported credential mode "{0}".', config.mode),
        });
      }
      return new OidcRoleProvider(
        config.oidcProviderArn,
        config.roleArn,
        config.oidcTokenFile,
        config.sessionName ?? DEFAULT_SESSION_NAME,
        config.durationSeconds ?? 3600,
        assume,
      );
    }
    case 'External': {
      // Clients are rebuilt (profile switch, settings change) with the same approval hook: they
      // share one provider per command, so rebuilding never runs the user's command again.
      const hook = deps.approveCommand;
      return (deps.providers ?? new CredentialProviders()).externalCommand(
        hook,
        config.command,
        () =>
          new FetchingProvider('external', async () => {
            // Asked here, at each run, so nothing is executed just by listing or selecting profiles, and
            // an approval the user withdrew (Forget Approved Credential Commands) is asked again.
            if (!(await hook?.(config.command))) {
              throw new CloudError({
                code: 'ExternalCommandNotApproved',
                service: 'credentials',
                message: l10n.t('The credential command of this profile was not approved, so it did not run.'),
              });
            }
            return sources().runCredentialProcess(config.command, config.timeoutMs);
          }),
      );
    }
    case 'CredentialsURI':
      return new FetchingProvider('credentials_uri', () => sources().fetchCredentialsUri(config.uri, config.timeoutMs));
    case 'CloudSSO':
    case 'OAuth':
      return new FetchingProvider(config.mode === 'CloudSSO' ? 'cli_cloud_sso' : 'cli_oauth', async () =>
        sources().readCliCachedSts(config.configFile, config.profileName),
      );
    default:
      throw new CloudError({
        code: 'UnsupportedProfileMode',
        service: 'credentials',
        message: l10n.t('Unsupported credential mode "{0}".', (config as { mode: string }).mode),
      });
  }
}

/** Wraps a provider as an @alicloud/credentials Credential for the openapi-core clients. */
export function toSdkCredential(provider: CredentialProvider): unknown {
  const { default: Credential } = loadCredentials();
  return new Credential(null, {
    getProviderName: () => provider.name,
    getCredentials: async () => {
      const c = await provider.get();
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken ?? '',
        providerName: provider.name,
      };
    },
  });
}

/** Credentials from the standard environment variables, if set. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CredentialConfig | undefined {
  const id = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const secret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!id || !secret) {
    return undefined;
  }
  const token = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  announceSecret(secret, token);
  if (env.ALIBABA_CLOUD_ROLE_ARN) {
    return {
      mode: 'RamRoleArn',
      accessKeyId: id,
      accessKeySecret: secret,
      securityToken: token,
      roleArn: env.ALIBABA_CLOUD_ROLE_ARN,
      sessionName: env.ALIBABA_CLOUD_ROLE_SESSION_NAME,
    };
  }
  return token
    ? { mode: 'StsToken', accessKeyId: id, accessKeySecret: secret, securityToken: token }
    : { mode: 'AK', accessKeyId: id, accessKeySecret: secret };
}
