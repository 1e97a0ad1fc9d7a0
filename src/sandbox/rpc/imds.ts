/**
 * The ECS instance metadata service (ECS "Instance metadata" documentation) for every sandbox instance: hardened mode
 * (PUT /latest/api/token, then X-aliyun-ecs-metadata-token), the plain-text metadata paths, and
 * the instance role's rotating STS credentials. Served at /imds/<instanceId>/latest/… and, for
 * `options.defaultImdsInstance`, at the bare /latest/… that clients on an instance use.
 *
 * When an instance's metadata endpoint is disabled (HttpEndpoint=disabled) or the instance is not
 * running, nothing answers at 100.100.100.200: the sandbox drops the connection, so clients see
 * the same network failure they would on the instance.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SandboxError } from '../core/errors';
import { header, type SandboxRequest, type SandboxResponse } from '../core/http';
import type { SandboxHost, ServiceModule } from '../core/service';
import { settleInstances } from './lifecycle';
import { visibleRole } from '../core/propagation';
import { instanceSession } from './sessions';
import { isoSeconds, now, type Instance, type SandboxState } from '../core/state';
import { processOfConnection, type LocalProcess } from '../core/processes';
import { servicePids } from './instanceServices';

const PATH = /^(?:\/imds\/([^/]+))?(\/latest(?:\/.*)?)$/;
const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/';
const MAX_TOKEN_TTL = 21600;

interface MetadataToken {
  instanceId: string;
  expiresAt: number;
}

/** Tokens are ephemeral (never persisted), one store per running sandbox. */
const tokenStores = new WeakMap<SandboxHost, Map<string, MetadataToken>>();

function tokensOf(sandbox: SandboxHost): Map<string, MetadataToken> {
  let store = tokenStores.get(sandbox);
  if (!store) {
    store = new Map();
    tokenStores.set(sandbox, store);
  }
  return store;
}

/** One read of the metadata service by a local process: what the instance's probe looks for. */
export interface MetadataCaller {
  instanceId: string;
  at: number;
  /** A token was sent (or asked for); false: a normal-mode (token-less) read. */
  token: boolean;
  process?: LocalProcess;
}

const CALLER_LIMIT = 2000;
const callerLogs = new WeakMap<SandboxHost, MetadataCaller[]>();
/** client port → process, so a keep-alive connection is traced once. */
const connectionCache = new WeakMap<SandboxHost, Map<number, { process?: LocalProcess; at: number }>>();

function recordCaller(req: SandboxRequest, sandbox: SandboxHost, instance: Instance, token: boolean): void {
  if (req.remotePort === undefined || req.localPort === undefined) {
    return; // the sandbox's own agent (Cloud Assistant), not a program on the instance
  }
  let cache = connectionCache.get(sandbox);
  if (!cache) {
    cache = new Map();
    connectionCache.set(sandbox, cache);
  }
  const t = Date.now();
  let hit = cache.get(req.remotePort);
  if (!hit || t - hit.at > 5000) {
    hit = { process: processOfConnection(req.remotePort, req.localPort, servicePids(sandbox)), at: t };
    cache.set(req.remotePort, hit);
  }
  let log = callerLogs.get(sandbox);
  if (!log) {
    log = [];
    callerLogs.set(sandbox, log);
  }
  log.push({ instanceId: instance.instanceId, at: now(sandbox.state), token, process: hit.process });
  if (log.length > CALLER_LIMIT) {
    log.splice(0, log.length - CALLER_LIMIT);
  }
}

/** The metadata reads of an instance's programs between `from` and `to` (sandbox time). */
export function metadataCallers(sandbox: SandboxHost, instanceId: string, from: number, to: number): MetadataCaller[] {
  return (callerLogs.get(sandbox) ?? []).filter((c) => c.instanceId === instanceId && c.at >= from && c.at <= to);
}

/**
 * OSS and IMDS share the port; a request signed for OSS, or sent to an OSS host, is never IMDS
 * even if its path starts with /latest/ (a bucket or key named "latest").
 */
function looksLikeOss(req: SandboxRequest): boolean {
  return (
    /\.aliyuncs\.com(:\d+)?$/i.test(header(req, 'host') ?? '') ||
    header(req, 'authorization') !== undefined ||
    req.query.has('OSSAccessKeyId') ||
    req.query.has('x-oss-credential')
  );
}

