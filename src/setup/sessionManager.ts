/**
 * Connecting through Session Manager: the pre-flight (each problem with its fix), and the
 * ProxyCommand that runs our bridge under the editor's own runtime.
 *
 * What the service needs (StartTerminalSession, ECS API reference, help.aliyun.com
 * document_detail/365660): Session Manager enabled for the account (DescribeCloudAssistantSettings,
 * SessionManagerConfig), the instance Running, a Cloud Assistant agent newer than 2.2.3.256 on Linux
 * or 2.1.3.256 on Windows, and `ecs:StartTerminalSession` for the caller.
 */
import type { Cloud } from '../cloud';
import { CloudAssistantApi } from '../cloud/cloudAssistant';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import { SessionManagerApi } from '../cloud/sessionManager';
import { principalOf } from './accessDeniedReport';
import { checkAccess, identityPolicies, type AccessIdentity } from './checkAccess';

export type SessionProblemId = 'disabled' | 'notRunning' | 'noAgent' | 'oldAgent' | 'notAllowed';

export interface SessionProblem {
  id: SessionProblemId;
  message: string;
  /** What to do about it. */
  fix: string;
  /** notAllowed: what Check Access should evaluate (it proposes the missing statement). */
  access?: { identity: AccessIdentity; action: string; resource: string };
}

export const START_SESSION_ACTION = 'ecs:StartTerminalSession';

/**
 * Whether the caller's RAM policies allow StartTerminalSession on the instance, by the evaluator
 * Check Access uses. Undefined when it cannot be told (the policies are not readable by the
 * caller, or the identity is neither a RAM user nor a role); the root account is not restricted.
 */
export async function startSessionAccess(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
): Promise<{ allowed: boolean; identity?: AccessIdentity; resource: string } | undefined> {
  try {
    const p = principalOf(await cloud.knownIdentity());
    const resource = `acs:ecs:${regionId}:${p.accountId}:instance/${instanceId}`;
    if (p.kind === 'root') {
      return { allowed: true, resource };
    }
    if ((p.kind !== 'role' && p.kind !== 'user') || !p.name) {
      return undefined;
    }
    const identity: AccessIdentity = { kind: p.kind, name: p.name };
    const r = checkAccess(await identityPolicies(cloud, identity), { action: START_SESSION_ACTION, resource });
    return { allowed: r.effect === 'Allow', identity, resource };
  } catch {
    return undefined;
  }
}

const MIN_AGENT = { linux: [2, 2, 3, 256], windows: [2, 1, 3, 256] };

/** Whether `version` (a.b.c.d) is newer than the minimum Session Manager needs. */
export function agentSupportsSessions(version: string, osType = 'linux'): boolean {
  const have = version.split('.').map(Number);
  const min = osType.toLowerCase() === 'windows' ? MIN_AGENT.windows : MIN_AGENT.linux;
  if (have.length < 2 || have.some((n) => !Number.isFinite(n))) {
    return false;
  }
  for (let i = 0; i < min.length; i++) {
    if ((have[i] ?? 0) !== min[i]) {
      return (have[i] ?? 0) > min[i];
    }
  }
  return false;
}

