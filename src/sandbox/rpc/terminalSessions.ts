/**
 * ECS Session Manager: StartTerminalSession, EndTerminalSession, DescribeTerminalSessions and the
 * account switch (DescribeCloudAssistantSettings / ModifyCloudAssistantSettings,
 * SessionManagerConfig). The WebSocket side, where the sessions are used, is sessionRelay.ts.
 *
 * Facts, from the API references (help.aliyun.com "StartTerminalSession", document_detail/365660;
 * "DescribeTerminalSessions - 查看Session Manager会话历史记录"; "DescribeCloudAssistantSettings"):
 * the instance must be Running with a Cloud Assistant agent (≥ 2.2.3.256 on Linux); the
 * WebSocketUrl is valid for 10 minutes; at most 20 connected sessions per instance; a session with
 * no data for 3 minutes is closed; about 200 KB/s per session; TCP port forwarding only. The
 * WebSocketUrl carries the SessionId and the SecurityToken (the lightweight-server variant of the
 * API says so; the official client also sends the token as `x-acs-session-token`).
 * DescribeTerminalSessions lists Sessions.Session[] with Connections.Connection[] (Status
 * Connecting | Connected | Terminated | Failed, ClosedReason, FailedDetail).
 */
import { randomBytes } from 'node:crypto';
import { SandboxError } from '../core/errors';
import { isoSeconds, now, type SandboxState } from '../core/state';
import type { RpcAction, RpcBody, RpcContext } from './product';

export type ConnectionStatus = 'Connecting' | 'Connected' | 'Terminated' | 'Failed';

export interface TerminalConnection {
  status: ConnectionStatus;
  startTime: number;
  endTime?: number;
  closedReason?: string;
  failedDetail?: string;
  clientIp?: string;
}

export interface TerminalSession {
  sessionId: string;
  securityToken: string;
  instanceId: string;
  regionId: string;
  portNumber?: number;
  targetServer?: string;
  username?: string;
  principalId: string;
  identityType: string;
  createdAt: number;
  /** The WebSocketUrl is refused after this (10 minutes after StartTerminalSession). */
  urlExpiresAt: number;
  ended: boolean;
  connections: TerminalConnection[];
}

interface SessionBook {
  sessionManagerEnabled: boolean;
  sessions: Map<string, TerminalSession>;
  /** The public host keys of the SSH server behind each instance (what /etc/ssh/ssh_host_*.pub would hold). */
  hostKeys: Map<string, string[]>;
  /** Keys sent with ACS-ECS-SendSshPublicKey, per instance: kept 60 s (sandbox clock), never in authorized_keys. */
  tempKeys: Map<string, Array<{ username: string; publicKey: string; expiresAt: number }>>;
  /** Instances where the config_ecs_instance_connect plug-in was installed (none at first). */
  connectPlugin: Set<string>;
  /** VS Code servers the extension's pre-staging script downloaded: `instance/user/commit`. */
  stagedServers: Set<string>;
}

/** Sessions live in memory only: a restarted sandbox, like a restarted service, has none open. */
const books = new WeakMap<SandboxState, SessionBook>();

export function sessionBook(state: SandboxState): SessionBook {
  let b = books.get(state);
  if (!b) {
    // Session Manager is off in a new account until someone turns it on.
    b = {
      sessionManagerEnabled: false,
      sessions: new Map(),
      hostKeys: new Map(),
      tempKeys: new Map(),
      connectPlugin: new Set(),
      stagedServers: new Set(),
    };
    books.set(state, b);
  }
  return b;
}

export const URL_TTL_MS = 10 * 60_000;

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);

function region(ctx: RpcContext): string {
  const id = ctx.params.required('RegionId');
  if (!ctx.state.regions.some((r) => r.regionId === id)) {
    throw err('InvalidRegionId.NotFound', 404, 'The specified RegionId does not exist.');
  }
  return id;
}

function startTerminalSession(ctx: RpcContext): RpcBody {
  const regionId = region(ctx);
  const ids = ctx.params.list('InstanceId');
  if (!ids.length) {
    ctx.params.required('InstanceId.1');
  }
  if (ids.length > 10) {
    throw err('InvalidParameter.InstanceId', 400, 'The number of specified instances exceeds the limit of 10.');
  }
  const book = sessionBook(ctx.state);
  if (!book.sessionManagerEnabled) {
    throw err(
      'SessionManager.Disabled',
      403,
      'Session Manager is not enabled for this account. Enable it with ModifyCloudAssistantSettings.',
    );
  }
  const instanceId = ids[0];
  const instance = ctx.state.instances.get(instanceId);
  if (!instance || instance.regionId !== regionId) {
    throw err('InvalidInstance.NotFound', 404, 'The specified instance does not exist.');
  }
  const portNumber = ctx.params.int('PortNumber', { min: 1, max: 65535 });
  const targetServer = ctx.params.str('TargetServer');
  if (targetServer !== undefined && portNumber === undefined) {
    throw err('MissingParameter.PortNumber', 400, 'PortNumber is required when TargetServer is specified.');
  }
  const p = ctx.principal;
  const session: TerminalSession = {
    sessionId: `s-${randomBytes(10).toString('hex')}`,
    securityToken: randomBytes(24).toString('base64url'),
    instanceId,
    regionId,
    portNumber,
    targetServer,
    username: ctx.params.str('Username'),
    principalId: p.kind === 'root' ? p.accountId : p.kind === 'user' ? p.userName : `${p.roleName}:${p.sessionName}`,
    identityType: p.kind === 'root' ? 'Account' : p.kind === 'user' ? 'RamUser' : 'AssumedRoleUser',
    createdAt: ctx.now(),
    urlExpiresAt: ctx.now() + URL_TTL_MS,
    ended: false,
    connections: [],
  };
  book.sessions.set(session.sessionId, session);
  const url = `ws://${ctx.sandbox.endpoint?.() ?? '127.0.0.1'}/session?sessionId=${session.sessionId}&token=${session.securityToken}`;
  return { SessionId: session.sessionId, SecurityToken: session.securityToken, WebSocketUrl: url };
}

