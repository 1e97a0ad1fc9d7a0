/** What a profile is: where credentials come from, which region, and every endpoint override. */
import type { RetryPolicy } from './retry';

export type CredentialConfig =
  | { mode: 'AK'; accessKeyId: string; accessKeySecret: string }
  | { mode: 'StsToken'; accessKeyId: string; accessKeySecret: string; securityToken: string }
  | { mode: 'RamRoleArn'; accessKeyId: string; accessKeySecret: string; securityToken?: string; roleArn: string; sessionName?: string; durationSeconds?: number }
  | { mode: 'EcsRamRole'; roleName?: string };

export type CredentialMode = CredentialConfig['mode'];

export interface Endpoints {
  protocol?: 'http' | 'https';
  /** host[:port] without scheme, as the RPC SDKs take it. */
  ram?: string;
  sts?: string;
  /** host[:port]; may contain {region}. Default: ecs.<region>.aliyuncs.com */
  ecs?: string;
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
}

export function ecsEndpoint(profile: ProfileConfig, regionId: string): string | undefined {
  const e = profile.endpoints;
  const explicit = e?.ecsByRegion?.[regionId] ?? e?.ecs;
  return explicit?.replace('{region}', regionId);
}

export function ossEndpoint(profile: ProfileConfig, regionId: string): string {
  const e = profile.endpoints;
  if (e?.oss) { return e.oss.replace('{region}', regionId); }
  return `${e?.protocol ?? 'https'}://oss-${regionId}${e?.ossInternal ? '-internal' : ''}.aliyuncs.com`;
}

/** Endpoints of a sandbox (src/sandbox) listening on host:port. */
export function sandboxEndpoints(hostPort: string, instanceId?: string): Endpoints {
  const [host, port] = hostPort.split(':');
  return {
    protocol: 'http', ram: hostPort, sts: hostPort, ecs: hostPort,
    oss: `http://oss-{region}.aliyuncs.com:${port}`, ossResolveTo: host,
    metadata: instanceId ? `http://${hostPort}/imds/${instanceId}` : `http://${hostPort}`,
  };
}
