/**
 * Connect with Remote-SSH (instance node, palette, the wizard's closing message): pre-flight
 * (each problem with its fix), a confirmation showing exactly what will be written, the entry in
 * the extension's block of the user's ssh config, then a new window on
 * vscode-remote://ssh-remote+<alias>/<home>. Remote-SSH is offered for install when missing.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { preflightConnect, type ConnectPlan, type PreflightProblem } from '../../setup/connectPreflight';
import { assertSafeEntry, writeSshEntry, type SshHostEntry } from '../../setup/sshConfig';
import { pickInstance } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { sshConfigPaths } from '../../ui/trustedSettings';
import { InstanceNode } from '../../views/ecsView';
import type { Services } from '../../services/services';
import { defineCommand, is } from '../command';
import { instanceArgs, type InstanceInput } from './instanceInput';
import { notify } from '../helpers';
import { onClickedRow } from '../selection';
import {
  offerServerStaging,
  prepareTempKeys,
  readySessionManager,
  sessionKeyFile,
  sessionManagerEntry,
} from './sessionManagerSupport';

export const REMOTE_SSH = 'ms-vscode-remote.remote-ssh';

export interface InstanceRef {
  regionId: string;
  instanceId: string;
}

/** The instance a command works on: its node, an args object, or a quick pick. */
export async function instanceRef(s: Services, input: InstanceInput, title: string): Promise<InstanceRef> {
  if (input.node) {
    return { regionId: input.node.instance.regionId, instanceId: input.node.instance.instanceId };
  }
  const { entry, cloud } = await s.cloud();
  const a = input.args;
  if (a.instanceId) {
    return { regionId: a.regionId ?? entry.regionId, instanceId: a.instanceId };
  }
  const i = await pickInstance(s.prompt, cloud, title, entry.regionId);
  return { regionId: i.regionId, instanceId: i.instanceId };
}

const describe = (p: PreflightProblem) => `• ${p.message}\n  ${p.explanation}\n  ${vscode.l10n.t('Fix: {0}', p.fix)}`;

/** The home directory Remote-SSH should open (it needs a folder path). */
function remoteHome(user: string, osType: string): string {
  if (osType.toLowerCase() === 'windows') {
    return `/C:/Users/${user}`;
  }
  return user === 'root' ? '/root' : `/home/${user}`;
}

/** Whether Remote-SSH can be installed here: desktop Visual Studio Code, with Microsoft's Marketplace. */
function remoteSshAvailable(): boolean {
  return vscode.env.uiKind === vscode.UIKind.Desktop && /^Visual Studio Code\b/.test(vscode.env.appName);
}

/**
 * `ssh <alias>`, with `-F <file>` when the entry is not in the default config. The alias is ours
 * ([A-Za-z0-9._-], hostAlias); a file name ssh or a shell could misread is left out with `-F`.
 */
export function sshCommand(alias: string, configPath: string, defaultConfig: string): string {
  if (configPath === defaultConfig || !/^[\w./\\:~ -]+$/.test(configPath)) {
    return `ssh ${alias}`;
  }
  return `ssh -F "${configPath}" ${alias}`;
}

export function remoteUri(alias: string, folder: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'vscode-remote', authority: `ssh-remote+${alias}`, path: folder });
}

/** A plan that reaches the instance through Session Manager instead of its network address. */
type Plan = ConnectPlan & { viaSessionManager?: boolean };

/** What Session Manager gets around: no address to reach, no port open to this machine. */
const NETWORK_PROBLEMS = new Set(['noPublicIp', 'noSshRule', 'sshRestricted']);
/** ...and the key pair's file: each connection through it logs in with its own temporary key. */
const NOT_FOR_SESSION_MANAGER = new Set([...NETWORK_PROBLEMS, 'keyNotFound']);

