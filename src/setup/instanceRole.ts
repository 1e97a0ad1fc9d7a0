/**
 * The seed's whole chain as plain async steps: role trusted by ECS → permission policy → attach →
 * role on an instance (existing VPC instance, or a new one created with the role). `planSetup`
 * reads what exists and says what would change; `applySetup` does only the missing steps, in
 * order, and stops at the first failure so a re-run resumes where it stopped.
 */
import { randomUUID } from 'node:crypto';
import type { Cloud } from '../cloud';
import { CloudError, isCloudError } from '../cloud/errors';
import type { EcsInstance, NewInstance } from '../cloud/ecs';
import { checkInstanceLogin } from '../cloud/ecs';
import { someNames } from '../cloud/inert';
import { l10n } from '../cloud/l10n';
import { validateInstanceName, validatePolicyName, validateRoleName } from '../cloud/names';
import type { PolicyType } from '../cloud/ram';
import { waitForPropagation } from '../cloud/waiting';
import { waitForRunning } from './instanceLifecycle';
import { ECS_SERVICE, formatPolicy, serviceTrustPolicy } from '../policy/builders';
import type { PolicyDocument } from '../policy/types';
import { statementsOf } from '../policy/evaluate';
import { policyErrors } from '../policy/lint';
import { trustsService } from '../policy/trust';
import { SetupError, type PlanStep, type StepId } from './setupError';

export { SetupError, type PlanStep, type StepId } from './setupError';

export type PolicyChoice =
  | { kind: 'existing'; policyName: string; policyType: PolicyType }
  | { kind: 'new'; policyName: string; document: string; description?: string };

export type InstanceChoice =
  | { kind: 'existing'; regionId: string; instanceId: string }
  | { kind: 'create'; spec: NewInstance; allocatePublicIp?: boolean };

export interface SetupRequest {
  roleName: string;
  roleDescription?: string;
  policy: PolicyChoice;
  instance: InstanceChoice;
  /** The instance already has another role: detach it and attach ours. */
  replaceExistingRole?: boolean;
}

export interface SetupPlan {
  request: SetupRequest;
  steps: PlanStep[];
  /** Set when the plan cannot be applied as asked; nothing is called. */
  blocked?: { reason: string; code: string; currentRole?: string };
  instance?: EcsInstance;
  currentRole?: string;
}

/** Input checks that need no API call: names, the policy document, the password. */
export function validateRequest(req: SetupRequest): string | undefined {
  const role = validateRoleName(req.roleName);
  if (role) {
    return role;
  }
  const policyName = validatePolicyName(req.policy.policyName);
  if (policyName) {
    return policyName;
  }
  if (req.policy.kind === 'new') {
    const errors = policyErrors(req.policy.document, 'permission');
    if (errors.length) {
      return l10n.t('The policy document has problems: {0}', errors.map((e) => e.message).join('; '));
    }
  }
  if (req.instance.kind === 'create') {
    const name = validateInstanceName(req.instance.spec.instanceName);
    if (name) {
      return name;
    }
    const pw = checkInstanceLogin(req.instance.spec);
    if (pw) {
      return pw;
    }
  } else if (!req.instance.instanceId || !req.instance.regionId) {
    return l10n.t('Choose an instance and its region.');
  }
  return undefined;
}

/** Whether a trust policy lets ECS assume the role (ECS refuses roles it is not trusted by). */
export function trustsEcs(doc: string | undefined): boolean {
  return trustsService(doc, ECS_SERVICE);
}

/**
 * The role's trust policy with ECS added, keeping every principal it already trusts (replacing the
 * document would silently lock out whoever assumes the role today).
 */
export function addEcsTrust(doc: string | undefined): string {
  let parsed: PolicyDocument | undefined;
  try {
    parsed = doc ? (JSON.parse(doc) as PolicyDocument) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !Array.isArray(parsed.Statement)) {
    return formatPolicy(serviceTrustPolicy());
  }
  return formatPolicy({
    ...parsed,
    Version: parsed.Version ?? '1',
    Statement: [...parsed.Statement, ...serviceTrustPolicy().Statement],
  });
}

