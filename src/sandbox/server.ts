/**
 * The local Alibaba Cloud: one HTTP server on loopback that routes each request to the service it
 * belongs to — RPC (RAM, ECS, STS) by its x-acs-action/Action, IMDS by path, OSS otherwise — after
 * applying any injected faults. In-process for tests (`startSandbox()`), a CLI for users (main.ts).
 *
 * It answers only its own user: requests from a web page (a foreign Origin) or through a name that
 * is neither loopback nor an Alibaba Cloud host (DNS rebinding) are refused, and the control routes
 * (/__sandbox/*) need the random token of this run.
 */
import { startInstanceService, stopInstanceServices } from './rpc/instanceServices';
import { isUnitName, metadataAppArgv, type MetadataAppMode } from './rpc/metadataApp';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SandboxError } from './core/errors';
import { Faults, THROTTLING, type FaultRule, type SandboxService } from './core/faults';
import { header, requestId, type SandboxRequest, type SandboxResponse } from './core/http';
import { imdsService } from './rpc/imds';
import { ossService } from './oss/api';
import { parseOssAuth, parseQuery } from './oss/signature';
import { rpcService } from './rpc/gateway';
import { closeSessions, parseInstancePort, sessionRelay } from './rpc/sessionRelay';
import { sessionBook } from './rpc/terminalSessions';
import { parseFormPairs } from './rpc/signature';
import { bindRealism, resolveRealism, type Realism, type RealismOptions } from './core/realism';
import { randomSecret, seedDemoAccount, DEMO } from './seed/demo';
import { seedRoleActivity } from './seed/activity';
import { seedLargeAccount } from './seed/large';
import type { ServiceModule } from './core/service';
import { emptyState, loadState, saveState, wallNow, type SandboxState } from './core/state';

export interface RequestLogEntry {
  service: SandboxService;
  action: string;
  status: number;
  /** The AccessKey ID the request was signed with (as it names it; a refused signature keeps its 4xx status). */
  accessKeyId?: string;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** JSON file to load from (if present) and save to after every mutating request. */
  statePath?: string;
  /** Start from an empty account instead of the demo seed. */
  empty?: boolean;
  /** Instance whose IMDS answers on the bare /latest/ path (others: /imds/<instanceId>/latest/). */
  defaultImdsInstance?: string;
  /** Every realistic behaviour off (realism.ts INSTANT): what the test helpers use. Default: realistic. */
  instant?: boolean;
  /** Per-behaviour settings on top of REALISTIC (or INSTANT with `instant`), e.g. { propagationMs: 300 }. */
  realism?: RealismOptions;
  /** The sandbox's wall clock runs this many ms ahead of (+) or behind (−) the host's. */
  clockSkewMs?: number;
  /** The token /__sandbox/* requires (header x-sandbox-token); default: random per run. */
  controlToken?: string;
  /** How many requests the log keeps (default REQUEST_LOG_LIMIT). */
  requestLogLimit?: number;
  /**
   * Which account to seed: the demo one (default), `large` (seedLarge.ts: a company-sized account,
   * made lazily) or `activity` (demo plus the right-sizing role with its history, seed/activity.ts).
   */
  seed?: 'demo' | 'large' | 'activity';
  /** Every request (control routes aside) is answered this many ms late: a network round trip. */
  latencyMs?: number;
  /**
   * Session Manager targets: `<instanceId>:<port>=127.0.0.1:<localPort>` each (also
   * `<VPC address>:<port>=…` for StartTerminalSession's TargetServer).
   */
  instancePorts?: string[];
}

export interface SandboxInfo {
  port: number;
  /** host:port for the RPC SDKs' `endpoint` (with protocol 'http'). */
  endpoint: string;
  url: string;
  accountId: string;
  /** Root AccessKey of the demo account. */
  accessKeyId: string;
  accessKeySecret: string;
  /** The demo sub-account's AccessKey (absent in an account without it, e.g. --empty). */
  subAccount?: { userName: string; accessKeyId: string; accessKeySecret: string };
  /** Send as `x-sandbox-token` to reach /__sandbox/* (faults, clock, request log, info). */
  controlToken: string;
  imdsUrl(instanceId?: string): string;
}

