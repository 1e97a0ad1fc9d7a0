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

export type SessionProblemId = 'disabled' | 'notRunning' | 'noAgent' | 'oldAgent';

export interface SessionProblem {
  id: SessionProblemId;
  message: string;
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
  const [enabled, agent] = await Promise.all([
    sm.enabled(regionId),
    new CloudAssistantApi(cloud.session).status(regionId, instance.instanceId),
  ]);
  const problems: SessionProblem[] = [];
  if (!enabled) {
    problems.push({
      id: 'disabled',
      message: l10n.t('Session Manager is not enabled for this account.'),
    });
  }
  if (instance.status !== 'Running') {
    problems.push({
      id: 'notRunning',
      message: l10n.t('The instance is {0}; Session Manager needs it Running.', instance.status),
    });
  } else if (!agent.version) {
    problems.push({ id: 'noAgent', message: l10n.t('The Cloud Assistant agent is not installed on the instance.') });
  } else if (!agent.running) {
    problems.push({ id: 'noAgent', message: l10n.t('The Cloud Assistant agent on the instance is not online.') });
  } else if (!agentSupportsSessions(agent.version, agent.osType)) {
    problems.push({
      id: 'oldAgent',
      message: l10n.t(
        'The Cloud Assistant agent on the instance ({0}) is too old for Session Manager; upgrade it.',
        agent.version,
      ),
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
