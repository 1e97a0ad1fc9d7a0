/**
 * "Set Up Instance Role": the seed's whole chain in one wizard. Asks for a role (existing and
 * ECS-trusted, or new), a policy (template or existing), an instance (existing VPC, or a new one),
 * shows the plan from planSetup before anything changes, applies it step by step under progress,
 * and ends with what to do on the instance. Re-running skips what is done; a failure names the
 * step, explains it and offers Retry (re-plan, re-apply).
 *
 * Args object (tests, automation): { roleName, roleDescription?, policy: PolicyChoice,
 * instance: InstanceChoice, replaceExistingRole? } — what is missing is asked, and the plan is
 * always confirmed (replaceExistingRole: true puts the detach into that plan; false refuses).
 */
import * as vscode from 'vscode';
import { CloudError } from '../../cloud/errors';
import {
  applySetup,
  isNothingToDo,
  planSetup,
  type ApplyResult,
  type InstanceChoice,
  type PlanStep,
  type PolicyChoice,
  type SetupPlan,
  type SetupRequest,
} from '../../setup/instanceRole';
import { describeError, isCancellation, reportError } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import { promptStep, runPromptSteps, type WizardPromptStep } from '../../ui/wizard/steps';
import { offerNextSteps, type ConnectTarget } from '../../ui/wizard/connectGuide';
import {
  newInstanceSpec,
  newInstanceSteps,
  priceEstimateText,
  type NewInstanceContext,
} from '../../ui/wizard/newInstance';
import { defaultPolicyName, needsBucket, templateDocument, type TemplateId } from '../../policy/templates';
import {
  askPolicyName,
  askPrefix,
  askRoleName,
  NEW,
  pickBucket,
  pickInstanceWithRole,
  pickEcsRole,
  templateItems,
} from '../../ui/wizard/pickers';
import { pickPolicy } from '../../ui/pickers';
import { InstanceNode } from '../../views/ecsView';
import { RoleNode } from '../../views/ramView';
import type { Services } from '../../services/services';
import { is, defineCommand } from '../command';
import { onClickedRow } from '../selection';
import { confirmPowerfulRisk } from '../ram/powerfulPolicyWarning';
import { ecsRolePolicyRisk } from '../../setup/powerfulPolicy';

export const SETUP_COMMAND = 'alibabaCloud.setupInstanceRole';

export interface SetupArgs {
  roleName: string;
  roleDescription?: string;
  policy: PolicyChoice;
  instance: InstanceChoice;
  replaceExistingRole?: boolean;
}

export interface SetupOutcome {
  steps: PlanStep[];
  nothingToDo: boolean;
  result?: ApplyResult;
  /** Set when a step failed and the user did not retry. */
  failed?: { step?: string; message: string };
}

interface Ctx extends NewInstanceContext {
  roleName?: string;
  roleIsNew?: boolean;
  policy?: PolicyChoice;
  instance?: InstanceChoice;
  createInstance?: boolean;
  picked?: { publicIp?: string; privateIp?: string };
  /** The policy step's answer before its own questions (bucket, prefix, name) are answered. */
  template?: TemplateId;
  bucket?: string;
  prefix?: string;
  pickExisting?: boolean;
}

const roleSteps: WizardPromptStep<Ctx>[] = [
  promptStep(
    (c) => !c.roleName && !c.roleIsNew,
    async (c, p, title) => {
      const v = await pickEcsRole(p, c.cloud, title, true);
      if (v === NEW) {
        c.roleIsNew = true;
      } else {
        c.roleName = v;
      }
    },
    (c) =>
      c.roleIsNew && !c.roleName
        ? [
            promptStep(
              (x) => !x.roleName,
              async (x, p, title) => {
                x.roleName = await askRoleName(p, title, undefined, x.cloud);
              },
            ),
          ]
        : undefined,
    vscode.l10n.t('New role'),
  ),
];

