/**
 * Create PassRole Policy for a RAM User: a RAM user (sub-account) may put a role on instances only
 * with ram:PassRole on that role. Builds valid JSON scoped to the role's ARN plus the ECS actions
 * needed (the documented sample is malformed), shows it, creates it as a custom policy and
 * attaches it to the chosen user.
 */
import * as vscode from 'vscode';
import { isCloudError } from '../cloud/errors';
import { validatePolicyName } from '../cloud/names';
import { formatPolicy, passRolePolicy } from '../policy/builders';
import { pickRole, pickUser } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { showReadOnlyDocument } from '../ui/readOnlyDocument';
import { askPolicyName, toPolicyName } from '../ui/wizardPickers';
import { RoleNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';
import { assertValidPolicy, isArgs, notify, sameJson } from './ramCommon';

export interface PassRoleArgs {
  roleName: string;
  userName: string;
  policyName?: string;
  /** Also allow RunInstances (creating instances with the role), not only attach/detach. */
  includeRunInstances?: boolean;
}

export const createPassRolePolicy = defineCommand('alibabaCloud.ram.createPassRolePolicy', async (s, arg) => {
  const a = argsOf<PassRoleArgs>(arg);
  const auto = isArgs(a);
  const title = vscode.l10n.t('Create PassRole Policy for a RAM User');
  const { cloud } = await s.cloud();
  const roleName = arg instanceof RoleNode ? arg.role.roleName : a.roleName ?? await pickRole(s.prompt, cloud, title);
  const policyName = (a.policyName ?? (auto ? toPolicyName(`PassRole-${roleName}`) : await askPolicyName(s.prompt, title, toPolicyName(`PassRole-${roleName}`)))).trim();
  const invalid = validatePolicyName(policyName);
  if (invalid) { throw new Error(invalid); }
  let includeRunInstances = a.includeRunInstances;
  if (includeRunInstances === undefined) {
    const run = vscode.l10n.t('Attach and create');
    includeRunInstances = auto ? false : (await s.prompt.pick([
      { label: vscode.l10n.t('Attach only'), description: vscode.l10n.t('put the role on existing instances, or take it off') },
      { label: run, description: vscode.l10n.t('also create instances with the role (RunInstances)') },
    ], { title, placeHolder: vscode.l10n.t('What should the user be able to do with {0}?', roleName) })).label === run;
  }

  const arn = arg instanceof RoleNode ? arg.role.arn : (await cloud.ram.getRole(roleName)).arn;
  const document = formatPolicy(passRolePolicy(arn, { includeRunInstances }));
  assertValidPolicy(document);
  if (!auto) {
    // Show exactly what will be created, beside the current editor.
    await showReadOnlyDocument(`/ram/${policyName}.json`, document + '\n', { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }
  const userName = a.userName ?? await pickUser(s.prompt, cloud, vscode.l10n.t('Attach {0} to which RAM user?', policyName));
  const action = vscode.l10n.t('Create and Attach');
  // Always asked: it grants a user the power to hand the role to instances (see ramCommon.isArgs).
  const ok = (await s.prompt.choose(
    vscode.l10n.t('Create policy {0} and attach it to {1}?', policyName, userName),
    vscode.l10n.t('{0} may then pass {1} ({2}) to ECS: {3}.', userName, roleName, arn,
      includeRunInstances ? vscode.l10n.t('attach, detach, and create instances with it') : vscode.l10n.t('attach it to and detach it from instances')),
    [action])) === action;
  if (!ok) { return undefined; }

  try {
    await withProgress(title, async (report) => {
      report(vscode.l10n.t('Creating policy {0}…', policyName));
      try {
        await cloud.ram.createPolicy(policyName, document, vscode.l10n.t('Lets a RAM user pass role {0} to ECS instances', roleName));
      } catch (e) {
        // Re-running is fine when the existing policy says the same thing.
        if (!isCloudError(e, 'EntityAlreadyExists.Policy')) { throw e; }
        const existing = await cloud.ram.getPolicy(policyName, 'Custom');
        if (!sameJson(existing.document, document)) { throw e; }
      }
      report(vscode.l10n.t('Attaching it to {0}…', userName));
      try {
        await cloud.ram.attachPolicyToUser(userName, policyName, 'Custom');
      } catch (e) {
        if (!isCloudError(e, 'EntityAlreadyExists.User.Policy')) { throw e; }
      }
    }, false);
  } finally {
    s.refresh('ram');
  }
  notify(vscode.l10n.t('{0} can now pass role {1} to ECS instances (policy {2}).', userName, roleName, policyName));
  return { policyName, userName, roleArn: arn, document };
});