/** The header that carries the control token. */
export const CONTROL_TOKEN_HEADER = 'x-sandbox-token';

/**
 * Request body caps. The sandbox keeps everything in memory, so it stops far below OSS's own
 * limits (PutObject and UploadPart take up to 5 GB): 64 MiB per OSS request, four times the
 * product's 16 MiB multipart threshold. RPC parameters travel in the URL; 1 MiB of form body is
 * far more than any RAM/ECS/STS action takes.
 */
export const OSS_BODY_LIMIT = 64 * 1024 * 1024;
export const RPC_BODY_LIMIT = 1024 * 1024;
/** The request log keeps the latest entries only, so a long-running sandbox does not grow without bound. */
export const REQUEST_LOG_LIMIT = 10_000;

/** `*.localhost` is loopback by definition (RFC 6761); the sandbox serves `<bucket>.localhost` as an OSS CNAME. */
const isLoopbackName = (host: string) => /^((.+\.)?localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(host);
/** Host header without the port; IPv6 literals keep their brackets. */
const hostName = (hostHeader: string) => hostHeader.replace(/:\d+$/, '').toLowerCase();

const services: ServiceModule[] = [imdsService, rpcService, ossService];

export class Sandbox {
  readonly faults = new Faults();
  /** The latest requests (REQUEST_LOG_LIMIT by default), oldest first. */
  readonly requests: RequestLogEntry[] = [];
  readonly controlToken: string;
  private server?: http.Server;
  private port = 0;

  /** The behaviours in effect; change them with setRealism(). */
  readonly realism: Realism;
  /** Injected round-trip time of every request (SandboxOptions.latencyMs; control route `latency`). */
  latencyMs: number;
  /** Requests being answered right now, per service and per service in a region ('ecs cn-hangzhou'), for `inFlight` throttling rules. */
  private readonly inFlight = new Map<string, number>();
  /** Session Manager: where each instance port leads (options.instancePorts, control route `instance-port`). */
  readonly instancePorts = new Map<string, number>();
  private readonly relay = sessionRelay(this);

  constructor(
    public state: SandboxState,
    readonly options: SandboxOptions = {},
  ) {
    this.controlToken = options.controlToken ?? randomBytes(32).toString('base64url');
    this.realism = resolveRealism(options.instant, options.realism);
    bindRealism(state, this.realism);
    state.clockSkewMs = options.clockSkewMs ?? 0;
    this.latencyMs = options.latencyMs ?? 0;
    for (const m of options.instancePorts ?? []) {
      const { key, localPort } = parseInstancePort(m);
      this.instancePorts.set(key, localPort);
    }
  }

  /** The SSH host key the instance's Cloud Assistant reports (`ssh-ed25519 AAAA…`). */
  setInstanceHostKey(instanceId: string, publicKey: string): void {
    const line = publicKey.trim().split(/\s+/).slice(0, 2).join(' ');
    if (!/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}$/.test(line)) {
      throw new Error('hostKey is not an OpenSSH public key line');
    }
    sessionBook(this.state).hostKeys.set(instanceId, [line]);
  }

  endpoint(): string {
    return `${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  /** Changes behaviours of a running sandbox (tests, the control endpoint). */
  setRealism(patch: RealismOptions): Realism {
    Object.assign(this.realism, patch, {
      lifecycle: { ...this.realism.lifecycle, ...patch.lifecycle },
      commands: { ...this.realism.commands, ...patch.commands },
      sessions: { ...this.realism.sessions, ...patch.sessions },
    });
    return this.realism;
  }

  get info(): SandboxInfo {
    const host = this.options.host ?? '127.0.0.1';
    const endpoint = `${host}:${this.port}`;
    const root = [...this.state.accessKeys.values()].find((k) => k.owner.kind === 'root');
    const sub = this.state.accessKeys.get(DEMO.subAccessKeyId);
    return {
      port: this.port,
      endpoint,
      url: `http://${endpoint}`,
      accountId: this.state.accountId,
      accessKeyId: root?.accessKeyId ?? '',
      accessKeySecret: root?.accessKeySecret ?? '',
      controlToken: this.controlToken,
      ...(sub?.owner.kind === 'user'
        ? {
            subAccount: {
              userName: sub.owner.userName,
              accessKeyId: sub.accessKeyId,
              accessKeySecret: sub.accessKeySecret,
            },
          }
        : {}),
      imdsUrl: (instanceId?: string) => (instanceId ? `http://${endpoint}/imds/${instanceId}` : `http://${endpoint}`),
    };
  }

  /** Moves the sandbox clock (credential expiry, rotation) without waiting. */
  advanceClock(ms: number): void {
    this.state.clockOffsetMs += ms;
  }

  /** Sets how far the sandbox's wall clock (Date headers, request-time checks) is off the host's. */
  setClockSkew(ms: number): void {
    this.state.clockSkewMs = ms;
  }

  persist(): void {
    if (this.options.statePath) {
      saveState(this.state, this.options.statePath);
    }
  }

  async listen(): Promise<SandboxInfo> {
    // RPC SDKs put every parameter (policy documents included) in the URL: allow long request lines.
    this.server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
      void this.onRequest(req, res);
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const refused = this.refuseForeign({
        method: 'GET',
        rawPath: '/session',
        rawQuery: '',
        query: new URLSearchParams(),
        headers: req.headers,
        body: Buffer.alloc(0),
      });
      if (refused) {
        socket.end(`HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n${String(refused.body)}`);
        return;
      }
      this.relay.handleUpgrade(req, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.info;
  }

  /**
   * Runs `argv` on a sandbox instance as systemd service `unit` (tests: programs whose metadata
   * reads the probe can find). It gets the instance's metadata base in SANDBOX_IMDS_URL.
   */
  runOnInstance(instanceId: string, unit: string, argv: string[], env: Record<string, string> = {}): number {
    const s = startInstanceService(this, this.info.imdsUrl(instanceId), { instanceId, unit, argv, env });
    return s.child?.pid ?? 0;
  }

  /**
   * Runs the sandbox's own metadata reader (rpc/metadataApp.ts) on an instance as service `unit`:
   * `normal` reads without a token, `token` with one. What the control route `instance-app` starts.
   */
  runMetadataApp(instanceId: string, unit: string, mode: MetadataAppMode): number {
    return this.runOnInstance(instanceId, unit, metadataAppArgv(mode));
  }

  async close(): Promise<void> {
    stopInstanceServices(this);
    const s = this.server;
    if (!s) {
      return;
    }
    this.server = undefined;
    this.relay.close();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Dispatches one parsed request; exposed so benchmarks can skip the socket. */
  async dispatch(req: SandboxRequest): Promise<SandboxResponse> {
    const refused = this.refuseForeign(req);
    if (refused) {
      return refused;
    }
    if (req.rawPath.startsWith('/__sandbox/')) {
      return this.control(req);
    }
    const mod = serviceOf(req);
    if (!mod) {
      return { status: 404, body: 'no sandbox service for this request' };
    }
    const { service, action, region } = mod.match(req)!;
    let res: SandboxResponse;
    const counted = [service, `${service} ${region ?? ''}`];
    for (const k of counted) {
      this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    }
    try {
      // The round trip counts as in flight, so a concurrency limit sees what a real gateway would.
      const latency = this.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.latencyMs)) : undefined;
      try {
        res = (await this.applyFaults(service, action, counted)) ?? (await mod.handle(req, this));
        await latency;
      } catch (e) {
        await latency;
        const err =
          e instanceof SandboxError
            ? e
            : new SandboxError(
                'InternalError',
                500,
                `The request processing has failed due to some unknown error. ${(e as Error).message}`,
              );
        res = mod.errorResponse(err, req);
      }
    } finally {
      for (const k of counted) {
        this.inFlight.set(k, this.inFlight.get(k)! - 1);
      }
    }
    this.log({ service, action, status: res.status, accessKeyId: signerOf(req, mod) });
    return res;
  }

  private log(entry: RequestLogEntry): void {
    this.requests.push(entry);
    const limit = this.options.requestLogLimit ?? REQUEST_LOG_LIMIT;
    if (this.requests.length > limit) {
      this.requests.splice(0, this.requests.length - limit);
    }
  }

  /**
   * A browser page may send requests here (fetch, forms, images) but cannot hide its Origin, and a
   * DNS-rebinding page reaches us under its own host name. Native clients (SDKs, curl) send no
   * Origin and use loopback or the Alibaba Cloud names the sandbox serves (OSS virtual hosts).
   */
  private refuseForeign(req: SandboxRequest): SandboxResponse | undefined {
    const refuse = (why: string): SandboxResponse => ({
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `sandbox: ${why}\n`,
    });
    const origin = header(req, 'origin');
    if (origin !== undefined) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).hostname;
      } catch {
        originHost = undefined;
      }
      if (!originHost || !isLoopbackName(originHost)) {
        return refuse('requests from web pages other than loopback ones are refused');
      }
    }
    // An <img>, a navigation or a no-cors fetch sends no Origin, but a browser marks it with fetch
    // metadata (https://www.w3.org/TR/fetch-metadata/): a request another site started, or one
    // whose answer the page never reads, is a page acting, never this sandbox's user.
    const site = header(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'none' && site !== 'same-origin') {
      return refuse(`requests a web page started (Sec-Fetch-Site: ${site}) are refused`);
    }
    const mode = header(req, 'sec-fetch-mode');
    // One navigation is the user's own: opening a presigned OSS URL (the extension copies it) from
    // the address bar or another program (Sec-Fetch-Site: none). The query carries the signature,
    // so only someone holding that URL can make the request.
    const openedPresignedUrl =
      mode === 'navigate' &&
      site === 'none' &&
      (req.method === 'GET' || req.method === 'HEAD') &&
      (req.query.has('OSSAccessKeyId') || req.query.has('x-oss-credential'));
    if ((mode === 'no-cors' || mode === 'navigate') && !openedPresignedUrl) {
      return refuse(`browser requests in mode ${mode} are refused`);
    }
    const host = hostName(header(req, 'host') ?? '');
    // 100.100.100.200: the metadata address, as code on an instance writes it (an IP, so no page
    // can rebind a name to it).
    const served =
      isLoopbackName(host) ||
      host.endsWith('.aliyuncs.com') ||
      host === '100.100.100.200' ||
      (!!this.options.host && host === this.options.host.toLowerCase());
    return served ? undefined : refuse('this Host is neither loopback nor an Alibaba Cloud name the sandbox serves');
  }

  private async applyFaults(
    service: SandboxService,
    action: string,
    [all, inRegion]: string[],
  ): Promise<SandboxResponse | undefined> {
    const rules = this.faults.take(
      service,
      action,
      wallNow(this.state),
      this.inFlight.get(all) ?? 0,
      this.inFlight.get(inRegion) ?? 0,
    );
    for (const rule of rules) {
      switch (rule.kind) {
        case 'delay':
          await new Promise((r) => setTimeout(r, rule.delayMs ?? 1000));
          break;
        case 'down':
          return { status: 0, destroy: true };
        case 'throttle': {
          // OSS documents its QPS refusal only by EC 0004-00000302, without a code; SlowDown (503,
          // the S3-compatible code) is our choice.
          if (service === 'oss') {
            throw new SandboxError('SlowDown', 503, 'Please reduce your request rate.', { EC: '0004-00000302' });
          }
          const code = rule.code && rule.code in THROTTLING ? rule.code : 'Throttling.User';
          throw new SandboxError(code, THROTTLING[code].status, THROTTLING[code].message);
        }
        case 'error5xx':
          if (rule.emptyBody) {
            // OSS names its request id header x-oss-request-id; the POP gateway x-acs-request-id.
            const id = rule.requestId ?? requestId();
            const ids: Record<string, string> =
              service === 'oss' ? { 'x-acs-request-id': '', 'x-oss-request-id': id } : { 'x-acs-request-id': id };
            return { status: rule.status ?? 500, headers: { ...ids, 'content-length': '0' }, body: '' };
          }
          throw new SandboxError(
            rule.status === 503 ? 'ServiceUnavailable' : 'InternalError',
            rule.status ?? 500,
            'The request processing has failed due to some unknown error, exception or failure.',
          );
      }
    }
    return undefined;
  }

  /** Out-of-process control for benchmarks, the e2e harness and users: faults, clock, info. */
  private control(req: SandboxRequest): SandboxResponse {
    const json = (v: unknown, status = 200): SandboxResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(v),
    });
    const given = Buffer.from(header(req, CONTROL_TOKEN_HEADER) ?? '');
    const expected = Buffer.from(this.controlToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return json(
        {
          error: `the control routes need this run's token in the ${CONTROL_TOKEN_HEADER} header (printed at start as controlToken)`,
        },
        401,
      );
    }
    const what = req.rawPath.slice('/__sandbox/'.length);
    let body: Record<string, unknown>;
    try {
      body = req.body.length ? (JSON.parse(req.body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return json({ error: 'the body is not JSON' }, 400);
    }
    if (what === 'faults' && req.method === 'POST') {
      this.faults.add(body as unknown as FaultRule);
      return json({ faults: this.faults.list() });
    }
    if (what === 'faults' && req.method === 'DELETE') {
      this.faults.clear();
      return json({ faults: [] });
    }
    if (what === 'faults') {
      return json({ faults: this.faults.list() });
    }
    if (what === 'clock' && req.method === 'POST') {
      this.advanceClock(Number(body.advanceMs ?? 0));
      if (body.skewMs !== undefined) {
        this.setClockSkew(Number(body.skewMs));
      }
      return json({ clockOffsetMs: this.state.clockOffsetMs, clockSkewMs: this.state.clockSkewMs });
    }
    if (what === 'realism' && req.method === 'POST') {
      return json(this.setRealism(body as RealismOptions));
    }
    if (what === 'realism') {
      return json(this.realism);
    }
    if (what === 'requests') {
      return json({ requests: this.requests });
    }
    if (what === 'latency' && req.method === 'POST') {
      this.latencyMs = Math.max(0, Number(body.ms ?? 0));
      return json({ latencyMs: this.latencyMs });
    }
    if (what === 'instance-port' && req.method === 'POST') {
      try {
        const { key, localPort } = parseInstancePort(String(body.map ?? ''));
        this.instancePorts.set(key, localPort);
        if (typeof body.hostKey === 'string') {
          this.setInstanceHostKey(key.replace(/:\d+$/, ''), body.hostKey);
        }
      } catch (e) {
        return json({ error: (e as Error).message }, 400);
      }
      return json({ instancePorts: Object.fromEntries(this.instancePorts) });
    }
    if (what === 'instance-app' && req.method === 'POST') {
      // Only the sandbox's own metadata reader: the request names no program.
      const instanceId = String(body.instanceId ?? '');
      const unit = String(body.unit ?? '');
      if (!this.state.instances.has(instanceId)) {
        return json({ error: `no instance ${instanceId}` }, 404);
      }
      if (!isUnitName(unit) || (body.mode !== 'normal' && body.mode !== 'token')) {
        return json({ error: 'unit must be a systemd service name (x.service) and mode "normal" or "token"' }, 400);
      }
      return json({ instanceId, unit, pid: this.runMetadataApp(instanceId, unit, body.mode) });
    }
    if (what === 'instance-app' && req.method === 'DELETE') {
      stopInstanceServices(this);
      return json({ stopped: true });
    }
    if (what === 'session-close' && req.method === 'POST') {
      const closed = closeSessions(this.state, String(body.reason ?? 'Exit'), {
        sessionId: body.sessionId === undefined ? undefined : String(body.sessionId),
        instanceId: body.instanceId === undefined ? undefined : String(body.instanceId),
      });
      return json({ closed });
    }
    if (what === 'info') {
      // Deliberately no secrets here: the CLI prints those once, at start.
      const { port, endpoint, url, accountId } = this.info;
      return json({ port, endpoint, url, accountId });
    }
    return json({ error: 'unknown control path' }, 404);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const parsed: SandboxRequest = {
      method: req.method ?? 'GET',
      rawPath: q < 0 ? rawUrl : rawUrl.slice(0, q),
      rawQuery: q < 0 ? '' : rawUrl.slice(q + 1),
      query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
      headers: req.headers,
      body: Buffer.alloc(0),
      remoteAddress: req.socket.remoteAddress,
      remotePort: req.socket.remotePort,
      localPort: req.socket.localPort,
    };
    let out: SandboxResponse | undefined = this.refuseForeign(parsed);
    if (!out) {
      let body: Buffer | undefined;
      try {
        body = await readBounded(req, bodyLimit(parsed));
      } catch {
        return;
      } // the client went away
      if (body) {
        parsed.body = body;
      } else {
        out = tooLarge(parsed);
      }
    }
    if (out) {
      // Refused before the body was read: read and drop the rest, so the client gets the answer
      // instead of a reset, and do not keep the connection.
      send(res, out.status, { 'x-acs-request-id': requestId(), ...out.headers, connection: 'close' }, out.body);
      req.resume();
      return;
    }
    try {
      out = await this.dispatch(parsed);
    } catch (e) {
      out = { status: 500, body: String((e as Error).message) };
    }
    if (out.destroy) {
      req.socket.destroy();
      return;
    }
    // Every answer is dated by the sandbox's wall clock, so clients can learn a configured skew.
    const headers: Record<string, string> = {
      'x-acs-request-id': requestId(),
      date: new Date(wallNow(this.state)).toUTCString(),
      ...out.headers,
    };
    // An empty value drops a default header: a fault answering as a proxy would, without a request id.
    for (const [k, v] of Object.entries(headers)) {
      if (v === '') {
        delete headers[k];
      }
    }
    send(res, out.status, headers, out.body);
    const last = this.requests[this.requests.length - 1];
    if (out.status < 400 && last && !/^(Get|List|Describe|Head)/.test(last.action) && last.service !== 'imds') {
      this.persist();
    }
  }
}

