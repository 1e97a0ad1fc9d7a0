/**
 * A profile's credential config made a provider (credentials.ts). Apart from credentials.ts because
 * this and the external sources it reaches (credentialSources.ts: processes, URIs, token files) are
 * needed only by the cloud clients, in dist/lazy.js, while activation holds the providers.
 */
import { CloudError } from './errors';
import {
  CredentialProviders,
  FetchingProvider,
  RamRoleArnProvider,
  RefreshingProvider,
  StaticProvider,
  type AssumeRole,
  type AssumeRoleWithOidc,
  type CredentialProvider,
  type Credentials,
} from './credentials';
import * as sources from './credentialSources';
import type { ImdsClient } from './imds';
import { l10n } from './l10n';
import type { CredentialConfig } from './profile';

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
      sources.readOidcToken(this.tokenFile),
      this.sessionName,
      this.durationSeconds,
    );
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
            return sources.runCredentialProcess(config.command, config.timeoutMs);
          }),
      );
    }
    case 'CredentialsURI':
      return new FetchingProvider('credentials_uri', () => sources.fetchCredentialsUri(config.uri, config.timeoutMs));
    case 'CloudSSO':
    case 'OAuth':
      return new FetchingProvider(config.mode === 'CloudSSO' ? 'cli_cloud_sso' : 'cli_oauth', async () =>
        sources.readCliCachedSts(config.configFile, config.profileName),
      );
    default:
      throw new CloudError({
        code: 'UnsupportedProfileMode',
        service: 'credentials',
        message: l10n.t('Unsupported credential mode "{0}".', (config as { mode: string }).mode),
      });
  }
}
