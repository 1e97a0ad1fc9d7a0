/**
 * Credential providers: static AccessKey / STS token, RamRoleArn and ChainableRamRoleArn (AssumeRole
 * through our STS client, so endpoint overrides apply), EcsRamRole (our IMDS client), OIDC, and the
 * fetch-based sources of credentialSources.ts (External, CredentialsURI, the CLI's CloudSSO/OAuth); a
 * profile's config becomes one in providerFactory.ts. Each is also exposed to
 * the SDKs as an @alicloud/credentials custom provider, because that library hard-codes the IMDS
 * address. Secrets stay in memory here; nothing in this file logs. Every provider announces each
 * credential it is given or fetches (secretValues.ts), so the log redacts it from the start.
 */
import { serverClock } from './clock';
import type { ImdsClient } from './imds';
import type { CredentialConfig } from './profile';
import { loadCredentials } from './sdk';
import { announceCredentials, announceSecret } from './secretValues';

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
