/**
 * Open Terminal on Instance: an integrated terminal running ssh to the instance through Session
 * Manager, with the same entry Connect with Remote-SSH writes (the bridge as ProxyCommand, the host
 * key read on the instance).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { preflightConnect } from '../../setup/connectPreflight';
import { writeSshEntry } from '../../setup/sshConfig';
import { withProgress } from '../../ui/progress';
import { sshConfigPaths } from '../../ui/trustedSettings';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand } from '../command';
import { instanceRef, sshCommand } from './connectRemoteSsh';
import { instanceArgs } from './instanceInput';
import { prepareTempKeys, readySessionManager, sessionKeyFile, sessionManagerEntry } from './sessionManagerSupport';

export const openTerminalOnInstance = defineCommand({
  id: 'alibabaCloud.ecs.openTerminal',
  node: [InstanceNode],
  args: instanceArgs,
  run: async (s, input) => {
    const ref = await instanceRef(s, input, vscode.l10n.t('Open Terminal on Instance'));
    const { ours: configPath } = sshConfigPaths(s.log);
    const { cloud } = await s.cloud();
    const plan = await withProgress(
      vscode.l10n.t('Checking whether {0} can be reached over SSH…', ref.instanceId),
      () => preflightConnect(cloud, ref.regionId, ref.instanceId, { sshDir: path.dirname(configPath) }),
      false,
    );
    if (!(await readySessionManager(s, ref.regionId, plan.info))) {
      return { opened: false };
    }
    const name = plan.info.instanceName || plan.info.instanceId;
    const sessionManager = await sessionManagerEntry(s, ref.regionId, ref.instanceId, plan.alias);
    await prepareTempKeys(s, ref.regionId, ref.instanceId);
    const written = writeSshEntry(configPath, {
      alias: plan.alias,
      hostName: ref.instanceId,
      user: plan.user,
      identityFile: sessionKeyFile(s, ref.instanceId),
      comment: `${name} (${plan.info.instanceId}) ${plan.info.regionId}`,
      sessionManager,
    });
    s.log.info(`ssh config ${written.path}: ${written.action} Host ${plan.alias} (Session Manager)`);
    const command = sshCommand(plan.alias, configPath, path.join(os.homedir(), '.ssh', 'config'));
    const terminal = vscode.window.createTerminal({ name: `ssh ${plan.alias}` });
    terminal.show();
    terminal.sendText(command);
    return { opened: true, alias: plan.alias, sshCommand: command };
  },
});
