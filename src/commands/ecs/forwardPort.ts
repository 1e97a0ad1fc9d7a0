/**
 * Forward a Port…: a port on this machine that reaches a port of the instance, or of an address in
 * its VPC (an RDS or Redis endpoint) with the instance as the jump host, through Session Manager
 * (StartTerminalSession's PortNumber and TargetServer). No public IP, no open port.
 */
import * as vscode from 'vscode';
import { ConnectivityApi } from '../../cloud/connectivity';
import { forwardPort } from '../../setup/portForward';
import { showNotice } from '../../ui/prompt';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { instanceRef } from './connectRemoteSsh';
import { instanceArgs } from './instanceInput';
import { readySessionManager, sessionEndMessage } from './sessionManagerSupport';

const portNumber = (v: string) => (/^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? Number(v) : 0);

export const forwardPortCommand = defineCommand({
  id: 'alibabaCloud.ecs.forwardPort',
  node: [InstanceNode],
  args: { ...instanceArgs, port: is.number, targetServer: is.string, localPort: is.number },
  run: async (s, input) => {
    const ref = await instanceRef(s, input, vscode.l10n.t('Forward a Port'));
    const a = input.args;
    const target =
      a.targetServer ??
      (await s.prompt.input({
        title: vscode.l10n.t('Forward a Port'),
        prompt: vscode.l10n.t(
          'An address in the VPC to reach through the instance (an RDS or Redis endpoint), or empty for the instance itself',
        ),
        validateInput: (v) =>
          v === '' || /^[\w.-]{1,253}$/.test(v) ? undefined : vscode.l10n.t('A host name or an IP address.'),
      }));
    const port =
      a.port ??
      portNumber(
        await s.prompt.input({
          title: vscode.l10n.t('Forward a Port'),
          prompt: vscode.l10n.t('The port to reach there'),
          value: target ? '3306' : '22',
          validateInput: (v) => (portNumber(v) ? undefined : vscode.l10n.t('A port number from 1 to 65535.')),
        }),
      );
    const { cloud } = await s.cloud();
    const info = await new ConnectivityApi(cloud.session).describeInstance(ref.regionId, ref.instanceId);
    if (!(await readySessionManager(s, ref.regionId, info))) {
      return { forwarding: false };
    }
    const forward = await forwardPort(cloud, {
      regionId: ref.regionId,
      instanceId: ref.instanceId,
      port,
      targetServer: target || undefined,
      localPort: a.localPort,
      onEnd: (how) => {
        if (how.kind !== 'done') {
          s.log.warn(`forward ${ref.instanceId}: ${JSON.stringify(how)}`);
          void showNotice('warning', sessionEndMessage(how));
        }
      },
    });
    s.context.subscriptions.push(forward);
    const where = target ? `${target}:${port}` : `${info.instanceName || ref.instanceId}:${port}`;
    s.log.info(`forwarding 127.0.0.1:${forward.localPort} to ${where} through ${ref.instanceId}`);
    notify(vscode.l10n.t('Forwarding 127.0.0.1:{0} to {1} through Session Manager.', forward.localPort, where), {
      [vscode.l10n.t('Stop Forwarding')]: () => forward.dispose(),
    });
    return { forwarding: true, localPort: forward.localPort };
  },
});