/** The policy's own questions, after the template (or "existing") was chosen: each is a step, so Back works between them. */
function policyDetailSteps(c: Ctx): WizardPromptStep<Ctx>[] | undefined {
  if (c.policy) {
    return undefined;
  }
  if (c.pickExisting) {
    return [
      promptStep(
        (x) => !x.policy,
        async (x, p, title) => {
          x.policy = { kind: 'existing', ...(await pickPolicy(p, x.cloud, title)) };
        },
      ),
    ];
  }
  if (!c.template) {
    return undefined;
  }
  return [
    promptStep(
      (x) => needsBucket(x.template) && !x.bucket,
      async (x, p, title) => {
        x.bucket = await pickBucket(p, x.cloud, title);
      },
    ),
    promptStep(
      (x) => x.template === 'ossReadWrite' && x.prefix === undefined,
      async (x, p, title) => {
        x.prefix = await askPrefix(p, title);
      },
    ),
    promptStep(
      (x) => !x.policy,
      async (x, p, title) => {
        const document = templateDocument(x.template!, x.bucket, x.prefix);
        // A policy of that name with this very document is reused (a re-run); another document is a clash, reported here.
        const policyName = await askPolicyName(p, title, defaultPolicyName(x.template!, x.bucket, x.prefix), x.cloud, [
          document,
        ]);
        x.policy = { kind: 'new', policyName, document };
      },
    ),
  ];
}

const policyStep = promptStep<Ctx>(
  (c) => !c.policy && !c.template && !c.pickExisting,
  async (c, p, title) => {
    const EXISTING = '$existing';
    const attached = c.roleIsNew ? [] : await c.cloud.ram.listPoliciesForRole(c.roleName!).catch(() => []);
    const items: Array<vscode.QuickPickItem & { value: TemplateId | typeof EXISTING | PolicyChoice }> = [
      ...attached.map((a) => ({
        label: `$(check) ${a.policyName}`,
        description: vscode.l10n.t('{0} · already attached to {1}', a.policyType, c.roleName!),
        value: { kind: 'existing' as const, policyName: a.policyName, policyType: a.policyType },
      })),
      ...templateItems(false).map((t) => ({
        label: t.label,
        description: t.description,
        detail: t.detail,
        value: t.id,
      })),
      {
        label: `$(library) ${vscode.l10n.t('Use an existing policy…')}`,
        description: vscode.l10n.t('custom or system'),
        value: EXISTING,
      },
    ];
    const choice = (
      await p.pick(items, {
        title,
        placeHolder: vscode.l10n.t('What may programs on the instance do?'),
        matchOnDescription: true,
      })
    ).value;
    if (typeof choice === 'object') {
      c.policy = choice;
      return;
    }
    if (choice === EXISTING) {
      c.pickExisting = true;
      return;
    }
    c.template = choice;
  },
  policyDetailSteps,
  vscode.l10n.t('Policy'),
);

const instanceStep = promptStep<Ctx>(
  (c) => !c.instance && !c.createInstance,
  async (c, p, title) => {
    // Classic instances are listed after the usable ones, marked unavailable with the reason; picking
    // one explains and asks again, keeping every answer.
    const picked = await pickInstanceWithRole(p, c.cloud, title, c.defaultRegion, {
      placeHolder: vscode.l10n.t('Which instance gets the role?'),
      extra: [
        {
          label: `$(add) ${vscode.l10n.t('Create a new instance…')}`,
          description: vscode.l10n.t('VPC, with the role from the start (billable)'),
        },
      ],
    });
    const i = picked.instance;
    if (!i) {
      c.createInstance = true;
      return;
    }
    c.instance = { kind: 'existing', regionId: i.regionId, instanceId: i.instanceId };
    c.picked = { publicIp: i.publicIps[0], privateIp: i.privateIps[0] };
  },
  (c) => (c.createInstance ? newInstanceSteps<Ctx>() : undefined),
  vscode.l10n.t('New instance'),
);