function actionOf(method: string, path: string): string {
  if (path === TOKEN_PATH) {
    return 'GetToken';
  }
  if (path === CREDENTIALS_PATH) {
    return 'ListRole';
  }
  if (path.startsWith(CREDENTIALS_PATH)) {
    return 'GetCredentials';
  }
  return method === 'GET' ? 'GetMetadata' : 'Unknown';
}

const text = (body: string, status = 200): SandboxResponse => ({
  status,
  headers: { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)) },
  body,
});

const notFound = () => new SandboxError('NotFound', 404, '404 - Not Found');

/** A MAC in Alibaba Cloud's OUI (00:16:3e), stable per instance. */
function macOf(instanceId: string): string {
  const h = createHash('sha256').update(instanceId).digest();
  return ['00', '16', '3e', ...[h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** A UUID-shaped serial number, stable per instance. */
function serialOf(instanceId: string): string {
  const h = createHash('sha256').update(`serial:${instanceId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Leaf values under /latest/meta-data/; `undefined` → 404 (e.g. vpc-id on a classic instance). */
function leaves(state: SandboxState, i: Instance): Record<string, string | undefined> {
  const vpc = state.vpcs.find((v) => v.vpcId === i.vpcId);
  const vsw = state.vswitches.find((v) => v.vSwitchId === i.vSwitchId);
  return {
    'instance-id': i.instanceId,
    'region-id': i.regionId,
    'zone-id': i.zoneId,
    hostname: i.hostName,
    'instance/instance-type': i.instanceType,
    'instance/instance-name': i.instanceName,
    'image-id': i.imageId,
    'owner-account-id': state.accountId,
    'network-type': i.networkType,
    'vpc-id': i.networkType === 'vpc' ? i.vpcId : undefined,
    'vswitch-id': i.networkType === 'vpc' ? i.vSwitchId : undefined,
    'vpc-cidr-block': i.networkType === 'vpc' ? vpc?.cidrBlock : undefined,
    'vswitch-cidr-block': i.networkType === 'vpc' ? vsw?.cidrBlock : undefined,
    'private-ipv4': i.privateIp,
    'public-ipv4': i.publicIp,
    // The sandbox models plain public IPs, not Elastic IPs.
    eipv4: undefined,
    mac: macOf(i.instanceId),
    'serial-number': serialOf(i.instanceId),
  };
}

/** Directory listing: names one per line, sub-directories with a trailing slash. */
function listing(names: string[], dir: string): string {
  const entries = new Set<string>();
  for (const n of names) {
    if (!n.startsWith(dir)) {
      continue;
    }
    const rest = n.slice(dir.length);
    const slash = rest.indexOf('/');
    entries.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...entries].sort().join('\n');
}

function issueToken(req: SandboxRequest, sandbox: SandboxHost, instance: Instance): SandboxResponse {
  if (req.method !== 'PUT') {
    throw new SandboxError('MethodNotAllowed', 405, '405 - Method Not Allowed');
  }
  // Tokens must not be obtainable through a proxy (SSRF protection, as on ECS).
  if (header(req, 'x-forwarded-for') !== undefined) {
    throw new SandboxError('Forbidden', 403, '403 - Forbidden');
  }
  const raw = header(req, 'x-aliyun-ecs-metadata-token-ttl-seconds');
  const ttl = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL)) {
    throw new SandboxError('BadRequest', 400, 'Missing or Invalid Parameters');
  }
  const store = tokensOf(sandbox);
  const t = now(sandbox.state);
  for (const [k, v] of store) {
    if (v.expiresAt <= t) {
      store.delete(k);
    }
  }
  const token = randomBytes(42).toString('base64url');
  store.set(token, { instanceId: instance.instanceId, expiresAt: t + ttl * 1000 });
  return text(token);
}

/** Hardened mode: a presented token must be valid for this instance; none at all only if optional. */
function checkToken(req: SandboxRequest, sandbox: SandboxHost, instance: Instance): void {
  const token = header(req, 'x-aliyun-ecs-metadata-token');
  if (token === undefined) {
    if (instance.httpTokens === 'required') {
      throw new SandboxError('Forbidden', 403, '403 - Forbidden');
    }
    return;
  }
  const record = tokensOf(sandbox).get(token);
  if (!record || record.instanceId !== instance.instanceId || record.expiresAt <= now(sandbox.state)) {
    throw new SandboxError('Unauthorized', 401, '401 - Unauthorized');
  }
}

/** The JSON ECS serves for a role, laid out as the docs show it. */
function credentialsDocument(state: SandboxState, instance: Instance): string {
  // A role deleted in RAM keeps being served until that reaches the instance (propagation.ts).
  if (!visibleRole(state, instance.ramRoleName ?? '')) {
    throw notFound();
  }
  const s = instanceSession(state, instance);
  if (!s) {
    throw notFound();
  }
  const fields: Array<[string, string]> = [
    ['AccessKeyId', s.accessKeyId],
    ['AccessKeySecret', s.accessKeySecret],
    ['Expiration', isoSeconds(s.expiresAt)],
    ['SecurityToken', s.securityToken],
    ['LastUpdated', isoSeconds(s.issuedAt)],
    ['Code', 'Success'],
  ];
  return `{\n${fields.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(',\n')}\n}`;
}

function metadata(requested: string, state: SandboxState, instance: Instance): SandboxResponse {
  // Alibaba's Go metadata client and ossutil's ECS-role docs ask for `…/meta-data/Ram/…`; the ECS
  // docs write `ram`. No page says which the service accepts, so both (docs/SANDBOX.md, guesses).
  const path = requested.replace(/^\/latest\/meta-data\/Ram(?=\/|$)/, '/latest/meta-data/ram');
  if (path === '/latest' || path === '/latest/') {
    return text('meta-data/');
  }
  if (path.startsWith(CREDENTIALS_PATH) || path === CREDENTIALS_PATH.slice(0, -1)) {
    const role = path.slice(CREDENTIALS_PATH.length);
    if (!instance.ramRoleName) {
      throw notFound();
    }
    if (role === '') {
      return text(instance.ramRoleName);
    }
    if (role !== instance.ramRoleName) {
      throw notFound();
    }
    return text(credentialsDocument(state, instance));
  }
  const prefix = '/latest/meta-data';
  if (path !== prefix && !path.startsWith(`${prefix}/`)) {
    throw notFound();
  }
  const rel = path.slice(prefix.length + 1);
  const values = leaves(state, instance);
  const present = Object.keys(values).filter((k) => values[k] !== undefined);
  const names = [...present, ...(instance.ramRoleName ? ['ram/security-credentials/'] : [])];
  if (rel === '' || rel.endsWith('/')) {
    const body = listing(names, rel);
    if (!body) {
      throw notFound();
    }
    return text(body);
  }
  const value = values[rel];
  if (value === undefined) {
    if (names.some((n) => n.startsWith(`${rel}/`))) {
      return text(listing(names, `${rel}/`));
    }
    throw notFound();
  }
  return text(value);
}

function handle(req: SandboxRequest, sandbox: SandboxHost): SandboxResponse {
  const m = PATH.exec(req.rawPath)!;
  const instanceId = m[1] ?? sandbox.options.defaultImdsInstance;
  const instance = instanceId ? sandbox.state.instances.get(instanceId) : undefined;
  if (!instance) {
    throw notFound();
  }
  settleInstances(sandbox.state);
  if (instance.httpEndpoint === 'disabled' || instance.status !== 'Running') {
    return { status: 0, destroy: true };
  }
  const path = m[2];
  if (path === TOKEN_PATH) {
    recordCaller(req, sandbox, instance, true);
    return issueToken(req, sandbox, instance);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new SandboxError('MethodNotAllowed', 405, '405 - Method Not Allowed');
  }
  recordCaller(req, sandbox, instance, header(req, 'x-aliyun-ecs-metadata-token') !== undefined);
  checkToken(req, sandbox, instance);
  return metadata(path, sandbox.state, instance);
}

export const imdsService: ServiceModule = {
  match(req) {
    const m = PATH.exec(req.rawPath);
    if (!m || looksLikeOss(req)) {
      return undefined;
    }
    return { service: 'imds', action: actionOf(req.method, m[2]) };
  },
  handle,
  errorResponse(err) {
    // The metadata server answers errors with a bare HTML status page, not JSON or XML.
    const title = err.message;
    const body = `<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`;
    return {
      status: err.status,
      headers: { 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)) },
      body,
    };
  },
};
