/**
 * Pickers the RAM/ECS commands and the setup wizard share: roles ECS can use, policy templates,
 * buckets (listed, or typed when listing is not allowed), and instances with their current role
 * (classic ones listed but marked, so the user learns why they cannot be used).
 */
import * as vscode from 'vscode';
import { inertLabel } from '../../cloud/inert';
import type { Cloud } from '../../cloud';
import type { EcsInstance } from '../../cloud/ecs';
import { validatePolicyName, validateRoleName } from '../../cloud/names';
import { isBucketName } from '../../cloud/ossLocation';
import { collectAll, mapLimit } from '../../cloud/paging';
import type { Role } from '../../cloud/ram';
import type { TemplateId } from '../../policy/templates';
import { trustsEcs } from '../../setup/instanceRole';
import { listVisibleInstances, noInstanceMessage, NothingToPick } from '../pickers';
import type { Prompter } from '../prompt';
import { UserCancelled } from '../errorFunnel';
import { showNotice } from '../prompt';

/** Roles whose trust policy lets ECS assume them (ListRoles omits trust policies, so each is read). */
export async function listEcsRoles(cloud: Cloud): Promise<Role[]> {
  const roles = await collectAll((m) => cloud.ram.listRoles(m, 100));
  const full = await mapLimit(roles, 8, (r) => cloud.ram.getRole(r.roleName).catch(() => r));
  return full.filter((r) => trustsEcs(r.trustPolicy));
}

export const NEW = '$new';

/** An ECS-trusted role; with `allowNew`, "Create a new role…" returns NEW. */
export async function pickEcsRole(prompt: Prompter, cloud: Cloud, title: string, allowNew = false): Promise<string> {
  const items = listEcsRoles(cloud).then((roles) => [
    ...(allowNew
      ? [
          {
            label: `$(add) ${vscode.l10n.t('Create a new role…')}`,
            description: vscode.l10n.t('trusted by ECS'),
            value: NEW,
          },
        ]
      : []),
    ...roles.map((r) => ({ label: r.roleName, description: r.description, detail: r.arn, value: r.roleName })),
  ]);
  const item = await prompt.pick(items, {
    title,
    placeHolder: vscode.l10n.t('Select a role that ECS instances can assume'),
    matchOnDescription: true,
  });
  return item.value;
}

/** Existing names to flag while typing: a few pages listed once, when the step opens; none if listing fails. */
function takenNames(list: () => Promise<string[]>): { has(name: string): Promise<boolean> } {
  const names = list().then(
    (n) => new Set(n),
    () => new Set<string>(), // the check on Enter still runs
  );
  return { has: async (name) => (await names).has(name) };
}

/**
 * Asks for a name until `clash` finds none: a name that exists is reported at this step, in the
 * input's prompt with the name selected, instead of after the last step. While typing, a name among
 * `taken` (listed once, not looked up per keystroke) gets a warning (`takenText`); Enter still
 * runs `clash`, which decides (a same-document policy may be reused).
 */
async function askFreeName(
  prompt: Prompter,
  title: string,
  value: string,
  rule: string,
  validate: (v: string) => string | undefined,
  clash?: (name: string) => Promise<string | undefined>,
  taken?: { has(name: string): Promise<boolean> },
  takenText?: (name: string) => string,
): Promise<string> {
  let problem: string | undefined;
  for (;;) {
    const name = (
      await prompt.input({
        title,
        prompt: problem ? `${problem} ${rule}` : rule,
        value,
        valueSelection: problem ? [0, value.length] : undefined,
        validateInput: async (v) => {
          const invalid = validate(v.trim());
          if (invalid || !takenText || !(await taken?.has(v.trim()))) {
            return invalid;
          }
          return { message: takenText(v.trim()), severity: vscode.InputBoxValidationSeverity.Warning };
        },
      })
    ).trim();
    problem = await clash?.(name);
    if (!problem) {
      return name;
    }
    value = name;
  }
}

/** With `cloud`, a role that already exists is reported here (GetRole), and the name asked again. */
export async function askRoleName(
  prompt: Prompter,
  title: string,
  value = 'EcsInstanceRole',
  cloud?: Cloud,
): Promise<string> {
  return askFreeName(
    prompt,
    title,
    value,
    vscode.l10n.t('Role name (letters, digits, "." and "-", at most 64)'),
    validateRoleName,
    cloud && ((name) => roleNameClash(cloud, name)),
    cloud && takenNames(async () => (await collectAll((m) => cloud.ram.listRoles(m, 1000), 5)).map((r) => r.roleName)),
    (name) => vscode.l10n.t('Role {0} already exists.', name),
  );
}

