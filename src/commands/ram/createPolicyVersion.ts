/**
 * New Policy Version: the current default document opens, bound to the active profile. Saving keeps
 * the edit; "Deploy as New Default RAM Policy Version" in the editor title deploys it (diff, confirmation, and a
 * choice of the version to delete at RAM's limit of 5; commands/ramDeploy).
 */
import { PolicyNode } from '../../views/ramView';
import * as vscode from 'vscode';
import { validatePolicyName } from '../../cloud/names';
import { pickPolicy } from '../../ui/pickers';
import { policyDocumentUri } from '../../fs/ramDocuments';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { onClickedRow } from '../selection';

const createPolicyVersionArgs = {
  policyName: is.string,
  /** Put this text in the editor (unsaved) instead of the current default version's. */
  document: is.string,
};

export const createPolicyVersion = defineCommand({
  id: 'alibabaCloud.ram.createPolicyVersion',
  node: [PolicyNode],
  args: createPolicyVersionArgs,
  run: onClickedRow(
    () => vscode.l10n.t('New RAM Policy Version'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const { cloud } = await s.cloud();
      const policyName =
        node?.policy.policyName ??
        a.policyName ??
        (await pickPolicy(s.prompt, cloud, vscode.l10n.t('New Policy Version'), 'Custom')).policyName;
      const invalid = validatePolicyName(policyName);
      if (invalid) {
        throw new Error(invalid);
      }
      if (node && node.policy.policyType !== 'Custom') {
        throw new Error(
          vscode.l10n.t('{0} is a system policy; only custom policies have versions you can add.', policyName),
        );
      }
      const uri = await policyDocumentUri(s, 'Custom', policyName);
      s.documents.forget(uri);
      const editor = await vscode.window.showTextDocument(uri, { preview: false });
      if (a.document !== undefined) {
        const doc = editor.document;
        await editor.edit((e) =>
          e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), a.document!),
        );
      }
      notify(
        vscode.l10n.t(
          'Edit {0}, then use "Deploy as New Default RAM Policy Version" in the editor title. Saving keeps your edit but changes nothing in RAM.',
          policyName,
        ),
      );
      return editor.document.uri;
    },
  ),
});