/** The AccessKey ID a request names: RPC ACS3 (Credential=) or V1 (AccessKeyId), OSS V1/V4 headers or presigned URLs. */
function signerOf(req: SandboxRequest, mod: ServiceModule): string | undefined {
  try {
    if (mod === ossService) {
      return parseOssAuth(req, parseQuery(req.rawQuery))?.accessKeyId;
    }
    if (mod !== rpcService) {
      return undefined;
    }
    const acs3 = /^ACS3-\S+ .*?\bCredential=([^,\s]+)/.exec(header(req, 'authorization') ?? '');
    if (acs3) {
      return acs3[1];
    }
    const form = (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
      ? parseFormPairs(req.body.toString('utf8'))
      : undefined;
    return parseFormPairs(req.rawQuery).get('AccessKeyId') ?? form?.get('AccessKeyId');
  } catch {
    return undefined; // malformed signing material: the service answered it already
  }
}

function serviceOf(req: SandboxRequest): ServiceModule | undefined {
  return services.find((m) => m.match(req));
}

/** The service a request is for, told apart before its body is read: a form body is RPC (V1 parameters). */
function serviceBeforeBody(req: SandboxRequest): ServiceModule | undefined {
  if ((header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return rpcService;
  }
  return serviceOf({ ...req }); // a copy: RPC caches what it parsed per request object
}

function bodyLimit(req: SandboxRequest): number {
  return serviceBeforeBody(req) === ossService ? OSS_BODY_LIMIT : RPC_BODY_LIMIT;
}

/**
 * The body, or undefined once it passes `limit`. Past the limit the rest is read and dropped (not
 * kept, and the stream is not destroyed), so the client still gets the 413.
 */
function readBounded(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) {
        chunks.push(c);
        return;
      }
      chunks.length = 0;
      req.off('data', onData);
      req.resume();
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size <= limit) {
        resolve(Buffer.concat(chunks));
      }
    });
    req.once('error', reject);
  });
}