function planText(plan: SetupPlan): string {
  const lines = plan.steps.map((st) => `${st.state === 'done' ? '✓' : '→'} ${st.title}: ${st.detail}`);
  if (plan.steps.some((st) => st.id === 'createInstance' && st.state === 'todo')) {
    lines.push('', vscode.l10n.t('Creating an instance costs money: it is billed pay-as-you-go until you release it.'));
  }
  return lines.join('\n');
}

export const setupInstanceRole = defineCommand({
  id: 'alibabaCloud.setupInstanceRole',
  node: [RoleNode, InstanceNode],
  args: {
    roleName: is.string,
    roleDescription: is.string,
    policy: is.object<PolicyChoice>('a policy choice'),
    instance: is.object<InstanceChoice>('an instance choice'),
    replaceExistingRole: is.boolean,
  },
  run: onClickedRow(
    () => vscode.l10n.t('Set Up Instance Role'),
    async (s, { node, args: a }): Promise<SetupOutcome | undefined> => {
      const { entry, cloud } = await s.cloud();
      const title = vscode.l10n.t('Set Up Instance Role');
      const ctx: Ctx = {
        cloud,
        defaultRegion: entry.regionId,
        roleName: a.roleName,
        policy: a.policy,
        instance: a.instance,
      };
      if (node instanceof RoleNode) {
        ctx.roleName = node.role.roleName;
      }
      if (node instanceof InstanceNode) {
        const i = node.instance;
        ctx.instance = { kind: 'existing', regionId: i.regionId, instanceId: i.instanceId };
        ctx.picked = { publicIp: i.publicIps[0], privateIp: i.privateIps[0] };
      }
      await runPromptSteps(ctx, title, [...roleSteps, policyStep, instanceStep], s.prompt);
      const instance: InstanceChoice = ctx.instance ?? {
        kind: 'create',
        spec: newInstanceSpec(ctx, ctx.roleName),
        allocatePublicIp: !!ctx.allocatePublicIp,
      };
      const request: SetupRequest = {
        roleName: ctx.roleName!,
        roleDescription: a.roleDescription,
        policy: ctx.policy!,
        instance,
        replaceExistingRole: a.replaceExistingRole,
      };

      let plan = await resolve(
        s,
        a,
        await withProgress(vscode.l10n.t('Checking what already exists…'), () => planSetup(cloud, request), false),
      );
      if (!plan) {
        return undefined;
      }
      const target = (result?: ApplyResult): ConnectTarget => ({
        instanceId: result?.instanceId ?? (instance.kind === 'existing' ? instance.instanceId : ''),
        roleName: request.roleName,
        regionId: instance.kind === 'existing' ? instance.regionId : instance.spec.regionId,
        publicIp: result?.publicIp ?? ctx.picked?.publicIp ?? plan?.instance?.publicIps[0],
        privateIp: ctx.picked?.privateIp ?? plan?.instance?.privateIps[0],
      });
      if (isNothingToDo(plan)) {
        offerNextSteps(s.readOnly, vscode.l10n.t('Nothing to do: everything is already set up.'), target());
        return { steps: plan.steps, nothingToDo: true };
      }
      // Before the plan's own question: a powerful policy (AdministratorAccess, ram:*) on the instance
      // role gets the same warning as Attach Policy to Role.
      if (plan.steps.some((st) => st.id === 'attachPolicy' && st.state === 'todo')) {
        const p = request.policy;
        const risk = await ecsRolePolicyRisk(
          cloud,
          request.roleName,
          p.policyName,
          p.kind === 'existing' ? p.policyType : 'Custom',
          p.kind === 'new' ? p.document : undefined,
        );
        if (risk && !(await confirmPowerfulRisk(s, risk))) {
          return undefined;
        }
      }
      // Always asked, also with an args object: the plan can bill (a new instance) and replace a role.
      const billable = plan.steps.some((st) => st.id === 'createInstance');
      const apply = billable ? vscode.l10n.t('Create Instance and Apply') : vscode.l10n.t('Apply');
      const what = instance.kind === 'existing' ? instance.instanceId : instance.spec.instanceName;
      const price =
        billable && instance.kind === 'create' ? `\n\n${await priceEstimateText(cloud, instance.spec)}` : '';
      if (
        (await s.prompt.choose(
          vscode.l10n.t('Set up role {0} on {1}?', request.roleName, what),
          planText(plan) + price,
          [apply],
        )) !== apply
      ) {
        return undefined;
      }

      for (;;) {
        const todo = plan.steps.filter((st) => st.state === 'todo').length;
        try {
          const result = await withProgress(title, (report, signal) =>
            applySetup(cloud, plan!, {
              onStep: (step, phase) => {
                if (phase === 'start') {
                  report(step.title);
                } else if (phase === 'done') {
                  report(step.title, 100 / todo);
                }
              },
              // "Attach X to i-…: waiting for RAM to reach ECS… 4 s"
              onWait: (step, message) => report(vscode.l10n.t('{0}: {1}', step.title, message)),
              signal,
            }),
          );
          refreshAfter(s, node, result.applied);
          const t = target(result);
          offerNextSteps(
            s.readOnly,
            vscode.l10n.t(
              'Done: role {0} is on instance {1}. Programs on it get temporary credentials from the metadata service, with no AccessKey on the machine.',
              request.roleName,
              t.instanceId,
            ),
            t,
          );
          return { steps: plan.steps, nothingToDo: false, result };
        } catch (e) {
          s.refresh('ram');
          s.refresh('ecs');
          if (isCancellation(e)) {
            throw e;
          }
          // The funnel names the step, explains the code and offers Retry: done steps stay done, so a
          // retry re-plans and continues from the failed step.
          const retry = vscode.l10n.t('Retry');
          if ((await reportError(s, e, SETUP_COMMAND, { actions: [retry] })) !== retry) {
            return {
              steps: plan.steps,
              nothingToDo: false,
              failed: { step: (e as { step?: PlanStep }).step?.title, message: describeError(e).message },
            };
          }
          plan = await resolve(s, a, await planSetup(cloud, plan.request));
          if (!plan) {
            return undefined;
          }
          if (isNothingToDo(plan)) {
            offerNextSteps(s.readOnly, vscode.l10n.t('Nothing to do: everything is already set up.'), target());
            return { steps: plan.steps, nothingToDo: true };
          }
        }
      }
    },
  ),
});