/**
 * For waitForPropagation towards ECS: its refusal of a role is stale only if RAM already shows the
 * role, trusting ECS; otherwise it is real and reported at once. An identity that may not read
 * RAM (a sub-account with only PassRole) cannot tell, so it waits.
 */
export function ramShowsEcsRole(cloud: Cloud, roleName: string): () => Promise<boolean> {
  return async () => {
    try {
      return trustsEcs((await cloud.ram.getRole(roleName)).trustPolicy);
    } catch (e) {
      return !isCloudError(e, 'EntityNotExist.Role');
    }
  };
}

/** True when applying the plan would call nothing. */
export const isNothingToDo = (plan: SetupPlan): boolean => !plan.blocked && plan.steps.every((s) => s.state === 'done');

const sameDocument = (a: string, b: string): boolean => {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
};

async function notFoundAsUndefined<T>(p: Promise<T>, code: string | RegExp): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isCloudError(e, code)) {
      return undefined;
    }
    throw e;
  }
}

export async function planSetup(cloud: Cloud, request: SetupRequest): Promise<SetupPlan> {
  const req = withClientToken(request);
  const invalid = validateRequest(req);
  if (invalid) {
    return { request: req, steps: [], blocked: { reason: invalid, code: 'InvalidInput' } };
  }

  const role = await notFoundAsUndefined(cloud.ram.getRole(req.roleName), 'EntityNotExist.Role');
  const policyType: PolicyType = req.policy.kind === 'existing' ? req.policy.policyType : 'Custom';
  const policy = await notFoundAsUndefined(
    cloud.ram.getPolicy(req.policy.policyName, policyType),
    'EntityNotExist.Policy',
  );
  if (!policy && req.policy.kind === 'existing') {
    return {
      request: req,
      steps: [],
      blocked: {
        reason: l10n.t('The {0} policy "{1}" does not exist.', policyType, req.policy.policyName),
        code: 'EntityNotExist.Policy',
      },
    };
  }
  const attached = role
    ? (await cloud.ram.listPoliciesForRole(req.roleName)).some(
        (p) => p.policyName.toLowerCase() === req.policy.policyName.toLowerCase() && p.policyType === policyType,
      )
    : false;

  const steps: PlanStep[] = [];
  const step = (id: StepId, title: string, done: boolean, detail: string) =>
    steps.push({ id, title, state: done ? 'done' : 'todo', detail });
  step(
    'createRole',
    l10n.t('Create RAM role {0}', req.roleName),
    !!role,
    role ? l10n.t('Role exists ({0}).', role.arn) : l10n.t('New role trusted by {0}.', ECS_SERVICE),
  );
  if (role && !trustsEcs(role.trustPolicy)) {
    step(
      'trustEcs',
      l10n.t('Let ECS assume {0}', req.roleName),
      false,
      l10n.t(
        'The role exists but its trust policy does not allow {0}; a statement for it is added, and whoever it trusts today keeps that trust.',
        ECS_SERVICE,
      ),
    );
  }
  const keptDocument = policy && req.policy.kind === 'new' && !sameDocument(policy.document, req.policy.document);
  step(
    'createPolicy',
    l10n.t('Create policy {0}', req.policy.policyName),
    !!policy,
    !policy
      ? l10n.t('New custom policy from the chosen template.')
      : keptDocument
        ? l10n.t('A custom policy with this name exists; its current document is kept (add a version to change it).')
        : l10n.t('{0} policy exists.', policy.policy.policyType),
  );
  step(
    'attachPolicy',
    l10n.t('Attach {0} to {1}', req.policy.policyName, req.roleName),
    attached,
    attached
      ? l10n.t('Already attached.')
      : l10n.t(
          'The role may then: {0}.',
          allowedText(!policy && req.policy.kind === 'new' ? req.policy.document : policy?.document),
        ),
  );

  if (req.instance.kind === 'create') {
    const s = req.instance.spec;
    step(
      'createInstance',
      l10n.t('Create instance {0} with role {1}', s.instanceName, req.roleName),
      false,
      l10n.t(
        '{0} in {1}, image {2}{3}; this creates a billable resource.',
        s.instanceType,
        s.zoneId,
        s.imageId,
        req.instance.allocatePublicIp ? l10n.t(', with a public IP') : '',
      ),
    );
    return { request: req, steps };
  }

  const { regionId, instanceId } = req.instance;
  const instance = await cloud.ecs.getInstance(regionId, instanceId);
  if (instance.networkType !== 'vpc') {
    return {
      request: req,
      steps,
      instance,
      blocked: {
        reason: l10n.t(
          '{0} is a classic-network instance; RAM roles can only be attached to VPC instances.',
          instanceId,
        ),
        code: 'InvalidNetworkType.MismatchRamRole',
      },
    };
  }
  const currentRole = (await cloud.ecs.describeInstanceRoles(regionId, [instanceId])).get(instanceId);
  const same = currentRole?.toLowerCase() === req.roleName.toLowerCase();
  if (currentRole && !same) {
    if (!req.replaceExistingRole) {
      return {
        request: req,
        steps,
        instance,
        currentRole,
        blocked: {
          reason: l10n.t('{0} already has the role {1}; an instance has one role at a time.', instanceId, currentRole),
          code: 'InstanceHasRole',
          currentRole,
        },
      };
    }
    step(
      'detachOldRole',
      l10n.t('Detach role {0} from {1}', currentRole, instanceId),
      false,
      l10n.t("Programs on the instance lose that role's permissions."),
    );
  }
  step(
    'attachRole',
    l10n.t('Attach {0} to {1}', req.roleName, instanceId),
    same,
    same
      ? l10n.t('Already attached.')
      : l10n.t(
          "Programs on {0} ({1}) get the role's temporary credentials from the instance metadata service.",
          instance.instanceName || instanceId,
          regionId,
        ),
  );
  return { request: req, steps, instance, currentRole };
}