/** What stands between the caller and a session to the instance, in the order to fix it. */
export async function preflightSession(
  cloud: Cloud,
  regionId: string,
  instance: { instanceId: string; status: string },
): Promise<SessionProblem[]> {
  const sm = new SessionManagerApi(cloud.session);
  const [enabled, agent, access] = await Promise.all([
    sm.enabled(regionId),
    new CloudAssistantApi(cloud.session).status(regionId, instance.instanceId),
    startSessionAccess(cloud, regionId, instance.instanceId),
  ]);
  const problems: SessionProblem[] = [];
  if (!enabled) {
    problems.push({
      id: 'disabled',
      message: l10n.t('Session Manager is not enabled for this account.'),
      fix: l10n.t('Enable it for the account (offered here; ECS console > Instances > Connect > Session Manager).'),
    });
  }
  if (access && !access.allowed && access.identity) {
    problems.push({
      id: 'notAllowed',
      message: l10n.t(
        '{0} {1} is not allowed {2} on this instance.',
        access.identity.kind === 'role' ? l10n.t('Role') : l10n.t('RAM user'),
        access.identity.name,
        START_SESSION_ACTION,
      ),
      fix: l10n.t(
        'Check Access shows which policies were evaluated and proposes the statement allowing {0} on {1}.',
        START_SESSION_ACTION,
        access.resource,
      ),
      access: { identity: access.identity, action: START_SESSION_ACTION, resource: access.resource },
    });
  }
  const upgrade = l10n.t(
    'Install or upgrade the Cloud Assistant agent (ECS console > Cloud Assistant, or InstallCloudAssistant), then connect again.',
  );
  if (instance.status !== 'Running') {
    problems.push({
      id: 'notRunning',
      message: l10n.t('The instance is {0}; Session Manager needs it Running.', instance.status),
      fix: l10n.t('Start the instance, wait until it shows Running, then connect again.'),
    });
  } else if (!agent.version) {
    problems.push({
      id: 'noAgent',
      message: l10n.t('The Cloud Assistant agent is not installed on the instance.'),
      fix: upgrade,
    });
  } else if (!agent.running) {
    problems.push({
      id: 'noAgent',
      message: l10n.t('The Cloud Assistant agent on the instance is not online.'),
      fix: l10n.t('Restart the instance, or the aliyun.service agent on it, then connect again.'),
    });
  } else if (!agentSupportsSessions(agent.version, agent.osType)) {
    problems.push({
      id: 'oldAgent',
      message: l10n.t(
        'The Cloud Assistant agent on the instance ({0}) is too old for Session Manager; upgrade it.',
        agent.version,
      ),
      fix: upgrade,
    });
  }
  return problems;
}

/**
 * The ProxyCommand line: the editor's runtime as Node (ELECTRON_RUN_AS_NODE) running the bridge.
 * Only paths and identifiers: the session's URL and token reach the bridge over the channel.
 * ssh expands `%` tokens in ProxyCommand and runs it through the user's shell (ssh_config(5)),
 * so a path holding `%`, a quote, `$`, a backtick or a control character is refused.
 */
export function proxyCommandLine(o: {
  runtime: string;
  bridge: string;
  channel: string;
  regionId: string;
  instanceId: string;
  port: number;
  targetServer?: string;
  platform?: NodeJS.Platform;
}): string {
  const windows = (o.platform ?? process.platform) === 'win32';
  for (const p of [o.runtime, o.bridge, o.channel]) {
    // eslint-disable-next-line no-control-regex
    if (/[%"'$`\u0000-\u001f\u007f]/.test(p) || (!windows && p.includes('\\'))) {
      throw new CloudError({
        code: 'SshConfigValueRefused',
        message: l10n.t(
          'The path {0} holds a character ssh would expand ("%", a quote, "$" or a backtick); no SSH entry is written.',
          JSON.stringify(p),
        ),
      });
    }
  }
  if (
    !/^[\w-]+$/.test(o.instanceId) ||
    !/^[a-z0-9-]+$/.test(o.regionId) ||
    (o.targetServer && !/^[\w.:-]+$/.test(o.targetServer))
  ) {
    throw new CloudError({ code: 'SshConfigValueRefused', message: l10n.t('The instance or region ID is malformed.') });
  }
  const args = [
    `"${o.bridge}"`,
    '--channel',
    `"${o.channel}"`,
    '--region',
    o.regionId,
    '--instance',
    o.instanceId,
    '--port',
    String(o.port),
    ...(o.targetServer ? ['--target', o.targetServer] : []),
  ].join(' ');
  return windows
    ? `cmd.exe /d /s /c "set ELECTRON_RUN_AS_NODE=1&& "${o.runtime}" ${args}"`
    : `env ELECTRON_RUN_AS_NODE=1 "${o.runtime}" ${args}`;
}
