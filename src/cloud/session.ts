/**
 * A CloudSession is one profile made usable: credentials resolved once, SDK clients created on
 * first use, and every call funnelled through `call()` for retries, rotation-aware re-auth,
 * error conversion and one log line (service, action, region, request id, duration — never
 * parameters, which can hold secrets or policy documents).
 */
import * as http from 'node:http';
import { recordingAnswers, type AnswerLog } from './answers';
import { observeResponseDate, serverClock } from './clock';
import { toSdkCredential, type Credentials, type CredentialProvider, type CredentialProviders } from './credentials';
import { createProvider } from './providerFactory';
import { toCloudError, type CloudError, type CloudService } from './errors';
import { ImdsClient } from './imds';
import { l10n } from './l10n';
import { assertRegionId, ecsEndpoint, ossEndpoint, type ProfileConfig } from './profile';
import { DEFAULT_RETRY, withRetry } from './retry';
import { loadEcsSdk, loadOpenApi, loadOss, loadRamSdk, loadStsSdk } from './sdk';
import { announceCredentials } from './secretValues';
import { RoleChanges, waitForPropagation } from './waiting';
import type * as RamSdk from '@alicloud/ram20150501';
import type * as EcsSdk from '@alicloud/ecs20140526';
import type * as StsSdk from '@alicloud/sts20150401';
import type * as OpenApiSdk from '@alicloud/openapi-core';
import type OSS from 'ali-oss';

export interface CloudLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: CloudLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Actions that change nothing, so repeating one after a timeout is harmless. */
const READ_ONLY = /^(Get|List|Describe|Head)|^AssumeRole$/;

export interface CallOptions {
  /**
   * Repeating the call cannot do the work twice (a ClientToken, or a PUT/DELETE that sets the
   * same state). Default: only read-only actions. Other calls are not repeated after a timeout.
   */
  idempotent?: boolean;
  /** `false`: never repeated, not even after a definite refusal (a multipart upload restarted whole would double-bill its parts). */
  retry?: boolean;
}

/** Answers that say a named thing does not exist (RAM, ECS, OSS). */
const NOT_FOUND =
  /^(EntityNotExist(\..+)?|NoSuchKey|NoSuchBucket|NoSuchUpload|InvalidInstanceId\.NotFound|InvalidRamRole\.NotFound)$/;

/** Codes after which temporary credentials are fetched again and the call retried once. */
const REAUTH_CODES =
  /^(InvalidSecurityToken\.Expired|SecurityTokenExpired|InvalidAccessKeyId\.NotFound|InvalidAccessKeyId|InvalidSecurityToken\.MismatchWithAccessKey)$/;

type RamClient = InstanceType<typeof RamSdk.default>;
type EcsClient = InstanceType<typeof EcsSdk.default>;
type StsClient = InstanceType<typeof StsSdk.default>;
type OpenApiClient = InstanceType<typeof OpenApiSdk.default>;

export class CloudSession {
  readonly provider: CredentialProvider;
  private ram?: RamClient;
  private readonly ecsByRegion = new Map<string, EcsClient>();
  private readonly actionTrailByRegion = new Map<string, OpenApiClient>();
  private sts?: StsClient;
  private imds?: ImdsClient;
  private ossAgent?: http.Agent;

  constructor(
    readonly profile: ProfileConfig,
    readonly logger: CloudLogger = silentLogger,
    provider?: CredentialProvider,
    providers?: CredentialProviders,
    /** Shared with the owner's other sessions (see RoleChanges); a session of its own otherwise. */
    readonly roleChanges: RoleChanges = new RoleChanges(),
  ) {
    this.provider =
      provider ??
      createProvider(profile.credentials, {
        imds: () => this.imdsClient(),
        assumeRole: (base, roleArn, sessionName, duration, externalId) =>
          this.assumeRoleWith(base, roleArn, sessionName, duration, externalId),
        assumeRoleWithOidc: (providerArn, roleArn, token, sessionName, duration) =>
          this.assumeRoleWithOidc(providerArn, roleArn, token, sessionName, duration),
        approveCommand: profile.approveCommand,
        providers,
      });
  }

  get regionId(): string {
    return this.profile.regionId;
  }

  imdsClient(): ImdsClient {
    this.imds ??= new ImdsClient({
      baseUrl: this.profile.endpoints?.metadata,
      allowInsecureFallback: this.profile.imdsAllowInsecureFallback,
    });
    return this.imds;
  }

