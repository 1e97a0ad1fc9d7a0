/**
 * Create Policy from a template (OSS read-only, one bucket read-only, one bucket/prefix read-write)
 * or a custom skeleton. The document opens as a draft (`*.policy.json`, so the JSON schema and the
 * linter apply) and RAM gets it only through "Create Policy" in the editor title (diff and
 * confirmation, commands/ramDeploy); templates can also be created right away.
 */
import * as vscode from 'vscode';
import { validatePolicyName } from '../cloud/names';
import { withProgress } from '../ui/progress';
import { defaultPolicyName, needsBucket, templateDocument, type TemplateId } from '../policy/templates';
import { askPolicyName, askPrefix, pickBucket, templateItems, validateBucketName } from '../ui/wizardPickers';
import { openPolicyDraft } from '../fs/ramDocuments';
import { PoliciesFolderNode, PolicyGroupNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';
import { assertValidPolicy, isArgs, notify } from './ramCommon';

export interface CreatePolicyArgs {
  policyName: string;
  template: TemplateId;
  bucket?: string;
  prefix?: string;
  description?: string;
  /** A full document instead of a template (custom). */
  document?: string;
  /** Create without opening an editor. Args objects default to true when a document or template is given. */
  createNow?: boolean;
}

export const createPolicy = defineCommand('alibabaCloud.ram.createPolicy', async (s, arg) => {
  const a = argsOf<CreatePolicyArgs>(arg);
  const auto = isArgs(a);
  const title = vscode.l10n.t('Create Policy');
  const { cloud } = await s.cloud();

  const template: TemplateId = a.template ?? (a.document !== undefined ? 'custom'
    : (await s.prompt.pick(templateItems(true), { title, placeHolder: vscode.l10n.t('Start from a template'), matchOnDetail: true })).id);
  let bucket = a.bucket;
  let prefix = a.prefix;
  if (needsBucket(template) && a.document === undefined) {
    bucket ??= await pickBucket(s.prompt, cloud, title);
    const badBucket = validateBucketName(bucket);
    if (badBucket) { throw new Error(badBucket); }
    if (template === 'ossReadWrite' && prefix === undefined && !auto) { prefix = await askPrefix(s.prompt, title); }
  }
  const policyName = (a.policyName ?? await askPolicyName(s.prompt, title, defaultPolicyName(template, bucket, prefix))).trim();
  const invalid = validatePolicyName(policyName);
  if (invalid) { throw new Error(invalid); }
  const document = a.document ?? templateDocument(template, bucket, prefix);

  let createNow = a.createNow ?? (auto ? template !== 'custom' || a.document !== undefined : undefined);
  if (createNow === undefined) {
    if (template === 'custom') {
      createNow = false;
    } else {
      const now = vscode.l10n.t('Create now');
      const item = await s.prompt.pick([
        { label: vscode.l10n.t('Edit first'), description: vscode.l10n.t('open the document; "Create Policy" in its editor title creates it') },
        { label: now, description: vscode.l10n.t('create it from the template as is') },
      ], { title, placeHolder: vscode.l10n.t('Create policy {0}', policyName) });
      createNow = item.label === now;
    }
  }
  const group = arg instanceof PolicyGroupNode || arg instanceof PoliciesFolderNode ? arg : undefined;

  if (!createNow) {
    await openPolicyDraft(s, { kind: 'newPolicy', policyName, description: a.description }, document + '\n');
    notify(vscode.l10n.t('Edit the policy, then use "Create Policy" in the editor title to create {0} in RAM. Saving keeps the draft but sends nothing; problems are marked as you type.', policyName));
    return undefined;
  }
  assertValidPolicy(document);
  try {
    const created = await withProgress(vscode.l10n.t('Creating policy {0}…', policyName), () => cloud.ram.createPolicy(policyName, document, a.description), false);
    notify(vscode.l10n.t('Policy {0} created.', policyName), {
      [vscode.l10n.t('Attach to Role')]: () => vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { policyName, policyType: 'Custom' }),
    });
    return created;
  } finally {
    s.refresh('ram', group);
  }
});
