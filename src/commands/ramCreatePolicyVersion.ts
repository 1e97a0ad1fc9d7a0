/** New Policy Version: the current default document opens as a draft; saving makes a new default version. */
import * as vscode from 'vscode';
import { validatePolicyName } from '../cloud/names';
import { pickPolicy } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { openPolicyDraft } from '../views/documents';
import { PolicyNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';
import { assertValidPolicy, notify } from './ramCommon';

export interface CreatePolicyVersionArgs {
  policyName: string;
  /** Create the version from this document at once instead of opening a draft. */
  document?: string;
}

const pretty = (doc: string): string => {
  try { return JSON.stringify(JSON.parse(doc), null, 2); } catch { return doc; }
};

export const createPolicyVersion = defineCommand('alibabaCloud.ram.createPolicyVersion', async (s, arg) => {
  const a = argsOf<CreatePolicyVersionArgs>(arg);
  const node = arg instanceof PolicyNode ? arg : undefined;
  const { cloud } = await s.cloud();
  const policyName = node?.policy.policyName ?? a.policyName
    ?? (await pickPolicy(s.prompt, cloud, vscode.l10n.t('New Policy Version'), 'Custom')).policyName;
  const invalid = validatePolicyName(policyName);
  if (invalid) { throw new Error(invalid); }
  if (node && node.policy.policyType !== 'Custom') {
    throw new Error(vscode.l10n.t('{0} is a system policy; only custom policies have versions you can add.', policyName));
  }

  if (a.document !== undefined) {
    assertValidPolicy(a.document);
    try {
      const version = await withProgress(vscode.l10n.t('Creating a new version of {0}…', policyName), () => cloud.ram.createPolicyVersion(policyName, a.document!, true), false);
      notify(vscode.l10n.t('{0} is now at version {1}.', policyName, version.versionId));
      return version;
    } finally {
      s.refresh('ram', node);
    }
  }
  const current = await cloud.ram.getPolicy(policyName, 'Custom');
  await openPolicyDraft({ kind: 'newVersion', policyName }, pretty(current.document) + '\n');
  notify(vscode.l10n.t('This is version {0} of {1}. Save (Ctrl+S) to make your edit the new default version; RAM keeps at most 5 versions and drops the oldest non-default one.', current.policy.defaultVersion, policyName));
  return undefined;
});