  /**
   * Runs one API call with retries on throttling/5xx (and, for idempotent calls, timeouts) and
   * one re-authentication when temporary credentials were refused (rotated or expired under us).
   */
  async call<T>(
    service: CloudService,
    action: string,
    region: string | undefined,
    fn: () => Promise<T>,
    opts: CallOptions = {},
  ): Promise<T> {
    const started = Date.now();
    const answers: AnswerLog = {};
    const convert = (e: unknown) => toCloudError(e, { service, action, region, answer: answers.last });
    const idempotent = opts.idempotent ?? READ_ONLY.test(action);
    const policy = opts.retry === false ? { ...DEFAULT_RETRY, maxAttempts: 1 } : (this.profile.retry ?? DEFAULT_RETRY);
    const attempt = () =>
      withRetry(
        () => recordingAnswers(answers, fn),
        policy,
        convert,
        (err, n, delay) => {
          this.logger.warn(`${service}.${action} ${region ?? '-'} ${err.code} (attempt ${n}), retrying in ${delay} ms`);
        },
        idempotent,
      );
    try {
      let result: T;
      try {
        result = await attempt();
      } catch (e) {
        const err = e as CloudError;
        if (!this.isTemporary() || !REAUTH_CODES.test(err.code)) {
          throw err;
        }
        this.logger.info(
          `${service}.${action}: credentials refused (${err.code}); fetching fresh ones and retrying once`,
        );
        this.provider.invalidate();
        result = await attempt();
      }
      observeResponseDate(headersOf(result));
      this.logger.info(
        `${service}.${action} ${region ?? '-'} ok requestId=${requestIdOf(result) ?? '-'} ${Date.now() - started} ms`,
      );
      return result;
    } catch (e) {
      const err = convert(e);
      // ECS answers a passing dry run (DryRun=true) with the error DryRunOperation: a success.
      if (err.code === 'DryRunOperation') {
        this.logger.info(
          `${service}.${action} ${region ?? '-'} dry run passed requestId=${err.requestId ?? '-'} ${Date.now() - started} ms`,
        );
        throw err;
      }
      // "Not there" is an answer (GetRole before a create, HeadObject before an upload): the caller
      // decides, and the error funnel logs it as an error when it becomes the user's.
      const level = NOT_FOUND.test(err.code) ? 'info' : 'warn';
      this.logger[level](
        `${service}.${action} ${region ?? '-'} ${level === 'info' ? 'answered' : 'failed'} ${err.code}${err.status ? ` (${err.status})` : ''} requestId=${err.requestId ?? '-'} ${Date.now() - started} ms`,
      );
      throw err;
    }
  }

  /** The RAM role these credentials act as (instance role or RamRoleArn), if any. */
  get roleName(): string | undefined {
    const p = this.provider as { roleName?: string; roleArn?: string };
    return p.roleName ?? (p.roleArn ? /:role\/(.+)$/i.exec(p.roleArn)?.[1] : undefined);
  }

  private isTemporary(): boolean {
    return this.provider.name !== 'static_ak' && this.provider.name !== 'static_sts';
  }

  private rpcConfig(endpoint: string | undefined, regionId: string, credential: unknown): unknown {
    const { $OpenApiUtil } = loadOpenApi();
    return new $OpenApiUtil.Config({
      credential: credential as never,
      endpoint,
      protocol: this.profile.endpoints?.protocol ?? 'https',
      regionId,
      connectTimeout: this.profile.connectTimeoutMs ?? 5000,
      readTimeout: this.profile.readTimeoutMs ?? 10000,
    });
  }

  ramClient(): RamClient {
    if (!this.ram) {
      const { default: Ram } = loadRamSdk();
      this.ram = new Ram(
        this.rpcConfig(
          this.profile.endpoints?.ram ?? 'ram.aliyuncs.com',
          this.regionId,
          toSdkCredential(this.provider),
        ) as never,
      );
    }
    return this.ram;
  }

  ecsClient(regionId = this.regionId): EcsClient {
    // Without an override the SDK builds ecs.<region>.aliyuncs.com from the id itself.
    assertRegionId(regionId);
    let c = this.ecsByRegion.get(regionId);
    if (!c) {
      const { default: Ecs } = loadEcsSdk();
      c = new Ecs(
        this.rpcConfig(ecsEndpoint(this.profile, regionId), regionId, toSdkCredential(this.provider)) as never,
      );
      this.ecsByRegion.set(regionId, c);
    }
    return c;
  }

  /**
   * ActionTrail has no SDK in the registry: a plain OpenAPI client, through which callRpcJson
   * signs exactly as the product clients do. ActionTrail endpoints are regional
   * (actiontrail.<region>.aliyuncs.com).
   */
  actionTrailClient(regionId = this.regionId): OpenApiClient {
    assertRegionId(regionId);
    let c = this.actionTrailByRegion.get(regionId);
    if (!c) {
      const { default: OpenApi } = loadOpenApi();
      const override = this.profile.endpoints?.actiontrail?.replace('{region}', regionId);
      const config = this.rpcConfig(
        override ?? `actiontrail.${regionId}.aliyuncs.com`,
        regionId,
        toSdkCredential(this.provider),
      ) as { protocol?: string };
      // "http" is allowed only with loopback overrides (endpointPolicy.ts): the real host is https.
      if (!override) {
        config.protocol = 'https';
      }
      c = new OpenApi(config as never);
      this.actionTrailByRegion.set(regionId, c);
    }
    return c;
  }