/**
 * With `cloud`, a custom policy of that name is reported here (GetPolicy) unless its document is
 * one of `sameAs` (a re-run that would reuse it), and the name asked again.
 */
export async function askPolicyName(
  prompt: Prompter,
  title: string,
  value: string,
  cloud?: Cloud,
  sameAs: string[] = [],
): Promise<string> {
  return askFreeName(
    prompt,
    title,
    value,
    vscode.l10n.t('Policy name (letters, digits and "-", at most 128)'),
    validatePolicyName,
    cloud && ((name) => policyNameClash(cloud, name, sameAs)),
    cloud &&
      takenNames(async () =>
        (await collectAll((m) => cloud.ram.listPolicies('Custom', m, 1000), 5)).map((p) => p.policyName),
      ),
    (name) =>
      sameAs.length
        ? vscode.l10n.t('A custom policy named {0} already exists; it is reused only if it says the same.', name)
        : vscode.l10n.t('A custom policy named {0} already exists.', name),
  );
}

/** Why `name` cannot be a new role, or undefined when RAM has no such role (or cannot say: the create call will). */
export async function roleNameClash(cloud: Cloud, name: string): Promise<string | undefined> {
  try {
    await cloud.ram.getRole(name);
    return vscode.l10n.t('Role {0} already exists: pick it from the list (Back), or type another name.', name);
  } catch {
    return undefined;
  }
}

export async function policyNameClash(cloud: Cloud, name: string, sameAs: string[] = []): Promise<string | undefined> {
  let existing: string;
  try {
    existing = (await cloud.ram.getPolicy(name, 'Custom')).document;
  } catch {
    return undefined;
  }
  const canonical = (d: string) => {
    try {
      return JSON.stringify(JSON.parse(d));
    } catch {
      return d;
    }
  };
  if (sameAs.some((d) => canonical(d) === canonical(existing))) {
    return undefined;
  }
  return vscode.l10n.t('A custom policy named {0} already exists with another document: type another name.', name);
}

// ---- policy templates -------------------------------------------------------------------------

export interface TemplateItem extends vscode.QuickPickItem {
  id: TemplateId;
}

export function templateItems(includeCustom: boolean): TemplateItem[] {
  const items: TemplateItem[] = [
    {
      id: 'ossReadOnly',
      label: vscode.l10n.t('OSS read-only (all buckets)'),
      description: 'oss:Get*, oss:List*',
      detail: vscode.l10n.t('The documented example: read every bucket and object, write nothing.'),
    },
    {
      id: 'ossReadOnlyBucket',
      label: vscode.l10n.t('OSS read-only on one bucket'),
      description: 'oss:Get*, oss:List*',
      detail: vscode.l10n.t('Read one bucket; other buckets are only listed by name.'),
    },
    {
      id: 'ossReadWrite',
      label: vscode.l10n.t('OSS read-write on one bucket or prefix'),
      description: 'oss:GetObject, oss:PutObject, oss:DeleteObject…',
      detail: vscode.l10n.t('Read and write objects in one bucket, optionally under a prefix such as "logs/".'),
    },
  ];
  if (includeCustom) {
    items.push({
      id: 'custom',
      label: vscode.l10n.t('Custom'),
      description: vscode.l10n.t('start from a skeleton'),
      detail: vscode.l10n.t('Write the document yourself; the editor checks it as you type.'),
    });
  }
  return items;
}

export const validateBucketName = (v: string): string | undefined =>
  isBucketName(v)
    ? undefined
    : vscode.l10n.t(
        'A bucket name has 3 to 63 lower-case letters, digits and "-", and starts and ends with a letter or digit.',
      );

/** A bucket from ListBuckets, or typed (when listing is not allowed or the bucket is elsewhere). */
export async function pickBucket(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const TYPE = '$type';
  const buckets = collectAll((m) => cloud.oss.listBuckets(m, 100), 10).catch(() => []);
  const item = await prompt.pick(
    buckets.then((bs) => [
      ...bs.map((b) => ({ label: b.name, description: b.region, value: b.name })),
      { label: `$(edit) ${vscode.l10n.t('Type a bucket name…')}`, description: '', value: TYPE },
    ]),
    { title, placeHolder: vscode.l10n.t('Which bucket may the role use?') },
  );
  if (item.value !== TYPE) {
    return item.value;
  }
  return (
    await prompt.input({
      title,
      prompt: vscode.l10n.t('Bucket name'),
      validateInput: (v) => validateBucketName(v.trim()),
    })
  ).trim();
}