const throughSessionManager = (plan: ConnectPlan, ref: InstanceRef): Plan => ({
  ...plan,
  host: ref.instanceId,
  viaSessionManager: true,
  problems: plan.problems.filter((p) => !NOT_FOR_SESSION_MANAGER.has(p.id)),
});

/** Blocking problems: explain them, and offer the way out where there is one. Undefined: stop. */
async function resolveBlocking(s: Services, plan: ConnectPlan, ref: InstanceRef): Promise<Plan | undefined> {
  const blocking = plan.problems.filter((p) => p.blocking);
  if (!blocking.length) {
    return plan;
  }
  // Session Manager needs no address and no open port: offered first when only those are missing.
  const networkOnly = blocking.every((p) => NETWORK_PROBLEMS.has(p.id));
  const detail = [
    plan.problems.map(describe).join('\n\n'),
    ...(networkOnly
      ? [
          vscode.l10n.t(
            'Session Manager needs neither: ssh goes through Cloud Assistant on the instance, with a 60-second key per connection. No port is opened and nothing is billed.',
          ),
        ]
      : []),
    ...(blocking.every((p) => p.id === 'noPublicIp')
      ? [
          vscode.l10n.t(
            'A public IP is billed by traffic; an Elastic IP is a separate resource you manage in the console.',
          ),
        ]
      : []),
  ].join('\n\n');
  s.log.warn(`connect ${ref.instanceId}: ${plan.problems.map((p) => p.id).join(', ')}`);
  const onlyNoIp = blocking.every((p) => p.id === 'noPublicIp');
  const allocate = vscode.l10n.t('Allocate Public IP');
  const usePrivate = vscode.l10n.t('Use Private IP (VPN or Bastion)');
  const anyway = vscode.l10n.t('Write the Entry Anyway');
  const viaSessionManager = vscode.l10n.t('Connect through Session Manager');
  // The first button is the dialog's default: never the billable one.
  const actions = [
    ...(networkOnly ? [viaSessionManager] : []),
    ...(onlyNoIp
      ? [...(plan.info.privateIp ? [usePrivate] : []), allocate]
      : blocking.every((p) => p.id === 'noSshRule')
        ? [anyway]
        : []),
  ];
  const choice = await s.prompt.choose(blocking[0].message, detail, actions);
  if (choice === viaSessionManager) {
    return throughSessionManager(plan, ref);
  }
  if (choice === allocate) {
    const { cloud, entry } = await s.cloud();
    const { accountId } = await cloud.whoAmI();
    // Billed from now on: asked once more, naming what it costs and where.
    if (
      !(await s.prompt.confirm(
        vscode.l10n.t(
          'Allocate a public IP for {0} in account {1} (profile {2})?',
          plan.info.instanceName || ref.instanceId,
          accountId,
          entry.name,
        ),
        vscode.l10n.t(
          'The address is billed by traffic from now on and stays with the instance until it is released; it opens the instance to the internet on the ports its security groups allow.',
        ),
        allocate,
      ))
    ) {
      return undefined;
    }
    const ip = await withProgress(
      vscode.l10n.t('Allocating a public IP for {0}…', ref.instanceId),
      () => cloud.ecs.allocatePublicIp(ref.regionId, ref.instanceId),
      false,
    );
    s.refresh('ecs');
    return { ...plan, host: ip, problems: plan.problems.filter((p) => p.id !== 'noPublicIp') };
  }
  if (choice === usePrivate) {
    return { ...plan, host: plan.info.privateIp, problems: plan.problems.filter((p) => p.id !== 'noPublicIp') };
  }
  if (choice === anyway) {
    return { ...plan, problems: plan.problems.filter((p) => p.id !== 'noSshRule') };
  }
  return undefined;
}

/** Opens the ssh config with the entry's Host line selected (what was written, in the user's own file). */
async function showEntry(configPath: string, alias: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(configPath));
  const line = doc.getText().split('\n').indexOf(`Host ${alias}`);
  const at = new vscode.Position(Math.max(0, line), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at), preview: false });
}

