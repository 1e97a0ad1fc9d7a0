/**
 * What the Session Manager commands share: the private channel the bridge asks for sessions on
 * (one per extension host, opened on first use, closed with the extension), the pre-flight with
 * its fixes, the pinned host keys, and a session's end in plain words.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openSessionChannel, type SessionChannel } from '../../cloud/sessionChannel';
import { SessionManagerApi } from '../../cloud/sessionManager';
import type { SessionEnd } from '../../cloud/sessionStream';
import { readHostKeys, replaceKnownHosts } from '../../setup/hostKeys';
import { preflightSession, proxyCommandLine } from '../../setup/sessionManager';
import { stageVsCodeServer, type ServerBuild } from '../../setup/vscodeServer';
import { configPathValue, type SshHostEntry } from '../../setup/sshConfig';
import { ensureConnectPlugin, startWithTempKey, tempKeyDirectory, tempKeyPath } from '../../setup/tempKey';
import { showNotice } from '../../ui/prompt';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';

/** Plain words for how a session ended (ClosedReason and the status frames). */
export function sessionEndMessage(how: SessionEnd): string {
  switch (how.kind) {
    case 'closed':
      switch (how.reason) {
        case 'FlowExceedLimit':
          return vscode.l10n.t('Session Manager closed the connection: more data was sent than a session allows.');
        case 'AgentTimeout':
          return vscode.l10n.t(
            'Session Manager closed the connection: the Cloud Assistant agent on the instance stopped answering.',
          );
        case 'OpenChannelFailed':
          return vscode.l10n.t(
            'Session Manager could not open the port on the instance: is the SSH server running and listening there?',
          );
        case 'InstanceNotRunning':
          return vscode.l10n.t('Session Manager could not connect: the instance is not running.');
        case 'AgentNotOnline':
          return vscode.l10n.t('Session Manager could not connect: the Cloud Assistant agent is not online.');
        case 'Exit':
          return vscode.l10n.t('Session Manager closed the connection (ended, or idle for 3 minutes).');
        default:
          return vscode.l10n.t('Session Manager closed the connection ({0}).', how.reason);
      }
    case 'connectFailed':
      return vscode.l10n.t('Session Manager could not connect: {0}', how.detail);
    case 'refused':
      return how.httpStatus === 403
        ? vscode.l10n.t('Session Manager refused the connection: its URL expired or the session was ended.')
        : vscode.l10n.t('Session Manager refused the connection (HTTP {0}).', how.httpStatus);
    case 'lost':
      return vscode.l10n.t('The connection to Session Manager was lost: {0}', how.detail);
    case 'done':
      return '';
  }
}

const keyPathOf = (s: Services, instanceId: string, port: number) =>
  tempKeyPath(tempKeyDirectory(s.context.globalStorageUri.fsPath), instanceId, port);

/** The IdentityFile of Session Manager entries: the temporary key of the connection being made. */
export function sessionKeyFile(s: Services, instanceId: string, port = 22): string {
  return configPathValue(keyPathOf(s, instanceId, port));
}

/** The channel of this extension host, opened on first use (kept in Services, closed with it). */
export function sessionChannel(s: Services): Promise<SessionChannel> {
  const state = s.sessions;
  if (!state.channel) {
    const c = openSessionChannel({
      ticket: async (req) => {
        const { cloud } = await s.cloud();
        s.log.info(`session manager: new session to ${req.instanceId}:${req.port}`);
        // Every ssh connection through the bridge gets its own 60-second key.
        const { ticket, key } = await startWithTempKey(cloud, state.keys, req, keyPathOf(s, req.instanceId, req.port));
        if (key) {
          s.log.info(`session manager: temporary key for ${key.user} on ${req.instanceId} (valid 60 s)`);
          state.keyRemovers.set(ticket.sessionId, key.remove);
        }
        return ticket;
      },
      released: (_req, ticket) => {
        state.keyRemovers.get(ticket.sessionId)?.();
        state.keyRemovers.delete(ticket.sessionId);
      },
      ended: (req, ticket, how) => {
        if (how.kind === 'done') {
          return;
        }
        s.log.warn(`session manager: ${ticket.sessionId} to ${req.instanceId} ended: ${JSON.stringify(how)}`);
        void showNotice('warning', sessionEndMessage(how));
      },
    });
    c.catch(() => {
      if (state.channel === c) {
        state.channel = undefined;
      }
    });
    state.channel = c;
  }
  return state.channel;
}

