/**
 * Create PassRole Policy for a RAM User: a RAM user (sub-account) may put a role on instances only
 * with ram:PassRole on that role. Builds valid JSON scoped to the role's ARN plus the ECS actions
 * needed (the documented sample is malformed), shows it, creates it as a custom policy and
 * attaches it to the chosen user.
 */
import * as vscode from 'vscode';
import { isCloudError } from '../../cloud/errors';
import { validatePolicyName } from '../../cloud/names';
import { formatPolicy, passRolePolicy } from '../../policy/builders';
import { pickRole, pickUser } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { besideColumn } from '../../ui/readOnlyDocument';
import { toPolicyName } from '../../policy/templates';
import { promptStep, runPromptSteps } from '../../ui/wizard/steps';
import { askPolicyName } from '../../ui/wizard/pickers';
import { RoleNode } from '../../views/ramView';
import { defineCommand, is } from '../command';
import { notify, sameJson } from '../helpers';
import { assertValidPolicy } from '../../editor/policyDiagnostics';
import * as lint from '../../policy/lint';
import { onClickedRow } from '../selection';

const passRoleArgs = {
  roleName: is.string,
  userName: is.string,
  policyName: is.string,
  /** Also allow RunInstances (creating instances with the role), not only attach/detach. */
  includeRunInstances: is.boolean,
};

export const createPassRolePolicy = defineCommand({
  id: 'alibabaCloud.ram.createPassRolePolicy',
  node: [RoleNode],
  args: passRoleArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Create PassRole Policy for a RAM User'),
    async (s, input) => {
      const a = input.args;
      const auto = input.scripted;
      const title = vscode.l10n.t('Create PassRole Policy for a RAM User');
      const { cloud } = await s.cloud();
      interface Ctx {
        roleName?: string;
        arn?: string;
        policyName?: string;
        includeRunInstances?: boolean;
        userName?: string;
      }
      const ctx: Ctx = {
        roleName: input.node ? input.node.role.roleName : a.roleName,
        arn: input.node?.role.arn,
        policyName: a.policyName?.trim(),
        includeRunInstances: a.includeRunInstances ?? (auto ? false : undefined),
        userName: a.userName,
      };
      const documentOf = (c: Ctx, run: boolean) => formatPolicy(passRolePolicy(c.arn!, { includeRunInstances: run }));
      await runPromptSteps(
        ctx,
        title,
        [
          promptStep<Ctx>(
            (c) => !c.roleName,
            async (c, p, t) => {
              c.roleName = await pickRole(p, cloud, t);
            },
          ),
          promptStep<Ctx>(
            (c) => !c.policyName && !auto,
            async (c, p, t) => {
              c.arn ??= (await cloud.ram.getRole(c.roleName!)).arn;
              // A policy of that name is reported here, unless it already says this (a re-run reuses it).
              c.policyName = await askPolicyName(p, t, toPolicyName(`PassRole-${c.roleName}`), cloud, [
                documentOf(c, false),
                documentOf(c, true),
              ]);
            },
          ),
          promptStep<Ctx>(
            (c) => c.includeRunInstances === undefined,
            async (c, p, t) => {
              const run = vscode.l10n.t('Attach and create');
              c.includeRunInstances =
                (
                  await p.pick(
                    [
                      {
                        label: vscode.l10n.t('Attach only'),
                        description: vscode.l10n.t('put the role on existing instances, or take it off'),
                      },
                      { label: run, description: vscode.l10n.t('also create instances with the role (RunInstances)') },
                    ],
                    {
                      title: t,
                      placeHolder: vscode.l10n.t('What should the user be able to do with {0}?', c.roleName!),
                    },
                  )
                ).label === run;
              // Show exactly what will be created, beside the current editor, before the user is picked.
              c.arn ??= (await cloud.ram.getRole(c.roleName!)).arn;
              await s.readOnly.show(
                `/ram/${c.policyName ?? toPolicyName(`PassRole-${c.roleName}`)}.json`,
                documentOf(c, c.includeRunInstances) + '\n',
                { viewColumn: besideColumn(), preview: true, preserveFocus: true },
              );
            },
          ),
          promptStep<Ctx>(
            (c) => !c.userName,
            async (c, p, t) => {
              c.userName = await pickUser(p, cloud, t);
            },
          ),
        ],
        s.prompt,
      );
      const roleName = ctx.roleName!;
      const policyName = ctx.policyName ?? toPolicyName(`PassRole-${roleName}`);
      const invalid = validatePolicyName(policyName);
      if (invalid) {
        throw new Error(invalid);
      }
      const includeRunInstances = !!ctx.includeRunInstances;
      const arn = ctx.arn ?? (await cloud.ram.getRole(roleName)).arn;
      const document = formatPolicy(passRolePolicy(arn, { includeRunInstances }));
      assertValidPolicy(lint, document);
      const userName = ctx.userName!;
      const action = vscode.l10n.t('Create and Attach');
      // Always asked: it grants a user the power to hand the role to instances (see Input.scripted in command.ts).
      const ok =
        (await s.prompt.choose(
          vscode.l10n.t('Create policy {0} and attach it to {1}?', policyName, userName),
          vscode.l10n.t(
            '{0} may then pass {1} ({2}) to ECS: {3}.',
            userName,
            roleName,
            arn,
            includeRunInstances
              ? vscode.l10n.t('attach, detach, and create instances with it')
              : vscode.l10n.t('attach it to and detach it from instances'),
          ),
          [action],
        )) === action;
      if (!ok) {
        return undefined;
      }

      try {
        await withProgress(
          title,
          async (report) => {
            report(vscode.l10n.t('Creating policy {0}…', policyName));
            try {
              await cloud.ram.createPolicy(
                policyName,
                document,
                vscode.l10n.t('Lets a RAM user pass role {0} to ECS instances', roleName),
              );
            } catch (e) {
              // Re-running is fine when the existing policy says the same thing.
              if (!isCloudError(e, 'EntityAlreadyExists.Policy')) {
                throw e;
              }
              const existing = await cloud.ram.getPolicy(policyName, 'Custom');
              if (!sameJson(existing.document, document)) {
                throw e;
              }
            }
            report(vscode.l10n.t('Attaching it to {0}…', userName));
            try {
              await cloud.ram.attachPolicyToUser(userName, policyName, 'Custom');
            } catch (e) {
              if (!isCloudError(e, 'EntityAlreadyExists.User.Policy')) {
                throw e;
              }
            }
          },
          false,
        );
      } finally {
        s.refresh('ram');
      }
      notify(vscode.l10n.t('{0} can now pass role {1} to ECS instances (policy {2}).', userName, roleName, policyName));
      return { policyName, userName, roleArn: arn, document };
    },
  ),
});
