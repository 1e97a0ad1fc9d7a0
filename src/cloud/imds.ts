/**
 * ECS instance metadata client (IMDS), hardened mode first: PUT a token, then send it on every
 * read. Falls back to token-less reads only when allowed. Every request is bounded by a short
 * timeout so a laptop (where 100.100.100.200 does not answer) learns "not an instance" quickly.
 * The base URL is configurable: the sandbox serves each instance's IMDS on loopback.
 */
import { observeResponseDate } from './clock';
import { CloudError, isCloudError } from './errors';
import { l10n } from './l10n';
import { announceCredentials } from './secretValues';
import { waitForPropagation, type WaitOptions } from './waiting';

// Loaded on the first request, not with the extension: node:https (with tls) and node:http cost
// several ms of activation in a bare process, and activation sends nothing (see metadataRequest).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = () => require('node:http') as typeof import('node:http');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const https = () => require('node:https') as typeof import('node:https');

export const DEFAULT_IMDS_URL = 'http://100.100.100.200';

export interface ImdsOptions {
  baseUrl?: string;
  /** Per request, ms; capped at 1000. */
  timeoutMs?: number;
  /** Allow plain GETs when the token request fails (not hardened). */
  allowInsecureFallback?: boolean;
  tokenTtlSeconds?: number;
  /** Clock for token reuse, injectable for tests. */
  now?: () => number;
}

export interface ImdsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiration: Date;
  lastUpdated?: Date;
  roleName: string;
}

export interface InstanceIdentity {
  instanceId: string;
  regionId: string;
  zoneId: string;
}