/** What a policy document allows, in words for the plan: "oss:Get*, oss:List* on any resource" style. */
function allowedText(document: string | undefined): string {
  let statements: ReturnType<typeof statementsOf> = [];
  try {
    statements = statementsOf(document ? JSON.parse(document) : undefined);
  } catch {
    // unreadable: said below
  }
  const actions = [
    ...new Set(
      statements
        .filter((st) => st.Effect === 'Allow')
        .flatMap((st) => (st.Action === undefined ? [] : Array.isArray(st.Action) ? st.Action : [st.Action])),
    ),
  ];
  return actions.length ? someNames(actions, 8) : l10n.t('what its document allows (not readable here)');
}

/**
 * A new instance gets its ClientToken when the set-up is first planned. The plan carries the
 * request, and a Retry re-plans from it, so every attempt of this set-up sends the same token
 * and ECS returns the instance an earlier attempt may have made instead of making another.
 */
function withClientToken(req: SetupRequest): SetupRequest {
  if (req.instance.kind !== 'create' || req.instance.spec.clientToken) {
    return req;
  }
  return { ...req, instance: { ...req.instance, spec: { ...req.instance.spec, clientToken: randomUUID() } } };
}

export interface ApplyHooks {
  onStep?(step: PlanStep, phase: 'start' | 'done' | 'skipped'): void;
  /** While a step waits (for RAM to reach ECS, for the instance to run): "… 4 s". */
  onWait?(step: PlanStep, message: string): void;
  /** Checked between steps; a cancelled run stops cleanly before the next call. */
  isCancelled?(): boolean;
  /** Aborts a wait in progress (and the run, like isCancelled). */
  signal?: AbortSignal;
}

export interface ApplyResult {
  applied: StepId[];
  skipped: StepId[];
  instanceId?: string;
  publicIp?: string;
}

