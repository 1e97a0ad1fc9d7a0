/**
 * Propose Least-Privilege Policy: the narrowest policy that allows every call the role made in 90
 * days, opened as a draft (the draft editor and its Problems), offered only when the proof passed,
 * with the report beside it. Denied calls are offered with the statement that would allow each,
 * none checked.
 */
import * as vscode from 'vscode';
import { openPolicyDraft } from '../../fs/ramDocuments';
import { formatPolicy } from '../../policy/builders';
import { statementFor } from '../../policy/rightsize';
import type { PolicyStatement } from '../../policy/types';
import { proposeForRole } from '../../setup/rightsize';
import { UserCancelled } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { defineCommand } from '../command';
import { notify } from '../helpers';
import { onClickedRow } from '../selection';
import {
  activityMarkdown,
  logDumpOffer,
  readWithProgress,
  requireOffered,
  rightsizeArgs,
  roleOf,
} from './rightsizeRead';

/** RAM policy names: letters, digits and hyphens, at most 128 characters. */
export const leastPrivilegeName = (roleName: string) =>
  `${roleName.replace(/[^A-Za-z0-9-]/g, '-')}-LeastPrivilege`.slice(0, 128);

export const proposeLeastPrivilege = defineCommand({
  id: 'alibabaCloud.ram.proposeLeastPrivilege',
  node: [RoleNode],
  args: rightsizeArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Propose Least-Privilege Policy'),
    async (s: Services, input) => {
      const { cloud } = await s.cloud();
      const roleName = await roleOf(s, cloud, input, vscode.l10n.t('Propose Least-Privilege Policy'));
      const activity = await readWithProgress(cloud, roleName);
      const { proposal } = await withProgress(
        vscode.l10n.t('Building and proving the policy for {0}…', roleName),
        () => proposeForRole(cloud, activity),
        false,
      );
      await s.readOnly.show(`/ram/${roleName}.proposal.md`, activityMarkdown(activity, proposal), {
        preview: false,
        // The second column: the draft opens in the first (below), so no group is left empty.
        viewColumn: vscode.ViewColumn.Two,
      });
      requireOffered(
        proposal,
        roleName,
        vscode.l10n.t(
          'Role {0} made no allowed call in the period read: there is nothing to base a policy on.',
          roleName,
        ),
      );
      let extra: PolicyStatement[] = [];
      if (proposal.report.denied.length) {
        const items = proposal.report.denied.map((d) => ({
          label: d.action,
          description: `${d.errorCode} × ${d.count}`,
          detail: JSON.stringify(statementFor(d)),
          picked: false,
          statement: statementFor(d),
        }));
        // Escape adds none: the denied calls are offered, never pressed on the user.
        const picked = await s.prompt
          .pickMany(items, {
            title: vscode.l10n.t('Role {0} was refused these calls', roleName),
            placeHolder: vscode.l10n.t(
              'Check a call to add the statement that would allow it; none is added unless checked',
            ),
          })
          .catch((e: unknown) => {
            if (e instanceof UserCancelled) {
              return [];
            }
            throw e;
          });
        extra = picked.map((i) => i.statement);
      }
      const draft = { ...proposal.draft, Statement: [...proposal.draft.Statement, ...extra] };
      const policyName = leastPrivilegeName(roleName);
      const editor = await openPolicyDraft(
        s,
        {
          kind: 'newPolicy',
          policyName,
          description: vscode.l10n.t('Least privilege for {0}, from 90 days of activity', roleName).slice(0, 1024),
        },
        formatPolicy(draft) + '\n',
        // Beside the report (in the second column), not over it: the proof and the draft side by side.
        vscode.ViewColumn.One,
      );
      const uri = editor.document.uri;
      notify(
        vscode.l10n.t(
          'Proof: all {0} observed allowed calls of {1} are allowed by the draft; it removes {2} of {3} actions.',
          proposal.proof.checked,
          roleName,
          proposal.diff.removed,
          proposal.diff.current,
        ),
        {
          [vscode.l10n.t('Apply to Role…')]: () =>
            vscode.commands.executeCommand('alibabaCloud.ram.applyLeastPrivilege', { roleName, uri: uri.toString() }),
          [vscode.l10n.t('Export as Terraform')]: () =>
            vscode.commands.executeCommand('alibabaCloud.ram.exportLeastPrivilegeTerraform', {
              roleName,
              uri: uri.toString(),
            }),
          [vscode.l10n.t('Export as CLI Script')]: () =>
            vscode.commands.executeCommand('alibabaCloud.ram.exportLeastPrivilegeCli', {
              roleName,
              uri: uri.toString(),
            }),
          ...logDumpOffer(activity),
        },
      );
      return {
        roleName,
        policyName,
        uri: uri.toString(),
        draft,
        proof: proposal.proof,
        diff: proposal.diff,
        unmapped: proposal.report.unmapped,
        denied: proposal.report.denied.map((d) => d.action),
        objectSources: activity.objectSources.map(({ error, ...o }) => ({ ...o, error: error?.message })),
      };
    },
  ),
});