export class ImdsClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly allowInsecureFallback: boolean;
  private readonly tokenTtlSeconds: number;
  private readonly now: () => number;
  private token?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string | undefined>;
  /** Set once a token request failed and fallback is allowed: read without tokens from then on. */
  private insecure = false;
  /** Set once credentials were served: later 404s are real, not propagation. */
  private served = false;

  constructor(options: ImdsOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_IMDS_URL).replace(/\/+$/, '');
    this.timeoutMs = Math.min(options.timeoutMs ?? 1000, 1000);
    this.allowInsecureFallback = options.allowInsecureFallback ?? false;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 21600;
    this.now = options.now ?? Date.now;
  }

  /** Whether the last reads went without a token (fallback). */
  get usedInsecureFallback(): boolean {
    return this.insecure;
  }

  /** Whether token-less reads are allowed when the token request fails. */
  get allowsInsecureFallback(): boolean {
    return this.allowInsecureFallback;
  }

  async getRoleName(): Promise<string> {
    const text = await this.get('/latest/meta-data/ram/security-credentials/', 'role');
    const role = text
      .split('\n')
      .map((s) => s.trim())
      .find(Boolean);
    if (!role) {
      throw noRole();
    }
    return role;
  }

  /**
   * The role's credentials. A role attached a moment ago is listed before its credentials are
   * served (404 while RAM reaches the instance): the first read waits for them, up to 60 s, but
   * only when the listing names that role, so a wrong role name still fails at once.
   */
  async getCredentials(roleName?: string, wait: WaitOptions = {}): Promise<ImdsCredentials> {
    const role = roleName ?? (await this.getRoleName());
    if (this.served) {
      return this.readCredentials(role);
    }
    try {
      return await this.readCredentials(role);
    } catch (e) {
      if (!isCloudError(e, 'ImdsNoRole')) {
        throw e;
      }
      const listed = await this.getRoleName().catch(() => undefined);
      if (listed?.toLowerCase() !== role.toLowerCase()) {
        throw e;
      }
      return waitForPropagation('imds', () => this.readCredentials(role), wait);
    }
  }

  private async readCredentials(role: string): Promise<ImdsCredentials> {
    const text = await this.get(`/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`, 'role');
    let body: Record<string, string>;
    try {
      body = JSON.parse(text) as Record<string, string>;
      announceCredentials({ accessKeySecret: body.AccessKeySecret, securityToken: body.SecurityToken });
    } catch {
      throw new CloudError({
        code: 'ImdsBadResponse',
        service: 'imds',
        message: l10n.t('The metadata service returned credentials that are not JSON.'),
      });
    }
    if (
      body.Code !== 'Success' ||
      !body.AccessKeyId ||
      !body.AccessKeySecret ||
      !body.SecurityToken ||
      !body.Expiration
    ) {
      throw new CloudError({
        code: 'ImdsBadResponse',
        service: 'imds',
        message: l10n.t('The metadata service did not return usable credentials (Code: {0}).', body.Code ?? '-'),
      });
    }
    const expiration = new Date(body.Expiration);
    // An unparseable expiry would make every later get() refetch (NaN compares false): refuse it here.
    if (Number.isNaN(expiration.getTime())) {
      throw new CloudError({
        code: 'ImdsBadResponse',
        service: 'imds',
        message: l10n.t(
          'The metadata service returned credentials with an unreadable Expiration ({0}).',
          String(body.Expiration),
        ),
      });
    }
    const lastUpdated = body.LastUpdated ? new Date(body.LastUpdated) : undefined;
    this.served = true;
    return {
      accessKeyId: body.AccessKeyId,
      accessKeySecret: body.AccessKeySecret,
      securityToken: body.SecurityToken,
      expiration,
      lastUpdated: lastUpdated && !Number.isNaN(lastUpdated.getTime()) ? lastUpdated : undefined,
      roleName: role,
    };
  }

  async getIdentity(): Promise<InstanceIdentity> {
    const [instanceId, regionId, zoneId] = await Promise.all([
      this.get('/latest/meta-data/instance-id'),
      this.get('/latest/meta-data/region-id'),
      this.get('/latest/meta-data/zone-id'),
    ]);
    return { instanceId: instanceId.trim(), regionId: regionId.trim(), zoneId: zoneId.trim() };
  }

  /** Reads a metadata path (e.g. /latest/meta-data/instance-id) as text. */
  async get(path: string, notFound: 'role' | 'path' = 'path'): Promise<string> {
    const token = await this.getToken();
    const headers: Record<string, string> = token ? { 'X-aliyun-ecs-metadata-token': token } : {};
    let res = await this.request('GET', path, headers);
    if (res.status === 401 && token) {
      // The token may have expired server-side before our estimate: one fresh attempt.
      this.token = undefined;
      const fresh = await this.getToken();
      res = await this.request('GET', path, fresh ? { 'X-aliyun-ecs-metadata-token': fresh } : {});
    }
    if (res.status === 200) {
      return res.body;
    }
    if (res.status === 404) {
      if (notFound === 'role') {
        throw noRole();
      }
      throw new CloudError({
        code: 'ImdsNotFound',
        service: 'imds',
        status: 404,
        message: l10n.t('The metadata path {0} does not exist.', path),
      });
    }
    if (res.status === 401) {
      throw new CloudError({
        code: 'ImdsUnauthorized',
        service: 'imds',
        status: 401,
        message: l10n.t('The metadata service rejected the token (401).'),
      });
    }
    if (res.status === 403) {
      throw new CloudError({
        code: 'ImdsHardenedRequired',
        service: 'imds',
        status: 403,
        message: l10n.t('The metadata service refused the request (403): hardened mode requires a token.'),
      });
    }
    throw new CloudError({
      code: 'ImdsError',
      service: 'imds',
      status: res.status,
      message: l10n.t('The metadata service answered HTTP {0}.', res.status),
    });
  }

  private getToken(): Promise<string | undefined> {
    if (this.insecure) {
      return Promise.resolve(undefined);
    }
    if (this.token && this.token.expiresAt > this.now()) {
      return Promise.resolve(this.token.value);
    }
    // Concurrent reads share one token request.
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string | undefined> {
    // Unreachable is not a hardened-mode problem: request() throws and no fallback masks it.
    const res = await this.request('PUT', '/latest/api/token', {
      'X-aliyun-ecs-metadata-token-ttl-seconds': String(this.tokenTtlSeconds),
    });
    if (res.status === 200 && res.body) {
      // Renew a minute early so a token never expires between our check and the server's.
      this.token = { value: res.body.trim(), expiresAt: this.now() + (this.tokenTtlSeconds - 60) * 1000 };
      return this.token.value;
    }
    if (this.allowInsecureFallback) {
      this.insecure = true;
      return undefined;
    }
    throw new CloudError({
      code: 'ImdsHardenedRequired',
      service: 'imds',
      status: res.status,
      message: l10n.t('Could not get a metadata token (HTTP {0}); token-less access is turned off.', res.status),
    });
  }

  private async request(
    method: 'GET' | 'PUT',
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    const url = `${this.baseUrl}${path}`;
    try {
      const reply = await metadataRequest(url, method, headers, this.timeoutMs);
      observeResponseDate({ date: reply.date });
      return reply;
    } catch (e) {
      if (e instanceof CloudError) {
        throw e;
      }
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new CloudError({
          code: 'ImdsUnreachable',
          service: 'imds',
          message: l10n.t('The metadata service at {0} did not answer within {1} ms.', this.baseUrl, this.timeoutMs),
        });
      }
      throw new CloudError({
        code: 'ImdsUnreachable',
        service: 'imds',
        message: l10n.t('The metadata service at {0} could not be reached.', this.baseUrl),
      });
    }
  }
}

