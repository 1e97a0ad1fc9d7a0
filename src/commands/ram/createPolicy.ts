/**
 * Create Policy from a template (OSS read-only, one bucket read-only, one bucket/prefix read-write)
 * or a custom skeleton. The document opens as a draft (`*.policy.json`, so the JSON schema and the
 * linter apply) and RAM gets it only through "Create Policy" in the editor title (diff and
 * confirmation, commands/ramDeploy); templates can also be created right away.
 */
import * as vscode from 'vscode';
import { validatePolicyName } from '../../cloud/names';
import { withProgress } from '../../ui/progress';
import { defaultPolicyName, needsBucket, templateDocument, type TemplateId } from '../../policy/templates';
import { promptStep, runPromptSteps } from '../../ui/wizard/steps';
import { askPolicyName, askPrefix, pickBucket, templateItems, validateBucketName } from '../../ui/wizard/pickers';
import { openPolicyDraft } from '../../fs/ramDocuments';
import { PoliciesFolderNode, PolicyGroupNode } from '../../views/ramView';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { assertValidPolicy } from '../../editor/policyDiagnostics';
import * as lint from '../../policy/lint';

const createPolicyArgs = {
  policyName: is.string,
  template: is.oneOf<TemplateId>('ossReadOnly', 'ossReadOnlyBucket', 'ossReadWrite', 'custom'),
  bucket: is.string,
  prefix: is.string,
  description: is.string,
  /** A full document instead of a template (custom). */
  document: is.string,
  /** Create without opening an editor. Args objects default to true when a document or template is given. */
  createNow: is.boolean,
};

export const createPolicy = defineCommand({
  id: 'alibabaCloud.ram.createPolicy',
  node: [PolicyGroupNode, PoliciesFolderNode],
  args: createPolicyArgs,
  run: async (s, input) => {
    const a = input.args;
    const auto = input.scripted;
    const title = vscode.l10n.t('Create Policy');
    const { cloud } = await s.cloud();

    interface Ctx {
      template?: TemplateId;
      bucket?: string;
      prefix?: string;
      policyName?: string;
      createNow?: boolean;
    }
    const ctx: Ctx = {
      template: a.template ?? (a.document !== undefined ? 'custom' : undefined),
      bucket: a.bucket,
      prefix: a.prefix ?? (auto ? '' : undefined),
      policyName: a.policyName?.trim(),
      createNow: a.createNow,
    };
    const fromTemplate = (c: Ctx) => needsBucket(c.template) && a.document === undefined;
    await runPromptSteps(
      ctx,
      title,
      [
        // Bucket and prefix belong to the template's answer, so they count under it and the total stays put.
        promptStep<Ctx>(
          (c) => !c.template,
          async (c, p, t) => {
            c.template = (
              await p.pick(templateItems(true), {
                title: t,
                placeHolder: vscode.l10n.t('Start from a template'),
                matchOnDetail: true,
              })
            ).id;
          },
          () => [
            promptStep<Ctx>(
              (c) => fromTemplate(c) && c.bucket === undefined,
              async (c, p, t) => {
                c.bucket = await pickBucket(p, cloud, t);
              },
            ),
            promptStep<Ctx>(
              (c) => fromTemplate(c) && c.template === 'ossReadWrite' && c.prefix === undefined,
              async (c, p, t) => {
                c.prefix = await askPrefix(p, t);
              },
            ),
          ],
          vscode.l10n.t('Bucket'),
        ),
        // A policy that exists is reported at the name (GetPolicy), not by CreatePolicy at the end.
        promptStep<Ctx>(
          (c) => c.policyName === undefined,
          async (c, p, t) => {
            c.policyName = await askPolicyName(p, t, defaultPolicyName(c.template!, c.bucket, c.prefix), cloud);
          },
        ),
        promptStep<Ctx>(
          (c) => c.createNow === undefined && c.template !== 'custom' && !auto,
          async (c, p, t) => {
            const now = vscode.l10n.t('Create now');
            const item = await p.pick(
              [
                {
                  label: vscode.l10n.t('Edit first'),
                  description: vscode.l10n.t('open the document; "Create Policy" in its editor title creates it'),
                },
                { label: now, description: vscode.l10n.t('create it from the template as is') },
              ],
              { title: t, placeHolder: vscode.l10n.t('Create policy {0}', c.policyName!) },
            );
            c.createNow = item.label === now;
          },
        ),
      ],
      s.prompt,
    );
    const template = ctx.template!;
    const { bucket, prefix } = ctx;
    if (fromTemplate(ctx)) {
      const badBucket = validateBucketName(bucket ?? '');
      if (badBucket) {
        throw new Error(badBucket);
      }
    }
    const policyName = ctx.policyName!;
    const invalid = validatePolicyName(policyName);
    if (invalid) {
      throw new Error(invalid);
    }
    const document = a.document ?? templateDocument(template, bucket, prefix);
    const createNow = ctx.createNow ?? (auto && (template !== 'custom' || a.document !== undefined));
    const group = input.node;

    if (!createNow) {
      await openPolicyDraft(s, { kind: 'newPolicy', policyName, description: a.description }, document + '\n');
      notify(
        vscode.l10n.t(
          'Edit the policy, then use "Create Policy" in the editor title to create {0} in RAM. Saving keeps the draft but sends nothing; problems are marked as you type.',
          policyName,
        ),
      );
      return undefined;
    }
    assertValidPolicy(lint, document);
    try {
      const created = await withProgress(
        vscode.l10n.t('Creating policy {0}…', policyName),
        () => cloud.ram.createPolicy(policyName, document, a.description),
        false,
      );
      notify(vscode.l10n.t('Policy {0} created.', policyName), {
        [vscode.l10n.t('Attach to Role')]: () =>
          vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { policyName, policyType: 'Custom' }),
      });
      return created;
    } finally {
      s.refresh('ram', group);
    }
  },
});