/** A blocked plan: offers Replace when the instance has another role, otherwise stops with the reason. */
async function resolve(s: Services, a: Partial<SetupArgs>, plan: SetupPlan): Promise<SetupPlan | undefined> {
  while (plan.blocked) {
    const b = plan.blocked;
    if (b.code === 'InvalidInput') {
      throw new Error(b.reason);
    }
    if (b.code !== 'InstanceHasRole' || plan.request.replaceExistingRole || a.replaceExistingRole === false) {
      throw new CloudError({ code: b.code, service: 'ecs', message: b.reason });
    }
    const replace = vscode.l10n.t('Replace');
    const go = await s.prompt.choose(
      b.reason,
      vscode.l10n.t(
        'Replace detaches {0} (programs on the instance lose its permissions) and attaches {1}.',
        b.currentRole ?? '',
        plan.request.roleName,
      ),
      [replace],
    );
    if (go !== replace) {
      return undefined;
    }
    const cloud = (await s.cloud()).cloud;
    plan = await planSetup(cloud, { ...plan.request, replaceExistingRole: true });
  }
  return plan;
}

function refreshAfter(s: Services, arg: unknown, applied: string[]): void {
  if (
    applied.some((id) => id === 'createRole' || id === 'trustEcs' || id === 'createPolicy' || id === 'attachPolicy')
  ) {
    s.refresh('ram');
  }
  if (applied.some((id) => id === 'attachRole' || id === 'detachOldRole' || id === 'createInstance')) {
    s.refresh('ecs', arg instanceof InstanceNode ? arg.parent : undefined);
  }
}
