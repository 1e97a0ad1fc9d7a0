/**
 * Starts a local Alibaba Cloud (the sandbox) inside the extension host on a loopback port and
 * selects the "Sandbox" profile, so every step can be rehearsed with no account and no cost. It runs
 * realistic (RAM changes reach ECS after seconds, instances take seconds to start, strict grammar
 * and clock, real-size catalogues): a rehearsal is only worth it if it is no friendlier than the
 * real account, and the product waits for all of it.
 */
import * as vscode from 'vscode';
import type { SandboxStarter } from '../../services/localSandbox';
import { defineCommand } from '../command';
import { showNotice } from '../../ui/prompt';

/** Loaded on demand: the sandbox is only for users who ask for it. */
export const startSandboxInHost: SandboxStarter = (options) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSandbox: start } = require('../../sandbox/server') as typeof import('../../sandbox/server');
  return start(options);
};

export const startSandbox = defineCommand({
  id: 'alibabaCloud.startSandbox',
  run: async (s) => {
    // A sandbox this window already talks to (announced by env, e.g. `npm start`) is reused: a second
    // one would hold other state, and roles detected against one would not be found in the other.
    const known = s.profiles.sandboxEndpoint;
    if (!s.sandbox.current && known) {
      await s.profiles.select('sandbox:Sandbox');
      void showNotice(
        'info',
        vscode.l10n.t('A sandbox is already running at {0}; the Sandbox profile uses it.', known),
      );
      return { endpoint: known, reused: true };
    }
    if (!s.sandbox.current) {
      await vscode.workspace.fs.createDirectory(s.context.globalStorageUri);
    }
    const { sandbox, reused } = await s.sandbox.ensure(`${s.context.globalStorageUri.fsPath}/sandbox-state.json`);
    if (!reused) {
      s.log.info(`Sandbox listening on ${sandbox.info.endpoint}`);
    }
    const info = sandbox.info;
    await s.profiles.connectSandbox({
      endpoint: info.endpoint,
      accessKeyId: info.accessKeyId,
      accessKeySecret: info.accessKeySecret,
    });
    // The control routes (faults, clock: /__sandbox/*) need this run's token; it is never logged.
    const copy = vscode.l10n.t('Copy Control Token');
    void showNotice(
      'info',
      reused
        ? vscode.l10n.t('The sandbox is already running at {0}; the Sandbox profile uses it.', info.url)
        : vscode.l10n.t(
            'Sandbox running at {0}: a local Alibaba Cloud with a demo account. Nothing you do here touches a real account.',
            info.url,
          ),
      copy,
    ).then((choice) => {
      if (choice === copy) {
        void vscode.env.clipboard.writeText(info.controlToken);
      }
    });
    return { endpoint: info.endpoint, reused };
  },
});