export const connectRemoteSsh = defineCommand({
  id: 'alibabaCloud.ecs.connectRemoteSsh',
  node: [InstanceNode],
  args: { ...instanceArgs, via: is.oneOf('sessionManager') },
  run: onClickedRow(
    () => vscode.l10n.t('Connect to ECS Instance with Remote-SSH'),
    async (s, input) => {
      const title = vscode.l10n.t('Connect with Remote-SSH');
      const ref = await instanceRef(s, input, title);
      const { ours: configPath, remoteSsh } = sshConfigPaths(s.log);
      const { cloud } = await s.cloud();
      const first = await withProgress(
        vscode.l10n.t('Checking whether {0} can be reached over SSH…', ref.instanceId),
        () => preflightConnect(cloud, ref.regionId, ref.instanceId, { sshDir: path.dirname(configPath) }),
        false,
      );
      // `{ via: 'sessionManager' }`: through Session Manager whatever the network allows.
      const plan =
        input.args.via === 'sessionManager' ? throughSessionManager(first, ref) : await resolveBlocking(s, first, ref);
      if (!plan?.host) {
        return { connected: false, problems: first.problems.map((p) => p.id) };
      }
      if (plan.viaSessionManager && !(await readySessionManager(s, ref.regionId, plan.info))) {
        return { connected: false, problems: ['sessionManager'] };
      }

      const name = plan.info.instanceName || plan.info.instanceId;
      const entry: SshHostEntry = {
        alias: plan.alias,
        hostName: plan.host,
        user: plan.user,
        // Through Session Manager: the connection's own 60-second key, not the key pair's file.
        identityFile: plan.viaSessionManager ? sessionKeyFile(s, ref.instanceId) : plan.identityFile,
        comment: `${name} (${plan.info.instanceId}) ${plan.info.regionId}`,
        ...(plan.viaSessionManager
          ? { sessionManager: await sessionManagerEntry(s, ref.regionId, ref.instanceId, plan.alias) }
          : {}),
      };
      // Refused before the question, not after the user said yes.
      assertSafeEntry(entry);
      const lines = [
        vscode.l10n.t('In {0}, inside the block this extension manages:', configPath),
        '',
        `Host ${plan.alias}`,
        `    HostName ${plan.host}`,
        `    User ${plan.user}`,
        ...(entry.identityFile ? [`    IdentityFile ${entry.identityFile}`] : []),
        ...(entry.sessionManager
          ? [
              `    ProxyCommand ${entry.sessionManager.proxyCommand}`,
              `    UserKnownHostsFile ${entry.sessionManager.knownHostsFile}`,
              '',
              vscode.l10n.t(
                'ssh reaches the instance through Session Manager: the command above is this extension, run by VS Code, asking for a new session each time (no open port, no public IP). The host key was read on the instance through Cloud Assistant.',
              ),
              vscode.l10n.t(
                'Each connection logs in with its own key, valid 60 seconds (authorized_keys is not changed). For those keys Cloud Assistant installs its config_ecs_instance_connect plug-in on the instance now.',
              ),
            ]
          : []),
        '',
        vscode.l10n.t('You can change User and IdentityFile there; connecting again only refreshes HostName.'),
        ...plan.problems.map((p) => `\n${describe(p)}`),
      ];
      if (
        !(await s.prompt.confirm(
          vscode.l10n.t('Write an SSH entry for {0} and open it with Remote-SSH?', name),
          lines.join('\n'),
          vscode.l10n.t('Connect'),
        ))
      ) {
        return { connected: false };
      }

      if (plan.viaSessionManager) {
        await prepareTempKeys(s, ref.regionId, ref.instanceId);
      }
      const written = writeSshEntry(configPath, entry);
      s.log.info(`ssh config ${written.path}: ${written.action} Host ${plan.alias} (HostName ${plan.host})`);
      if (written.shadowedBy.length) {
        s.log.warn(`ssh config: Host ${plan.alias} is also defined in ${written.shadowedBy.join(', ')}`);
        notify(
          vscode.l10n.t(
            'Host {0} is also defined in {1}; ssh uses the first definition it reads.',
            plan.alias,
            written.shadowedBy.join(', '),
          ),
        );
      }

      if (configPath !== remoteSsh && remoteSshAvailable()) {
        // Remote-SSH resolves the alias from its own file only.
        s.log.warn(`ssh config: the entry is in ${configPath}, Remote-SSH reads ${remoteSsh}`);
        notify(
          vscode.l10n.t(
            'The entry is in {0}, but Remote-SSH reads {1}: add "Include {0}" there, or set remote.SSH.configFile.',
            configPath,
            remoteSsh,
          ),
        );
      }

      if (!vscode.extensions.getExtension(REMOTE_SSH) && !remoteSshAvailable()) {
        // Remote-SSH is Microsoft's and only on its Marketplace, for desktop VS Code: in a browser
        // (code-server, vscode.dev) or a build with another gallery (VSCodium, Open VSX) it cannot be
        // installed. Offer what works here: the ssh command, or a terminal running it.
        const command = sshCommand(plan.alias, configPath, path.join(os.homedir(), '.ssh', 'config'));
        const copy = vscode.l10n.t('Copy ssh Command');
        const terminal = vscode.l10n.t('Open in Terminal');
        const show = vscode.l10n.t('Show the Entry');
        const choice = await s.prompt.choose(
          vscode.l10n.t('Remote - SSH needs desktop Visual Studio Code.'),
          vscode.l10n.t(
            'The entry for {0} is written. This editor ({1}) cannot install Remote - SSH; connect with ssh instead: {2}',
            plan.alias,
            vscode.env.appName,
            command,
          ),
          [copy, terminal, show],
        );
        if (choice === show) {
          await showEntry(configPath, plan.alias);
        } else if (choice === copy) {
          await vscode.env.clipboard.writeText(command);
          notify(vscode.l10n.t('Copied: {0}', command));
        } else if (choice === terminal) {
          const t = vscode.window.createTerminal({ name: `ssh ${plan.alias}` });
          t.show();
          t.sendText(command);
        }
        return { connected: false, alias: plan.alias, configPath, action: written.action, sshCommand: command };
      }

      if (!vscode.extensions.getExtension(REMOTE_SSH)) {
        const install = vscode.l10n.t('Install Remote - SSH');
        const choice = await s.prompt.choose(
          vscode.l10n.t('Remote - SSH is not installed.'),
          vscode.l10n.t(
            'The entry for {0} is written. Opening a window on it needs the Remote - SSH extension ({1}).',
            plan.alias,
            REMOTE_SSH,
          ),
          [install],
        );
        if (choice !== install) {
          return { connected: false, alias: plan.alias, configPath, action: written.action };
        }
        await s.prompt.installExtension(REMOTE_SSH);
      }

      // At about 200 KB/s the server Remote-SSH sends would take minutes: the instance may fetch it itself.
      const staged = plan.viaSessionManager
        ? await offerServerStaging(
            s,
            ref.regionId,
            { instanceId: ref.instanceId, name, osType: plan.info.osType },
            written.entry.user ?? plan.user,
          )
        : undefined;
      const uri = remoteUri(plan.alias, remoteHome(written.entry.user ?? plan.user, plan.info.osType));
      s.log.info(`opening ${uri.toString(true)}`);
      await s.prompt.openWindow(uri);
      notify(
        vscode.l10n.t(
          'Opening {0} in a new window. Install this extension there ("Install in SSH: {1}") if VS Code does not offer it: it then uses the instance role, with no AccessKey.',
          name,
          plan.alias,
        ),
      );
      return {
        connected: true,
        alias: plan.alias,
        configPath,
        action: written.action,
        uri: uri.toString(true),
        ...(staged ? { serverStaged: staged } : {}),
      };
    },
  ),
});