/**
 * 413 in the shape of the service the request is for. OSS documents EntityTooLarge ("Your
 * proposed upload exceeds the maximum allowed size."); the RPC gateway documents no code for an
 * oversized body, so this is the closest documented one, API Gateway's I413RL "Request body too Large".
 */
function tooLarge(req: SandboxRequest): SandboxResponse {
  const mod = serviceBeforeBody(req);
  if (mod === ossService) {
    return ossService.errorResponse(
      new SandboxError('EntityTooLarge', 413, 'Your proposed upload exceeds the maximum allowed size.'),
      req,
    );
  }
  if (mod === rpcService) {
    return rpcService.errorResponse(new SandboxError('I413RL', 413, 'Request body too Large'), req);
  }
  return { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Request body too Large\n' };
}

/**
 * State files written before the demo secrets were random hold the secrets the docs once published
 * (`sbxRootSecretDoNotUse…`): anyone could sign with those, so they are replaced (and the file saved).
 */
function replacePublishedSecrets(state: SandboxState): boolean {
  let replaced = false;
  for (const key of state.accessKeys.values()) {
    if (/^sbx(Root|Alice)SecretDoNotUse\d+$/.test(key.accessKeySecret)) {
      key.accessKeySecret = randomSecret();
      replaced = true;
    }
  }
  return replaced;
}

/** Starts a sandbox on an ephemeral loopback port (tests) or the given one (CLI). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const loaded = options.statePath ? loadState(options.statePath) : undefined;
  const replaced = loaded ? replacePublishedSecrets(loaded) : false;
  // A file written by an older sandbox may be readable by others; it holds secrets.
  if (loaded && options.statePath) {
    fs.chmodSync(options.statePath, 0o600);
  }
  const large = resolveRealism(options.instant, options.realism).largeCatalogues;
  // A new state file gets secrets of its own (kept in the file); in memory, this process's (DEMO).
  const secrets = options.statePath ? { root: randomSecret(), sub: randomSecret() } : undefined;
  const demo = () => seedDemoAccount(emptyState(), { largeCatalogues: large, secrets });
  const seeded = () =>
    options.seed === 'large'
      ? seedLargeAccount(demo())
      : options.seed === 'activity'
        ? seedRoleActivity(demo())
        : demo();
  const state = loaded ?? (options.empty ? emptyState() : seeded());
  const sandbox = new Sandbox(state, { defaultImdsInstance: DEMO.vpcInstanceId, ...options });
  // Written at once, so a restart before the first change finds the same secrets.
  if (!loaded || replaced) {
    sandbox.persist();
  }
  await sandbox.listen();
  return sandbox;
}

function send(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: SandboxResponse['body'],
) {
  if (!Array.isArray(body)) {
    res.writeHead(status, headers);
    res.end(body);
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': String(body.reduce((n, b) => n + b.length, 0)) });
  // One writev of all the pieces (end uncorks).
  res.cork();
  for (const b of body) {
    res.write(b);
  }
  res.end();
}