export async function applySetup(cloud: Cloud, plan: SetupPlan, hooks: ApplyHooks = {}): Promise<ApplyResult> {
  if (plan.blocked) {
    throw new CloudError({ code: plan.blocked.code, message: plan.blocked.reason });
  }
  const req = plan.request;
  const result: ApplyResult = { applied: [], skipped: [] };
  if (req.instance.kind === 'existing') {
    result.instanceId = req.instance.instanceId;
  }
  for (const step of plan.steps) {
    if (step.state === 'done') {
      result.skipped.push(step.id);
      hooks.onStep?.(step, 'skipped');
      continue;
    }
    if (hooks.isCancelled?.() || hooks.signal?.aborted) {
      throw new CloudError({ code: 'Cancelled', message: l10n.t('Cancelled before "{0}".', step.title) });
    }
    hooks.onStep?.(step, 'start');
    try {
      await runStep(cloud, req, plan, step.id, result, {
        signal: hooks.signal,
        onWait: (message) => hooks.onWait?.(step, message),
      });
    } catch (e) {
      throw new SetupError(
        step,
        e instanceof CloudError
          ? e
          : new CloudError({ code: 'UnknownError', message: String((e as Error)?.message ?? e) }),
      );
    }
    result.applied.push(step.id);
    hooks.onStep?.(step, 'done');
  }
  return result;
}

interface StepContext {
  signal?: AbortSignal;
  onWait(message: string): void;
}

async function runStep(
  cloud: Cloud,
  req: SetupRequest,
  plan: SetupPlan,
  id: StepId,
  result: ApplyResult,
  ctx: StepContext,
): Promise<void> {
  // A role this flow (or another command a moment ago) created or changed reaches ECS only after
  // a delay; until then ECS answers as for the old role, and waiting is the fix.
  const waitOpts = {
    roleName: req.roleName,
    changes: cloud.session.roleChanges,
    retryIf: ramShowsEcsRole(cloud, req.roleName),
    signal: ctx.signal,
    onProgress: (p: { message: string }) => ctx.onWait(p.message),
  };
  const trust = formatPolicy(serviceTrustPolicy());
  switch (id) {
    case 'createRole':
      await cloud.ram.createRole(
        req.roleName,
        trust,
        req.roleDescription ?? l10n.t('ECS instance role created by VS Code'),
      );
      return;
    case 'trustEcs': {
      const current = await cloud.ram.getRole(req.roleName);
      await cloud.ram.updateRoleTrust(req.roleName, addEcsTrust(current.trustPolicy));
      return;
    }
    case 'createPolicy':
      if (req.policy.kind !== 'new') {
        return;
      }
      await cloud.ram.createPolicy(req.policy.policyName, req.policy.document, req.policy.description);
      return;
    case 'attachPolicy': {
      const type: PolicyType = req.policy.kind === 'existing' ? req.policy.policyType : 'Custom';
      try {
        await cloud.ram.attachPolicyToRole(req.roleName, req.policy.policyName, type);
      } catch (e) {
        // Attached by someone else since the plan: the goal holds, so it is not a failure.
        if (!isCloudError(e, 'EntityAlreadyExists.Role.Policy')) {
          throw e;
        }
      }
      return;
    }
    case 'detachOldRole':
      if (req.instance.kind === 'existing' && plan.currentRole) {
        await cloud.ecs.detachRole(req.instance.regionId, req.instance.instanceId, plan.currentRole);
      }
      return;
    case 'attachRole':
      if (req.instance.kind === 'existing') {
        const { regionId, instanceId } = req.instance;
        await waitForPropagation('ecs', () => cloud.ecs.attachRole(regionId, instanceId, req.roleName), waitOpts);
      }
      return;
    case 'createInstance': {
      if (req.instance.kind !== 'create') {
        return;
      }
      const created = await createInstance(
        cloud,
        { ...req.instance.spec, ramRoleName: req.roleName },
        !!req.instance.allocatePublicIp,
        { signal: ctx.signal, onWait: ctx.onWait },
      );
      result.instanceId = created.instanceId;
      result.publicIp = created.publicIp;
      return;
    }
  }
}

/** Public bandwidth (Mbit/s, pay-by-traffic) given to a new instance that asks for a public IP. */
export const DEFAULT_PUBLIC_BANDWIDTH = 5;

