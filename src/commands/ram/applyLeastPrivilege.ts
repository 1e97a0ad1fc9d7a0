/**
 * Apply a least-privilege draft to its role through the deploy flow's steps: the diff against what
 * the role's policies allow today, a modal confirmation naming the account, the profile and every
 * entity the change touches, then a new custom policy attached and the old ones detached (undone
 * if a step fails), and a Roll Back offered afterwards.
 */
import * as vscode from 'vscode';
import { assertValidPolicy } from '../../editor/policyDiagnostics';
import { lintKind, parseLiveUri } from '../../fs/ramDocuments';
import { formatPolicy } from '../../policy/builders';
import { statementsOf } from '../../policy/evaluate';
import { applyRightsize, currentPolicies, rollBackRightsize } from '../../setup/rightsize';
import { UserCancelled } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import { cloudForWrite } from '../../services/liveBinding';
import type { Services } from '../../services/services';
import * as lint from '../../policy/lint';
import { defineCommand, is, type ArgsOf } from '../command';
import { notify } from '../helpers';

export const applyLeastPrivilegeArgs = {
  roleName: is.string,
  /** The draft's document URI (Propose Least-Privilege Policy opened it). */
  uri: is.string,
};
export type ApplyLeastPrivilegeArgs = ArgsOf<typeof applyLeastPrivilegeArgs>;

export const applyLeastPrivilege = defineCommand({
  id: 'alibabaCloud.ram.applyLeastPrivilege',
  args: applyLeastPrivilegeArgs,
  run: async (s: Services, { args: a }) => {
    const uri = a.uri ? vscode.Uri.parse(a.uri) : vscode.window.activeTextEditor?.document.uri;
    const parsed = uri && parseLiveUri(uri);
    if (!uri || !parsed || parsed.target.kind !== 'newPolicy' || !a.roleName) {
      throw new Error(vscode.l10n.t('Run "Propose Least-Privilege Policy" on a role first.'));
    }
    const { target, binding } = parsed;
    const roleName = a.roleName;
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    assertValidPolicy(lint, text, lintKind(target));
    const bound = await cloudForWrite(s, binding, vscode.l10n.t('Policy {0}', target.policyName));
    try {
      const { cloud, entry } = bound;
      const [current, identity] = await Promise.all([currentPolicies(cloud, roleName), cloud.whoAmI()]);
      const account = identity.accountId;
      const live = formatPolicy({ Version: '1', Statement: current.documents.flatMap((d) => statementsOf(d)) });
      const left = s.documents.snapshot(uri, 'current', live);
      await vscode.commands.executeCommand(
        'vscode.diff',
        left,
        uri,
        vscode.l10n.t('{0}: current policies ↔ least privilege · {1}', roleName, entry.name),
        { preview: true },
      );
      const detachList = current.attached.map((p) => `${p.policyName} (${p.policyType})`).join(', ');
      const ok = await s.prompt.confirm(
        vscode.l10n.t(
          'Replace the policies of role {0} in account {1} (profile {2}) with {3}?',
          roleName,
          account,
          entry.name,
          target.policyName,
        ),
        [
          vscode.l10n.t('Creates custom policy {0} and attaches it to role {1}.', target.policyName, roleName),
          current.attached.length
            ? vscode.l10n.t('Detaches from role {0}: {1}.', roleName, detachList)
            : vscode.l10n.t('Role {0} has no other policy to detach.', roleName),
          vscode.l10n.t('Instances and sessions using the role get the new permissions within seconds.'),
        ].join('\n\n'),
        vscode.l10n.t('Apply Least Privilege'),
      );
      if (!ok) {
        throw new UserCancelled();
      }
      const result = await withProgress(
        vscode.l10n.t('Applying {0} to role {1}…', target.policyName, roleName),
        () =>
          applyRightsize(cloud, {
            roleName,
            policyName: target.policyName,
            document: text,
            description: target.description,
            detach: current.attached,
          }),
        false,
      );
      s.documents.deployed(uri);
      s.refresh('ram');
      notify(vscode.l10n.t('Role {0} now holds only {1} in account {2}.', roleName, target.policyName, account), {
        [vscode.l10n.t('Roll Back')]: () =>
          withProgress(
            vscode.l10n.t('Restoring the policies of role {0}…', roleName),
            () => rollBackRightsize(cloud, roleName, result),
            false,
          ).then(() => s.refresh('ram')),
      });
      return { roleName, policyName: result.created, detached: result.detached.map((p) => p.policyName), account };
    } finally {
      bound.release();
    }
  },
});