/**
 * The pre-flight with its fixes. Session Manager off: offered to be turned on, naming that it is
 * an account-wide switch. True when a session can be started.
 */
export async function readySessionManager(
  s: Services,
  regionId: string,
  instance: { instanceId: string; instanceName?: string; status: string },
): Promise<boolean> {
  const { cloud, entry } = await s.cloud();
  const problems = await withProgress(
    vscode.l10n.t('Checking Session Manager for {0}…', instance.instanceId),
    () => preflightSession(cloud, regionId, instance),
    false,
  );
  if (!problems.length) {
    return true;
  }
  s.log.warn(`session manager ${instance.instanceId}: ${problems.map((p) => p.id).join(', ')}`);
  if (problems.every((p) => p.id === 'disabled')) {
    const { accountId } = await cloud.whoAmI();
    const enable = vscode.l10n.t('Enable Session Manager');
    if (
      !(await s.prompt.confirm(
        vscode.l10n.t('Enable Session Manager for account {0} (profile {1})?', accountId, entry.name),
        vscode.l10n.t(
          'This changes a Cloud Assistant setting of the whole account (ModifyCloudAssistantSettings, SessionManagerConfig): anyone allowed ecs:StartTerminalSession can then open sessions to its running instances with the Cloud Assistant agent. No port is opened and nothing on the instances changes.',
        ),
        enable,
      ))
    ) {
      return false;
    }
    await new SessionManagerApi(cloud.session).setEnabled(regionId, true);
    s.log.info(`session manager: enabled for account ${accountId}`);
    return true;
  }
  const denied = problems.find((p) => p.access);
  const checkAccess = vscode.l10n.t('Check Access…');
  const choice = await s.prompt.choose(
    problems[0].message,
    problems.map((p) => `• ${p.message}\n  ${vscode.l10n.t('Fix: {0}', p.fix)}`).join('\n\n'),
    denied ? [checkAccess] : [],
  );
  if (choice === checkAccess && denied?.access) {
    const { identity, action, resource } = denied.access;
    await vscode.commands.executeCommand('alibabaCloud.ram.checkAccess', {
      ...(identity.kind === 'role' ? { roleName: identity.name } : { userName: identity.name }),
      action,
      resource,
    });
  }
  return false;
}

/**
 * The ssh config entry's Session Manager part: the ProxyCommand running our bridge under this
 * editor's runtime, and a known_hosts file with the host keys read on the instance.
 */
export async function sessionManagerEntry(
  s: Services,
  regionId: string,
  instanceId: string,
  alias: string,
  port = 22,
): Promise<NonNullable<SshHostEntry['sessionManager']>> {
  const { cloud } = await s.cloud();
  const keys = await withProgress(
    vscode.l10n.t('Reading the SSH host keys of {0} through Cloud Assistant…', instanceId),
    () => readHostKeys(cloud, regionId, instanceId),
    false,
  );
  const dir = s.context.globalStorageUri.fsPath;
  fs.mkdirSync(dir, { recursive: true });
  const knownHostsFile = path.join(dir, 'session-manager-known_hosts');
  const old = fs.existsSync(knownHostsFile) ? fs.readFileSync(knownHostsFile, 'utf8') : '';
  fs.writeFileSync(knownHostsFile, replaceKnownHosts(old, alias, keys), { mode: 0o600 });
  const channel = await sessionChannel(s);
  return {
    knownHostsFile,
    proxyCommand: proxyCommandLine({
      runtime: process.execPath,
      // dist/sessionBridge.js sits next to the bundle this code runs from.
      bridge: path.join(__dirname, 'sessionBridge.js'),
      channel: channel.path,
      regionId,
      instanceId,
      port,
    }),
  };
}

