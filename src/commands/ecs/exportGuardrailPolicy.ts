/**
 * Export Guardrail Policy: the deny policy that keeps instances hardened only, opened as an
 * unsaved policy draft (the policy editor lints it) for the user to review, then create as a
 * custom policy or paste into a Resource Directory control policy. Nothing is sent to the cloud.
 */
import * as vscode from 'vscode';
import { formatPolicy } from '../../policy/builders';
import { HARDENING_CONDITION_KEY, metadataGuardrailPolicy } from '../../policy/metadataGuardrail';
import { defineCommand } from '../command';

export const exportGuardrailPolicy = defineCommand({
  id: 'alibabaCloud.ecs.exportGuardrailPolicy',
  run: async (s) => {
    const text = formatPolicy(metadataGuardrailPolicy());
    const uri = vscode.Uri.from({ scheme: 'untitled', path: 'metadata-hardening-guardrail.ram-policy.json' });
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    if (!doc.getText().trim()) {
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), `${text}\n`));
    }
    void s.prompt.notify(
      vscode.l10n.t(
        'Draft guardrail, as documented: denies RunInstances, CreateInstance and ModifyInstanceMetadataOptions unless metadata is hardened only ({0}). It also denies Roll Back (back to normal mode) to whoever it is attached to. Review it, then create it as a custom policy (or a Resource Directory control policy) and attach it.',
        HARDENING_CONDITION_KEY,
      ),
      [],
    );
    return { uri: doc.uri.toString(), text };
  },
});