export interface CreateInstanceHooks {
  onPhase?(phase: 'dryRun' | 'create' | 'starting' | 'publicIp'): void;
  /** While waiting for RAM to reach ECS, or for the instance to run: "… 4 s". */
  onWait?(message: string): void;
  /**
   * The image refuses hardened-only metadata (InvalidHttpTokens.NotSupported, in the dry run):
   * true creates the instance in normal mode instead; absent or false lets the refusal stand.
   */
  allowNormalMetadata?(imageId: string): Promise<boolean>;
  signal?: AbortSignal;
}

/**
 * RunInstances for one instance (RunInstances also starts it), after a dry run that catches quota,
 * permission, PassRole and parameter problems before anything is billed. A role created or changed
 * a moment ago is waited for (ECS answers InvalidRamRole.* until RAM reaches it). Then it waits for
 * Running: the instance is Pending, then Starting, and has no public IP before it runs. A public IP
 * comes from public bandwidth on RunInstances; AllocatePublicIpAddress only if ECS did not assign one.
 */
export async function createInstance(
  cloud: Cloud,
  spec: NewInstance,
  allocatePublicIp: boolean,
  hooks: CreateInstanceHooks = {},
): Promise<{ instanceId: string; publicIp?: string }> {
  const invalid = validateInstanceName(spec.instanceName) ?? checkInstanceLogin(spec);
  if (invalid) {
    throw new CloudError({ code: 'InvalidInput', message: invalid });
  }
  let full: NewInstance =
    allocatePublicIp && !spec.internetMaxBandwidthOut
      ? { ...spec, internetMaxBandwidthOut: DEFAULT_PUBLIC_BANDWIDTH }
      : spec;
  const waitOpts = {
    roleName: spec.ramRoleName ?? '',
    changes: cloud.session.roleChanges,
    retryIf: ramShowsEcsRole(cloud, spec.ramRoleName ?? ''),
    signal: hooks.signal,
    onProgress: (p: { message: string }) => hooks.onWait?.(p.message),
  };
  hooks.onPhase?.('dryRun');
  await waitForPropagation(
    'ecs',
    async () => {
      try {
        try {
          await cloud.ecs.runInstance(full, true);
        } catch (e) {
          // Not every image supports hardened-only mode ("Access instance metadata in security
          // hardening mode only", ECS docs): the way back is normal mode, if the user agrees.
          if (
            !isCloudError(e, 'InvalidHttpTokens.NotSupported') ||
            full.hardenedMetadata === false ||
            !(await hooks.allowNormalMetadata?.(full.imageId))
          ) {
            throw e;
          }
          full = { ...full, hardenedMetadata: false };
          await cloud.ecs.runInstance(full, true);
        }
        throw new CloudError({
          code: 'DryRunUnexpected',
          service: 'ecs',
          action: 'RunInstances',
          message: l10n.t('The dry run did not answer DryRunOperation; nothing was created.'),
        });
      } catch (e) {
        if (!isCloudError(e, 'DryRunOperation')) {
          throw e;
        }
      }
    },
    waitOpts,
  );
  hooks.onPhase?.('create');
  // A refusal for the role means nothing was created, so repeating it is safe.
  const instanceId = await waitForPropagation('ecs', () => cloud.ecs.runInstance(full, false), waitOpts);
  if (!instanceId) {
    throw new CloudError({
      code: 'InvalidResponse',
      service: 'ecs',
      action: 'RunInstances',
      message: l10n.t('ECS returned no instance id.'),
    });
  }
  hooks.onPhase?.('starting');
  const running = await waitForRunning(cloud.ecs, full.regionId, instanceId, {
    signal: hooks.signal,
    onProgress: (p) => hooks.onWait?.(p.message),
  });
  if (!allocatePublicIp) {
    return { instanceId };
  }
  hooks.onPhase?.('publicIp');
  const publicIp = running.publicIps[0] ?? (await cloud.ecs.allocatePublicIp(full.regionId, instanceId));
  return { instanceId, publicIp };
}