export interface MetadataReply {
  status: number;
  body: string;
  date?: string;
}

export interface BodyLimit {
  maxBytes: number;
  tooLarge: (maxBytes: number, status?: number) => Error;
}

/** Metadata documents are a few hundred bytes; anything far larger is not a metadata service. */
const METADATA_LIMIT: BodyLimit = {
  maxBytes: 64 * 1024,
  tooLarge: (max, status) =>
    new CloudError({
      code: 'ImdsBadResponse',
      service: 'imds',
      status,
      message: l10n.t('The metadata service answered with more than {0} KB.', max / 1024),
    }),
};

/**
 * One request to a metadata service, never through a proxy. Inside VS Code, @vscode/proxy-agent
 * replaces `http.request`, `https.request` and `fetch` and, in its default "override" mode, swaps
 * the agent of every request to a host other than localhost/127.0.0.1 for one that follows
 * `http.proxy` or the system proxy (createHttpPatch in @vscode/proxy-agent 0.45, as shipped with
 * VS Code 1.9x): no option of a request opts out. A proxy must never see instance credentials, and
 * the metadata service refuses proxied requests anyway (X-Forwarded-For). The patch covers only
 * `request` and `get`: a ClientRequest built directly, with an agent of our own, connects straight
 * to the address. Redirects are not followed (a 3xx is just an unusable answer). A body over
 * `maxBytes` aborts the request with `tooLarge(maxBytes, status)`. Credential servers on this
 * machine (CredentialsURI) use it too, for the same reasons.
 */
export function metadataRequest(
  url: string,
  method: 'GET' | 'PUT',
  headers: Record<string, string>,
  timeoutMs: number,
  limit: BodyLimit = METADATA_LIMIT,
): Promise<MetadataReply> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const agent = secure ? new (https().Agent)({ keepAlive: false }) : new (http().Agent)({ keepAlive: false });
  return new Promise<MetadataReply>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, reply?: MetadataReply) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      agent.destroy();
      if (err) {
        reject(err);
      } else {
        resolve(reply!);
      }
    };
    const req = new (http().ClientRequest)(
      {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || (secure ? 443 : 80),
        path: `${u.pathname}${u.search}`,
        method,
        headers: method === 'PUT' ? { ...headers, 'Content-Length': '0' } : headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit.maxBytes) {
            req.destroy();
            done(limit.tooLarge(limit.maxBytes, res.statusCode));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          done(undefined, {
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            date: res.headers.date,
          }),
        );
        res.on('error', (e) => done(e));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done(Object.assign(new Error(l10n.t('timed out after {0} ms', timeoutMs)), { name: 'TimeoutError' }));
    }, timeoutMs);
    req.on('error', (e) => done(e));
    req.end();
  });
}

function noRole(): CloudError {
  return new CloudError({
    code: 'ImdsNoRole',
    service: 'imds',
    status: 404,
    message: l10n.t('No RAM role is attached to this instance.'),
  });
}