  stsClient(): StsClient {
    if (!this.sts) {
      const { default: Sts } = loadStsSdk();
      this.sts = new Sts(
        this.rpcConfig(
          this.profile.endpoints?.sts ?? 'sts.aliyuncs.com',
          this.regionId,
          toSdkCredential(this.provider),
        ) as never,
      );
    }
    return this.sts;
  }

  /** ali-oss reads credentials at construction, so a client is made per use with fresh ones. */
  async ossClient(regionId: string, bucket?: string, opts: { timeoutMs?: number } = {}): Promise<OSS> {
    const OSSCtor = loadOss();
    const c = await this.provider.get();
    const endpoint = ossEndpoint(this.profile, regionId);
    const client = new OSSCtor({
      region: `oss-${regionId}`,
      endpoint,
      bucket,
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      stsToken: c.securityToken,
      secure: endpoint.startsWith('https:'),
      timeout: opts.timeoutMs ?? this.profile.readTimeoutMs ?? 60000,
      agent: this.pinnedAgent(),
      // ali-oss in Node never corrects its clock itself (only the browser build reads ServerTime
      // from RequestTimeTooSkewed); it dates requests with now + amendTimeSkewed.
      amendTimeSkewed: serverClock.offsetMs,
      // With temporary credentials ali-oss wants a refresher (and warns on the console without
      // one); ours is the provider, so a client kept past a rotation still signs validly.
      ...(c.securityToken
        ? {
            refreshSTSToken: async () => {
              const fresh = await this.provider.get();
              return {
                accessKeyId: fresh.accessKeyId,
                accessKeySecret: fresh.accessKeySecret,
                stsToken: fresh.securityToken ?? '',
              };
            },
            refreshSTSTokenInterval: 5 * 60 * 1000,
          }
        : {}),
    } as OSS.Options);
    this.wrapRequests(client);
    return client;
  }

  /**
   * Every OSS request goes through here: its answer's Date teaches the server clock, and for the
   * sandbox the host lookup is pinned. The pinned agent alone is not enough inside VS Code: its
   * proxy support (http.proxySupport "override", the default) replaces the agent of every request to a non-localhost host, so the
   * sandbox's OSS host names reached real DNS (ENOTFOUND). A `lookup` in the request options
   * survives that (the replacement agent connects with the request's options), so ali-oss's
   * urllib gets it on every request too.
   */
  private wrapRequests(client: OSS): void {
    const address = this.profile.endpoints?.ossResolveTo;
    const c = client as unknown as {
      urllib?: { request(url: string, params: object): Promise<{ headers?: Record<string, string> }> };
      options: { amendTimeSkewed?: number };
    };
    if (!c.urllib) {
      return;
    }
    const family = address?.includes(':') ? 6 : 4;
    const lookup = address
      ? (_host: string, options: { all?: boolean } | undefined, cb: (...args: unknown[]) => void) => {
          if (options?.all) {
            cb(null, [{ address, family }]);
          } else {
            cb(null, address, family);
          }
        }
      : undefined;
    const inner = c.urllib;
    c.urllib = {
      request: async (url, params) => {
        const res = await inner.request(url, lookup ? { ...params, lookup } : params);
        // Every answer, refusals included, dates the server's clock; the client keeps up with it.
        observeResponseDate(res?.headers);
        c.options.amendTimeSkewed = serverClock.offsetMs;
        return res;
      },
    };
  }

