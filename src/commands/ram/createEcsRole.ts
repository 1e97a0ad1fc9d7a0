/** Create ECS Role: a RAM role whose trust policy lets ecs.aliyuncs.com assume it. */
import * as vscode from 'vscode';
import { validateRoleName } from '../../cloud/names';
import { formatPolicy, serviceTrustPolicy } from '../../policy/builders';
import { askRoleName } from '../../ui/wizard/pickers';
import { retryWith } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import { promptStep, runPromptSteps } from '../../ui/wizard/steps';
import { RolesFolderNode } from '../../views/ramView';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';

const createEcsRoleArgs = {
  roleName: is.string,
  description: is.string,
};

export const createEcsRole = defineCommand({
  id: 'alibabaCloud.ram.createEcsRole',
  node: [RolesFolderNode],
  args: createEcsRoleArgs,
  run: async (s, input) => {
    const a = input.args;
    const title = vscode.l10n.t('Create ECS Role');
    const { cloud } = await s.cloud();
    const ctx: { roleName?: string; description?: string } = {
      roleName: a.roleName?.trim(),
      description: a.description ?? (input.scripted ? '' : undefined),
    };
    await runPromptSteps(
      ctx,
      title,
      [
        // A role that exists is reported at the name, not by CreateRole after the description.
        promptStep(
          (c) => c.roleName === undefined,
          async (c, p, t) => {
            c.roleName = await askRoleName(p, t, undefined, cloud);
          },
        ),
        promptStep(
          (c) => c.description === undefined,
          async (c, p, t) => {
            c.description = (
              await p.input({
                title: t,
                prompt: vscode.l10n.t('Description (optional)'),
                placeHolder: vscode.l10n.t('e.g. Web servers that read OSS'),
                validateInput: (v) => (v.length <= 1024 ? undefined : vscode.l10n.t('At most 1024 characters.')),
              })
            ).trim();
          },
        ),
      ],
      s.prompt,
    );
    const roleName = ctx.roleName!;
    const description = ctx.description || undefined;
    // RAM's naming rules, checked before any call (args objects skip the input box).
    const invalid = validateRoleName(roleName);
    if (invalid) {
      throw new Error(invalid);
    }

    try {
      const role = await withProgress(
        vscode.l10n.t('Creating role {0}…', roleName),
        () => cloud.ram.createRole(roleName, formatPolicy(serviceTrustPolicy()), description),
        false,
      ).catch((e: unknown) => {
        throw retryWith(e, { roleName, description: description ?? '' });
      });
      notify(
        vscode.l10n.t(
          'Role {0} created; ECS instances can assume it. Next, attach a policy that says what it may do.',
          roleName,
        ),
        {
          [vscode.l10n.t('Attach Policy')]: () =>
            vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { roleName }),
        },
      );
      return role;
    } finally {
      s.refresh('ram', input.node);
    }
  },
});