/**
 * Installs the plug-in temporary keys need (config_ecs_instance_connect) once per instance, at
 * Connect, so the first ssh connection does not wait for it.
 */
export async function prepareTempKeys(s: Services, regionId: string, instanceId: string): Promise<void> {
  const { cloud } = await s.cloud();
  await withProgress(
    vscode.l10n.t('Installing the config_ecs_instance_connect plug-in on {0} through Cloud Assistant…', instanceId),
    () => ensureConnectPlugin(cloud, s.sessions.keys, regionId, instanceId),
    false,
  );
}

/** This editor's build (product.json in its install), for the VS Code server Remote-SSH will start. */
function editorBuild(): ServerBuild | undefined {
  try {
    const p = JSON.parse(fs.readFileSync(path.join(vscode.env.appRoot, 'product.json'), 'utf8')) as {
      commit?: unknown;
      quality?: unknown;
    };
    const commit = typeof p.commit === 'string' ? p.commit : '';
    return /^[0-9a-f]{40}$/.test(commit)
      ? { commit, quality: p.quality === 'insider' ? 'insider' : 'stable' }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Before Remote-SSH connects through Session Manager (about 200 KB/s): offers to have the instance
 * download the VS Code server itself through Cloud Assistant. Never stops the connection: a
 * refusal, a failed download or an error only means Remote-SSH uploads the server as usual.
 */
export async function offerServerStaging(
  s: Services,
  regionId: string,
  instance: { instanceId: string; name: string; osType: string },
  user: string,
): Promise<string | undefined> {
  const build = editorBuild();
  const key = build && `${regionId}/${instance.instanceId}/${user}/${build.commit}`;
  if (!build || !key || instance.osType.toLowerCase() === 'windows' || s.sessions.stagedServers.has(key)) {
    return undefined;
  }
  const download = vscode.l10n.t('Download on the Instance');
  const choice = await s.prompt.choose(
    vscode.l10n.t('Have {0} download the VS Code server itself?', instance.name),
    vscode.l10n.t(
      'Through Session Manager a connection carries about 200 KB/s, so the VS Code server Remote-SSH sends on first connect (about 70 MB) takes several minutes. Instead the instance can download it through Cloud Assistant from vscode.download.prss.microsoft.com into ~/.vscode-server of {0}. It needs a way out to the internet (a public IP, an EIP or a NAT gateway); otherwise Remote-SSH sends it as usual.',
      user,
    ),
    [download, vscode.l10n.t('Skip')],
  );
  if (choice !== download) {
    return undefined;
  }
  const { cloud } = await s.cloud();
  try {
    const r = await withProgress(
      vscode.l10n.t('{0} is downloading the VS Code server…', instance.name),
      () => stageVsCodeServer(cloud, regionId, instance.instanceId, build, user),
      false,
    );
    s.log.info(`vscode server on ${instance.instanceId}: ${JSON.stringify(r)}`);
    if (r.state === 'present' || r.state === 'installed') {
      s.sessions.stagedServers.add(key);
      s.prompt.done(
        r.state === 'present'
          ? vscode.l10n.t('The VS Code server was already on {0}.', instance.name)
          : vscode.l10n.t('{0} downloaded the VS Code server.', instance.name),
      );
    } else if (r.state === 'downloadFailed') {
      void showNotice(
        'warning',
        vscode.l10n.t(
          '{0} could not download the VS Code server (no way out to the internet?); Remote-SSH sends it through the session instead, which takes a few minutes.',
          instance.name,
        ),
      );
    } else if (r.state === 'unsupported') {
      void showNotice(
        'warning',
        vscode.l10n.t('There is no VS Code server for the architecture of {0} ({1}).', instance.name, r.arch),
      );
    }
    return r.state;
  } catch (e) {
    s.log.warn(`vscode server on ${instance.instanceId}: ${e instanceof Error ? e.message : String(e)}`);
    void showNotice(
      'warning',
      vscode.l10n.t(
        'The VS Code server could not be downloaded on {0}: {1}',
        instance.name,
        e instanceof Error ? e.message : String(e),
      ),
    );
    return 'error';
  }
}