export async function askPrefix(prompt: Prompter, title: string): Promise<string> {
  return (
    await prompt.input({
      title,
      prompt: vscode.l10n.t('Prefix inside the bucket (empty: the whole bucket)'),
      placeHolder: 'logs/',
      validateInput: (v) =>
        /^[^*?]*$/.test(v) ? undefined : vscode.l10n.t('Wildcards are added for you; type a plain prefix.'),
    })
  )
    .trim()
    .replace(/^\/+/, '');
}

// ---- instances --------------------------------------------------------------------------------

/** Instances in the ECS view's regions with their attached role (ECS returns roles separately). */
export async function listInstancesWithRoles(cloud: Cloud, defaultRegion: string): Promise<EcsInstance[]> {
  const instances = await listVisibleInstances(cloud, defaultRegion);
  const regions = [...new Set(instances.map((i) => i.regionId))];
  const perRegion = await Promise.all(
    regions.map(async (regionId) => {
      const items = instances.filter((i) => i.regionId === regionId);
      const vpc = items.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId);
      const roles = vpc.length ? await cloud.ecs.describeInstanceRoles(regionId, vpc) : new Map<string, string>();
      return items.map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) }));
    }),
  );
  return perRegion.flat();
}

/** Why an instance cannot have a RAM role at all (classic network), else undefined. */
export const classicReason = (i: EcsInstance): string | undefined =>
  i.networkType !== 'vpc' ? vscode.l10n.t('RAM roles need a VPC instance') : undefined;

/** An instance with its status, role and network; `unavailable` says why it cannot be chosen here. */
export function instanceItem(
  i: EcsInstance,
  unavailable = classicReason(i),
): vscode.QuickPickItem & { instance: EcsInstance } {
  const role =
    i.networkType !== 'vpc'
      ? undefined
      : i.ramRoleName
        ? vscode.l10n.t('role: {0}', i.ramRoleName)
        : vscode.l10n.t('no role');
  const network = i.networkType === 'vpc' ? 'VPC' : vscode.l10n.t('classic network');
  const detail = [i.status, role, network].filter(Boolean).join(' · ');
  return {
    label: `${unavailable ? '$(circle-slash)' : '$(vm)'} ${inertLabel(i.instanceName || i.instanceId)}`,
    description: `${i.instanceId} · ${i.regionId}${unavailable ? ` · ${vscode.l10n.t('unavailable')}` : ''}`,
    detail: unavailable ? `${detail} · ${unavailable}` : detail,
    instance: i,
  };
}

/**
 * Picks an instance, showing each one's role and network. Those `unavailable` names a reason for
 * are listed last under a separator; a quick pick cannot disable an item, so picking one explains
 * why and asks again (earlier answers in a wizard are kept). `extra` items come first (e.g.
 * "Create a new instance…") and are returned as picked, with no instance.
 */
export async function pickInstanceWithRole(
  prompt: Prompter,
  cloud: Cloud,
  title: string,
  defaultRegion: string,
  options: {
    placeHolder: string;
    unavailable?: (i: EcsInstance) => string | undefined;
    extra?: vscode.QuickPickItem[];
  },
): Promise<{ instance?: EcsInstance; item: vscode.QuickPickItem }> {
  const why = options.unavailable ?? classicReason;
  const items = listInstancesWithRoles(cloud, defaultRegion).then((is) => {
    if (!is.length && !options.extra?.length) {
      throw new NothingToPick(noInstanceMessage([]));
    }
    const usable = is.filter((i) => !why(i));
    const blocked = is.filter((i) => why(i));
    return [
      ...(options.extra ?? []).map((x) => ({ ...x, instance: undefined as EcsInstance | undefined })),
      ...usable.map((i) => instanceItem(i, undefined)),
      ...(blocked.length
        ? [{ label: vscode.l10n.t('Unavailable'), kind: vscode.QuickPickItemKind.Separator, instance: undefined }]
        : []),
      ...blocked.map((i) => instanceItem(i, why(i))),
    ];
  });
  for (;;) {
    const item = await prompt
      .pick(items, { title, placeHolder: options.placeHolder, matchOnDescription: true })
      .catch((e: unknown) => {
        if (!(e instanceof NothingToPick)) {
          throw e;
        }
        void prompt.notify(e.message, []);
        throw new UserCancelled();
      });
    if (item.kind === vscode.QuickPickItemKind.Separator) {
      continue;
    }
    const i = item.instance;
    const reason = i && why(i);
    if (i && reason) {
      void showNotice(
        'warning',
        vscode.l10n.t('{0} ({1}) cannot be chosen: {2}.', i.instanceName || i.instanceId, i.instanceId, reason),
      );
      continue;
    }
    return { instance: i, item };
  }
}