  /** For the sandbox: every OSS host name resolves to its address, so virtual-host URLs work. */
  private pinnedAgent(): http.Agent | undefined {
    const address = this.profile.endpoints?.ossResolveTo;
    if (!address) {
      return undefined;
    }
    if (!this.ossAgent) {
      const family = address.includes(':') ? 6 : 4;
      this.ossAgent = new http.Agent({
        keepAlive: true,
        lookup: ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
          if (options?.all) {
            cb(null, [{ address, family }]);
          } else {
            cb(null, address, family);
          }
        }) as never,
      });
    }
    return this.ossAgent;
  }

  /** STS AssumeRole with explicit base credentials (RamRoleArn and ChainableRamRoleArn profiles). */
  private async assumeRoleWith(
    base: Credentials,
    roleArn: string,
    sessionName: string,
    durationSeconds: number,
    externalId?: string,
  ): Promise<Credentials> {
    const { default: Sts, AssumeRoleRequest } = loadStsSdk();
    const { $OpenApiUtil } = loadOpenApi();
    const client = new Sts(
      new $OpenApiUtil.Config({
        accessKeyId: base.accessKeyId,
        accessKeySecret: base.accessKeySecret,
        securityToken: base.securityToken,
        endpoint: this.profile.endpoints?.sts ?? 'sts.aliyuncs.com',
        protocol: this.profile.endpoints?.protocol ?? 'https',
        regionId: this.regionId,
      }),
    );
    // A role created or given a new trust policy a moment ago reaches STS after a delay.
    const res = await waitForPropagation(
      'sts',
      () =>
        this.call('sts', 'AssumeRole', undefined, () =>
          client.assumeRole(
            new AssumeRoleRequest({ roleArn, roleSessionName: sessionName, durationSeconds, externalId }),
          ),
        ),
      {
        roleName: /:role\/(.+)$/i.exec(roleArn)?.[1] ?? '',
        changes: this.roleChanges,
        onProgress: (p) =>
          this.logger.info(`sts.AssumeRole: ${p.lastError?.code ?? ''} after a recent RAM change; ${p.message}`),
      },
    );
    const cr = res.body?.credentials;
    announceCredentials({ accessKeySecret: cr?.accessKeySecret, securityToken: cr?.securityToken });
    if (!cr?.accessKeyId || !cr.accessKeySecret || !cr.securityToken) {
      throw toCloudError(
        { code: 'InvalidResponse', message: l10n.t('AssumeRole returned no credentials') },
        { service: 'sts', action: 'AssumeRole' },
      );
    }
    return {
      accessKeyId: cr.accessKeyId,
      accessKeySecret: cr.accessKeySecret,
      securityToken: cr.securityToken,
      expiration: cr.expiration ? new Date(cr.expiration) : undefined,
    };
  }

  /**
   * STS AssumeRoleWithOIDC (OIDC profiles). The SDK sends it unsigned (authType "Anonymous" in
   * sts20150401): the OIDC token is the proof, so the client has no credential at all.
   */
  private async assumeRoleWithOidc(
    providerArn: string,
    roleArn: string,
    token: string,
    sessionName: string,
    durationSeconds: number,
  ): Promise<Credentials> {
    const { default: Sts, AssumeRoleWithOIDCRequest } = loadStsSdk();
    const { $OpenApiUtil } = loadOpenApi();
    const client = new Sts(
      new $OpenApiUtil.Config({
        endpoint: this.profile.endpoints?.sts ?? 'sts.aliyuncs.com',
        protocol: this.profile.endpoints?.protocol ?? 'https',
        regionId: this.regionId,
        connectTimeout: this.profile.connectTimeoutMs ?? 5000,
        readTimeout: this.profile.readTimeoutMs ?? 10000,
      }),
    );
    const res = await waitForPropagation(
      'sts',
      () =>
        this.call(
          'sts',
          'AssumeRoleWithOIDC',
          undefined,
          () =>
            client.assumeRoleWithOIDC(
              new AssumeRoleWithOIDCRequest({
                OIDCProviderArn: providerArn,
                roleArn,
                OIDCToken: token,
                roleSessionName: sessionName,
                durationSeconds,
              }),
            ),
          { idempotent: true },
        ),
      {
        roleName: /:role\/(.+)$/i.exec(roleArn)?.[1] ?? '',
        changes: this.roleChanges,
        onProgress: (p) =>
          this.logger.info(
            `sts.AssumeRoleWithOIDC: ${p.lastError?.code ?? ''} after a recent RAM change; ${p.message}`,
          ),
      },
    );
    const cr = res.body?.credentials;
    announceCredentials({ accessKeySecret: cr?.accessKeySecret, securityToken: cr?.securityToken });
    if (!cr?.accessKeyId || !cr.accessKeySecret || !cr.securityToken) {
      throw toCloudError(
        { code: 'InvalidResponse', message: l10n.t('AssumeRoleWithOIDC returned no credentials') },
        { service: 'sts', action: 'AssumeRoleWithOIDC' },
      );
    }
    return {
      accessKeyId: cr.accessKeyId,
      accessKeySecret: cr.accessKeySecret,
      securityToken: cr.securityToken,
      expiration: cr.expiration ? new Date(cr.expiration) : undefined,
    };
  }

  dispose(): void {
    this.ossAgent?.destroy();
  }
}

function headersOf(result: unknown): Record<string, string> | undefined {
  const r = result as { headers?: Record<string, string>; res?: { headers?: Record<string, string> } } | undefined;
  return r?.headers ?? r?.res?.headers;
}

function requestIdOf(result: unknown): string | undefined {
  // SDK response models say requestId; the plain JSON of callRpcJson keeps the API's RequestId.
  const r = result as
    { body?: { requestId?: string; RequestId?: string }; res?: { headers?: Record<string, string> } } | undefined;
  return r?.body?.requestId ?? r?.body?.RequestId ?? r?.res?.headers?.['x-oss-request-id'];
}