/** Set by the relay: closes the live connections of an ended session. */
export const sessionHooks: { onEnd?: (state: SandboxState, s: TerminalSession, reason: string) => void } = {};

function endTerminalSession(ctx: RpcContext): RpcBody {
  region(ctx);
  const s = sessionBook(ctx.state).sessions.get(ctx.params.required('SessionId'));
  if (!s) {
    throw err('InvalidSessionId.NotFound', 404, 'The specified session does not exist.');
  }
  s.ended = true;
  sessionHooks.onEnd?.(ctx.state, s, 'Exit');
  return {};
}

function describeTerminalSessions(ctx: RpcContext): RpcBody {
  const regionId = region(ctx);
  const instanceId = ctx.params.str('InstanceId');
  const sessionId = ctx.params.str('SessionId');
  const max = ctx.params.int('MaxResults', { min: 1, max: 100 }) ?? 10;
  const all = [...sessionBook(ctx.state).sessions.values()]
    .filter(
      (s) =>
        s.regionId === regionId &&
        (!instanceId || s.instanceId === instanceId) &&
        (!sessionId || s.sessionId === sessionId),
    )
    .sort((a, b) => b.createdAt - a.createdAt);
  const start = Number(ctx.params.str('NextToken') ?? '0') || 0;
  const page = all.slice(start, start + max);
  return {
    NextToken: start + max < all.length ? String(start + max) : '',
    Sessions: {
      Session: page.map((s) => ({
        SessionId: s.sessionId,
        CreationTime: isoSeconds(s.createdAt),
        PortNumber: s.portNumber,
        TargetServer: s.targetServer ?? '',
        Username: s.username ?? '',
        PrincipalId: s.principalId,
        IdentityType: s.identityType,
        ClientIP: '127.0.0.1',
        Connections: {
          Connection: s.connections.map((c) => ({
            InstanceId: s.instanceId,
            Status: c.status,
            StartTime: isoSeconds(c.startTime),
            EndTime: c.endTime ? isoSeconds(c.endTime) : '',
            ClosedReason: c.closedReason ?? '',
            FailedDetail: c.failedDetail ?? '',
          })),
        },
      })),
    },
  };
}

/**
 * The account's Cloud Assistant settings. Only SessionManagerConfig is modelled; other setting
 * types answer their documented defaults-free shape (absent).
 */
function describeCloudAssistantSettings(ctx: RpcContext): RpcBody {
  region(ctx);
  const types = ctx.params.list('SettingType');
  const wanted = types.length ? types : [ctx.params.required('SettingType')];
  return wanted.includes('SessionManagerConfig')
    ? { SessionManagerConfig: { SessionManagerEnabled: sessionBook(ctx.state).sessionManagerEnabled } }
    : {};
}

function modifyCloudAssistantSettings(ctx: RpcContext): RpcBody {
  region(ctx);
  const type = ctx.params.required('SettingType');
  if (type !== 'SessionManagerConfig') {
    throw err('InvalidParameter.SettingType', 400, 'The sandbox models only the SessionManagerConfig setting.');
  }
  // The SDK sends the structure as one JSON parameter (SessionManagerConfigShrink).
  let config: { SessionManagerEnabled?: unknown };
  try {
    config = JSON.parse(ctx.params.required('SessionManagerConfig')) as typeof config;
  } catch {
    throw err('InvalidParameter.SessionManagerConfig', 400, 'The specified SessionManagerConfig is not valid.');
  }
  if (typeof config.SessionManagerEnabled !== 'boolean') {
    throw err('InvalidParameter.SessionManagerConfig', 400, 'SessionManagerEnabled must be true or false.');
  }
  sessionBook(ctx.state).sessionManagerEnabled = config.SessionManagerEnabled;
  return {};
}

const instanceArn = (ctx: RpcContext, id: string | undefined) =>
  `acs:ecs:${ctx.params.str('RegionId') ?? '*'}:${ctx.accountId}:instance/${id ?? '*'}`;

export const terminalSessionActions: Record<string, RpcAction> = {
  StartTerminalSession: {
    resources: (ctx) => {
      const ids = ctx.params.list('InstanceId');
      return (ids.length ? ids : ['*']).map((id) => instanceArn(ctx, id));
    },
    handle: startTerminalSession,
  },
  EndTerminalSession: { handle: endTerminalSession },
  DescribeTerminalSessions: {
    resources: (ctx) => [instanceArn(ctx, ctx.params.str('InstanceId'))],
    handle: describeTerminalSessions,
  },
  DescribeCloudAssistantSettings: { handle: describeCloudAssistantSettings },
  ModifyCloudAssistantSettings: { handle: modifyCloudAssistantSettings },
};

/** The keys ACS-ECS-SendSshPublicKey registered on an instance that are still valid now (sandbox clock). */
export function activeTempKeys(
  state: SandboxState,
  instanceId: string,
): Array<{ username: string; publicKey: string }> {
  const t = now(state);
  return (sessionBook(state).tempKeys.get(instanceId) ?? [])
    .filter((k) => k.expiresAt > t)
    .map(({ username, publicKey }) => ({ username, publicKey }));
}
