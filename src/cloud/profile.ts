/** What a profile is: where credentials come from, which region, and every endpoint override. */
import { CloudError } from './errors';
import { l10n } from './l10n';
import type { RetryPolicy } from './retry';

export type CredentialConfig =
  | { mode: 'AK'; accessKeyId: string; accessKeySecret: string }
  | { mode: 'StsToken'; accessKeyId: string; accessKeySecret: string; securityToken: string }
  | {
      mode: 'RamRoleArn';
      accessKeyId: string;
      accessKeySecret: string;
      securityToken?: string;
      roleArn: string;
      sessionName?: string;
      durationSeconds?: number;
    }
  | { mode: 'EcsRamRole'; roleName?: string }
  /** aliyun CLI: credentials of another profile (`source_profile`), then AssumeRole. */
  | {
      mode: 'ChainableRamRoleArn';
      sourceProfile: string;
      source: CredentialConfig;
      roleArn: string;
      sessionName?: string;
      durationSeconds?: number;
      externalId?: string;
    }
  /** aliyun CLI `process_command`: a program that prints credentials JSON. Runs only once the user approved it. */
  | { mode: 'External'; command: string; timeoutMs?: number }
  /** aliyun CLI `credentials_uri`: GET returns `{Code, AccessKeyId, AccessKeySecret, SecurityToken, Expiration}`. */
  | { mode: 'CredentialsURI'; uri: string; timeoutMs?: number }
  /** aliyun CLI OIDC: AssumeRoleWithOIDC with the token read from a file (re-read on every refresh). */
  | {
      mode: 'OIDC';
      oidcProviderArn: string;
      roleArn: string;
      oidcTokenFile: string;
      sessionName?: string;
      durationSeconds?: number;
    }
  /** CloudSSO / OAuth sign-ins of the aliyun CLI: the STS credentials it caches in its config file. */
  | { mode: 'CloudSSO' | 'OAuth'; configFile: string; profileName: string };

export interface Endpoints {
  protocol?: 'http' | 'https';
  /** host[:port] without scheme, as the RPC SDKs take it. */
  ram?: string;
  sts?: string;
  /** host[:port]; may contain {region}. Default: ecs.<region>.aliyuncs.com */
  ecs?: string;
  /** host[:port]; may contain {region}. Default: actiontrail.<region>.aliyuncs.com */
  actiontrail?: string;
  /** Per-region ECS endpoints win over `ecs`. */
  ecsByRegion?: Record<string, string>;
  /** OSS endpoint URL; may contain {region}. Default: https://oss-<region>[-internal].aliyuncs.com */
  oss?: string;
  /** Use the internal (VPC) OSS endpoint of each region (sensible on an ECS instance). */
  ossInternal?: boolean;
  /** Resolve OSS host names to this address (the sandbox serves every bucket host on loopback). */
  ossResolveTo?: string;
  /** IMDS base URL, default http://100.100.100.200 */
  metadata?: string;
}

export interface ProfileConfig {
  name: string;
  regionId: string;
  credentials: CredentialConfig;
  endpoints?: Endpoints;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  retry?: RetryPolicy;
  imdsAllowInsecureFallback?: boolean;
  /**
   * Asked before an External profile's command first runs in this provider. Without it the command
   * never runs: a credential tool does not execute programs nobody approved.
   */
  approveCommand?: (command: string) => Promise<boolean>;
}

/**
 * Region ids as Alibaba Cloud documents them: lower-case letters, then dash-separated lower-case
 * words or numbers: cn-hangzhou, ap-southeast-1, cn-shanghai-finance-1, cn-zhengzhou-jva
 * (region lists: alibabacloud.com/help/doc-detail/72379.htm and the product endpoint pages).
 * Anything else (dots, slashes, ports, upper case) never reaches a host name.
 */
const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;

export function isRegionId(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 64 && REGION_ID.test(value);
}

export function assertRegionId(value: unknown): string {
  if (isRegionId(value)) {
    return value as string;
  }
  throw new CloudError({
    code: 'InvalidRegionId',
    message: l10n.t(
      '"{0}" is not a region id (for example cn-hangzhou or ap-southeast-1).',
      String(value).slice(0, 64),
    ),
  });
}

export function ecsEndpoint(profile: ProfileConfig, regionId: string): string | undefined {
  const e = profile.endpoints;
  const explicit = e?.ecsByRegion?.[regionId] ?? e?.ecs;
  return explicit?.replace('{region}', assertRegionId(regionId));
}

export function ossEndpoint(profile: ProfileConfig, regionId: string): string {
  const e = profile.endpoints;
  assertRegionId(regionId);
  if (e?.oss) {
    return e.oss.replace('{region}', regionId);
  }
  return `${e?.protocol ?? 'https'}://oss-${regionId}${e?.ossInternal ? '-internal' : ''}.aliyuncs.com`;
}

/** Endpoints of a sandbox (src/sandbox) listening on host:port. */
export function sandboxEndpoints(hostPort: string, instanceId?: string): Endpoints {
  const [host, port] = hostPort.split(':');
  return {
    protocol: 'http',
    ram: hostPort,
    sts: hostPort,
    ecs: hostPort,
    actiontrail: hostPort,
    oss: `http://oss-{region}.aliyuncs.com:${port}`,
    ossResolveTo: host,
    metadata: instanceId ? `http://${hostPort}/imds/${instanceId}` : `http://${hostPort}`,
  };
}
