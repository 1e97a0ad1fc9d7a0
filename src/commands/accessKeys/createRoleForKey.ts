/**
 * "Create a role for this key's use": a least-privilege policy draft from what an AccessKey was last
 * used for (ActionTrail GetAccessKeyLastUsedProducts/Resources), proven like a role's proposal, then
 * the ECS role that replaces the key. Given the key's place in a document (the scanner's quick fix),
 * or asked for.
 */
import * as vscode from 'vscode';
import { openPolicyDraft } from '../../fs/ramDocuments';
import { formatPolicy } from '../../policy/builders';
import { proposeForAccessKey } from '../../setup/rightsize';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { defineCommand, is, type ArgsOf } from '../command';
import { notify } from '../helpers';
import { requireOffered } from '../ram/rightsizeRead';

const createRoleForKeyArgs = {
  /** The document and range of the key id (the scanner's finding). */
  uri: is.string,
  offset: is.number,
  length: is.number,
  accessKeyId: is.string,
};

const KEY_ID = /^[A-Za-z0-9]{12,40}$/;

async function keyOf(s: Services, a: ArgsOf<typeof createRoleForKeyArgs>): Promise<string> {
  if (a.uri && a.offset !== undefined && a.length !== undefined) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(a.uri));
    const text = doc.getText().slice(a.offset, a.offset + a.length);
    if (KEY_ID.test(text)) {
      return text;
    }
  }
  if (a.accessKeyId && KEY_ID.test(a.accessKeyId)) {
    return a.accessKeyId;
  }
  return s.prompt.input({
    title: vscode.l10n.t('Create a Role for an AccessKey’s Use'),
    prompt: vscode.l10n.t('The AccessKey ID (not the secret) whose recent use the role should get'),
    validateInput: (v) =>
      KEY_ID.test(v.trim()) ? undefined : vscode.l10n.t('An AccessKey ID is 12 to 40 letters and digits.'),
  });
}

export const createRoleForKey = defineCommand({
  id: 'alibabaCloud.accessKeys.createRoleForKey',
  args: createRoleForKeyArgs,
  run: async (s: Services, { args }) => {
    const accessKeyId = (await keyOf(s, args)).trim();
    const masked = `••••${accessKeyId.slice(-4)}`;
    const { cloud } = await s.cloud();
    const proposal = await withProgress(
      vscode.l10n.t('Reading what AccessKey {0} was last used for…', masked),
      () => proposeForAccessKey(cloud, accessKeyId),
      false,
    );
    requireOffered(
      proposal,
      vscode.l10n.t('AccessKey {0}', masked),
      vscode.l10n.t('ActionTrail has no recorded use of AccessKey {0}: there is nothing to base a policy on.', masked),
    );
    const policyName = `KeyUse-${accessKeyId.slice(-4)}-LeastPrivilege`;
    await openPolicyDraft(
      s,
      { kind: 'newPolicy', policyName, description: vscode.l10n.t('What AccessKey {0} was last used for', masked) },
      formatPolicy(proposal.draft) + '\n',
    );
    notify(
      vscode.l10n.t(
        'Draft from the last use of AccessKey {0}: {1} actions, all {2} observed calls allowed. Only the latest call per service and resource is recorded; create the policy, then give it to an ECS role.',
        masked,
        proposal.diff.draftActions,
        proposal.proof.checked,
      ),
      {
        [vscode.l10n.t('Create ECS Role…')]: () => vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole'),
      },
    );
    return { policyName, draft: proposal.draft, proof: proposal.proof, unmapped: proposal.report.unmapped };
  },
});
