/**
 * The only ways an edited policy document reaches RAM, each an explicit action that first shows a
 * diff against what is live and then a modal confirmation naming the account, the profile, the
 * policy (or role) and who is affected:
 * - "Create Policy" for a new-policy draft (CreatePolicy);
 * - "Deploy as New Default RAM Policy Version" for a custom policy document (CreatePolicyVersion; at RAM's limit
 *   of 5 versions the user picks the version to delete, or cancels);
 * - "Update Trust Policy" for a role's trust policy (UpdateRole; removing ECS from a role that
 *   instances use is warned about by name);
 * - "Roll Back to This Version" on a version node (SetDefaultPolicyVersion).
 * No argument skips a confirmation.
 */
import { PolicyVersionNode } from '../../views/ramView';
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { PolicyEntities, PolicyType } from '../../cloud/ram';
import { formatDateTime } from '../../cloud/timeFormat';
import { ECS_SERVICE } from '../../policy/builders';
import { applyPolicyVersion, MAX_POLICY_VERSIONS, planPolicyVersion, planTrustUpdate } from '../../setup/policyDeploy';
import { UserCancelled } from '../../ui/errorFunnel';
import { cloudForWrite } from '../../services/liveBinding';
import { withProgress } from '../../ui/progress';
import { liveUri, lintKind, parseLiveUri, policyDocumentUri, type LiveTarget } from '../../fs/ramDocuments';
import { ecsRegions } from '../../ui/settings';
import type { Services } from '../../services/services';
import { defineCommand, is } from '../command';
import { notify, sameJson } from '../helpers';
import { assertValidPolicy } from '../../editor/policyDiagnostics';
import * as lint from '../../policy/lint';
import { oneRowOnly } from '../selection';

const count = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "It is attached to 2 roles and 1 user (A, B, alice)…", or that it is attached to nothing. */
export function attachmentSentence(e: PolicyEntities): string {
  const parts = [
    e.roles.length ? count(e.roles.length, vscode.l10n.t('1 role'), vscode.l10n.t('{0} roles', e.roles.length)) : '',
    e.users.length ? count(e.users.length, vscode.l10n.t('1 user'), vscode.l10n.t('{0} users', e.users.length)) : '',
    e.groups.length
      ? count(e.groups.length, vscode.l10n.t('1 group'), vscode.l10n.t('{0} groups', e.groups.length))
      : '',
  ].filter(Boolean);
  if (!parts.length) {
    return vscode.l10n.t('It is not attached to any role, user or group.');
  }
  const names = [...e.roles, ...e.users, ...e.groups];
  const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
  return vscode.l10n.t(
    'It is attached to {0} ({1}); their permissions change within seconds.',
    parts.join(', '),
    shown,
  );
}

async function accountOf(cloud: Cloud): Promise<string> {
  return (await cloud.whoAmI()).accountId;
}

/** The open document for `uri`, saved (locally) so what is deployed is what the editor shows. */
async function documentFor(
  given: vscode.Uri | undefined,
): Promise<{ doc: vscode.TextDocument; parsed: NonNullable<ReturnType<typeof parseLiveUri>> }> {
  const uri = given ?? vscode.window.activeTextEditor?.document.uri;
  const parsed = uri && parseLiveUri(uri);
  if (!uri || !parsed) {
    throw new Error(vscode.l10n.t('Open a policy document from the RAM view first.'));
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) {
    await doc.save();
  }
  return { doc, parsed };
}

const what = (t: LiveTarget) =>
  t.kind === 'trust'
    ? vscode.l10n.t('The trust policy of role {0}', t.roleName)
    : vscode.l10n.t('Policy {0}', t.policyName);

async function showDiff(s: Services, uri: vscode.Uri, liveLabel: string, live: string, title: string): Promise<void> {
  const left = s.documents.snapshot(uri, liveLabel, live);
  await vscode.commands.executeCommand('vscode.diff', left, uri, title, { preview: true });
}

/** The diff of a roll-back: the live default version ↔ the version it goes back to. Returns the right side. */
async function showVersionDiff(
  s: Services,
  policyName: string,
  live: { versionId: string; document: string },
  target: { versionId: string; document: string },
  profileName: string,
): Promise<vscode.Uri> {
  const uri = await policyDocumentUri(s, 'Custom', policyName);
  const left = s.documents.snapshot(uri, live.versionId, live.document);
  const right = s.documents.snapshot(uri, target.versionId, target.document);
  await vscode.commands.executeCommand(
    'vscode.diff',
    left,
    right,
    vscode.l10n.t('{0}: {1} (live) ↔ {2} · {3}', policyName, live.versionId, target.versionId, profileName),
    { preview: true },
  );
  return right;
}

/** Closes the editors of `uri`: its "live ↔ your edit" diffs, and with `alsoEditor` its own tab. */
async function closeTabsOf(uri: vscode.Uri, alsoEditor = true): Promise<void> {
  const key = uri.toString();
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => {
      const input = t.input;
      return (
        (alsoEditor && input instanceof vscode.TabInputText && input.uri.toString() === key) ||
        (input instanceof vscode.TabInputTextDiff && input.modified.toString() === key)
      );
    });
  if (tabs.length) {
    await vscode.window.tabGroups.close(tabs);
  }
}

/** Creates the policy a draft describes, or a new default version of the policy a document shows. */
async function deployPolicy(
  s: Services,
  arg: vscode.Uri | undefined,
  expected: 'newPolicy' | 'policy',
): Promise<string | undefined> {
  const { doc, parsed } = await documentFor(arg);
  const { target, binding } = parsed;
  if (target.kind !== expected || (target.kind === 'policy' && target.policyType !== 'Custom')) {
    throw new Error(vscode.l10n.t('This document cannot be deployed this way.'));
  }
  const text = doc.getText();
  assertValidPolicy(lint, text, lintKind(target));
  const bound = await cloudForWrite(s, binding, what(target));
  try {
    const { cloud, entry } = bound;
    const policyName = target.policyName;
    const [plan, account] = await Promise.all([planPolicyVersion(cloud.ram, policyName), accountOf(cloud)]);
    if (target.kind === 'newPolicy' && plan.current) {
      throw new Error(
        vscode.l10n.t(
          'Policy {0} already exists in account {1}. Open it from the RAM view and use "Deploy as New Default RAM Policy Version".',
          policyName,
          account,
        ),
      );
    }
    if (target.kind === 'policy' && !plan.current) {
      throw new Error(vscode.l10n.t('Policy {0} no longer exists in account {1}.', policyName, account));
    }
    if (plan.current && sameJson(plan.current.document, text)) {
      notify(
        vscode.l10n.t(
          '{0} is the same as the default version {1}; nothing to deploy.',
          policyName,
          plan.current.versionId,
        ),
      );
      return undefined;
    }
    await showDiff(
      s,
      doc.uri,
      plan.current?.versionId ?? 'new',
      plan.current?.document ?? '',
      plan.current
        ? vscode.l10n.t('{0}: {1} (live) ↔ your edit · {2}', policyName, plan.current.versionId, entry.name)
        : vscode.l10n.t('{0}: new policy · {1}', policyName, entry.name),
    );

    let deleteVersion: string | undefined;
    if (plan.atLimit) {
      const oldest = plan.deletable[0];
      if (!oldest) {
        throw new Error(
          vscode.l10n.t('{0} has {1} versions and none of them can be deleted.', policyName, plan.versions.length),
        );
      }
      const picked = await s.prompt.pick(
        plan.deletable.map((v, i) => ({
          label: v.versionId,
          description: [i === 0 ? vscode.l10n.t('oldest') : '', formatDateTime(v.createDate)]
            .filter(Boolean)
            .join(' · '),
          versionId: v.versionId,
        })),
        {
          title: vscode.l10n.t(
            'RAM keeps at most {0} versions of {1}: choose one to delete',
            MAX_POLICY_VERSIONS,
            policyName,
          ),
          placeHolder: vscode.l10n.t(
            '{0} (the oldest) would be removed; choose it or another version, or press Escape to cancel',
            oldest.versionId,
          ),
        },
      );
      deleteVersion = picked.versionId;
    }

    const isNew = target.kind === 'newPolicy';
    const action = isNew ? vscode.l10n.t('Create Policy') : vscode.l10n.t('Deploy as Default Version');
    const ok = await s.prompt.confirm(
      isNew
        ? vscode.l10n.t('Create policy {0} in account {1} (profile {2})?', policyName, account, entry.name)
        : vscode.l10n.t(
            'Make your edit the new default version of {0} in account {1} (profile {2})?',
            policyName,
            account,
            entry.name,
          ),
      [
        isNew ? vscode.l10n.t('A new policy is not attached to anything yet.') : attachmentSentence(plan.entities),
        deleteVersion ? vscode.l10n.t('Version {0} will be deleted to make room.', deleteVersion) : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      action,
    );
    if (!ok) {
      throw new UserCancelled();
    }

    let versionId: string;
    if (isNew) {
      await withProgress(
        vscode.l10n.t('Creating policy {0}…', policyName),
        () => cloud.ram.createPolicy(policyName, text, target.description),
        false,
      );
      versionId = 'v1';
      s.documents.deployed(doc.uri);
      await closeTabsOf(doc.uri);
      await vscode.window.showTextDocument(
        await liveUri(s, binding, { kind: 'policy', policyType: 'Custom', policyName }),
        {
          preview: false,
        },
      );
      notify(vscode.l10n.t('Policy {0} created in account {1}.', policyName, account), {
        [vscode.l10n.t('Attach to Role')]: () =>
          vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { policyName, policyType: 'Custom' }),
      });
    } else {
      const version = await withProgress(
        vscode.l10n.t('Creating a new version of {0}…', policyName),
        () => applyPolicyVersion(cloud.ram, policyName, text, deleteVersion),
        false,
      );
      versionId = version.versionId;
      // The diff named the old version "(live)": it is not any more.
      await closeTabsOf(doc.uri, false);
      await vscode.window.showTextDocument(doc.uri, { preview: false });
      const previous = plan.current!.versionId;
      notify(vscode.l10n.t('{0} is now at version {1} in account {2}.', policyName, versionId, account), {
        [vscode.l10n.t('Roll Back to {0}', previous)]: () =>
          vscode.commands.executeCommand('alibabaCloud.ram.rollBackPolicyVersion', { policyName, versionId: previous }),
      });
    }
    s.refresh('ram');
    return versionId;
  } finally {
    bound.release();
  }
}

/** The document an editor-title button was clicked on (else the active editor's). */
const editorResource = ([uri]: unknown[]) => (uri instanceof vscode.Uri ? uri : undefined);

export const createPolicyFromDraft = defineCommand({
  id: 'alibabaCloud.ram.createPolicyFromDraft',
  value: editorResource,
  run: (s, input) => deployPolicy(s, input.value, 'newPolicy'),
});
export const setAsDefaultVersion = defineCommand({
  id: 'alibabaCloud.ram.setAsDefaultVersion',
  value: editorResource,
  run: (s, input) => deployPolicy(s, input.value, 'policy'),
});

export const updateTrustPolicy = defineCommand({
  id: 'alibabaCloud.ram.updateTrustPolicy',
  value: editorResource,
  run: async (s, input) => {
    const { doc, parsed } = await documentFor(input.value);
    const { target, binding } = parsed;
    if (target.kind !== 'trust') {
      throw new Error(vscode.l10n.t('This document cannot be deployed this way.'));
    }
    const text = doc.getText();
    assertValidPolicy(lint, text, 'trust');
    const bound = await cloudForWrite(s, binding, what(target));
    try {
      const { cloud, entry } = bound;
      const [plan, account] = await Promise.all([
        ecsRegions(cloud.ecs, entry.regionId).then((r) => planTrustUpdate(cloud, target.roleName, text, r.regions)),
        accountOf(cloud),
      ]);
      if (sameJson(plan.current, text)) {
        notify(vscode.l10n.t('The trust policy of {0} is unchanged; nothing to deploy.', target.roleName));
        return false;
      }
      await showDiff(
        s,
        doc.uri,
        'live',
        plan.current,
        vscode.l10n.t('{0} trust policy: live ↔ your edit · {1}', target.roleName, entry.name),
      );
      if (plan.removesEcs && plan.instances.length) {
        const names = plan.instances
          .map((i) => `${i.instanceName || i.instanceId} (${i.instanceId}, ${i.regionId})`)
          .join(', ');
        const remove = vscode.l10n.t('Remove ECS Anyway');
        const choice = await s.prompt.choose(
          plan.instances.length === 1
            ? vscode.l10n.t('Your edit removes {0} from role {1}, which 1 instance uses.', ECS_SERVICE, target.roleName)
            : vscode.l10n.t(
                'Your edit removes {0} from role {1}, which {2} instances use.',
                ECS_SERVICE,
                target.roleName,
                plan.instances.length,
              ),
          vscode.l10n.t('These instances stop getting credentials from the role: {0}.', names),
          [remove],
        );
        if (choice !== remove) {
          throw new UserCancelled();
        }
      }
      const ok = await s.prompt.confirm(
        vscode.l10n.t(
          'Update the trust policy of role {0} in account {1} (profile {2})?',
          target.roleName,
          account,
          entry.name,
        ),
        vscode.l10n.t('Who may assume the role changes within seconds.'),
        vscode.l10n.t('Update Trust Policy'),
      );
      if (!ok) {
        throw new UserCancelled();
      }
      await withProgress(
        vscode.l10n.t('Updating the trust policy of {0}…', target.roleName),
        () => cloud.ram.updateRoleTrust(target.roleName, text),
        false,
      );
      notify(vscode.l10n.t('The trust policy of {0} was updated in account {1}.', target.roleName, account));
      s.refresh('ram');
      s.refresh('ecs');
      return true;
    } finally {
      bound.release();
    }
  },
});

const rollBackArgs = {
  policyName: is.string,
  versionId: is.string,
};

export const rollBackPolicyVersion = defineCommand({
  id: 'alibabaCloud.ram.rollBackPolicyVersion',
  node: [PolicyVersionNode],
  args: rollBackArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Roll Back to This Version'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const policyName = node?.policy.policyName ?? a.policyName;
      const versionId = node?.version.versionId ?? a.versionId;
      const policyType: PolicyType = node?.policy.policyType ?? 'Custom';
      if (!policyName || !versionId) {
        throw new Error(vscode.l10n.t('Choose a policy version in the RAM view.'));
      }
      if (policyType !== 'Custom') {
        throw new Error(vscode.l10n.t('{0} is a system policy; only custom policies can be rolled back.', policyName));
      }
      const { cloud, entry } = await s.cloud();
      const [plan, account] = await Promise.all([planPolicyVersion(cloud.ram, policyName), accountOf(cloud)]);
      if (!plan.current) {
        throw new Error(vscode.l10n.t('Policy {0} no longer exists in account {1}.', policyName, account));
      }
      if (plan.current.versionId === versionId) {
        notify(vscode.l10n.t('{0} is already the default version of {1}.', versionId, policyName));
        return false;
      }
      // What changes, as the deploy flow shows it: the live default on the left, the version on the right.
      const target = await cloud.ram.getPolicyVersion(policyName, 'Custom', versionId);
      const right = await showVersionDiff(s, policyName, plan.current, target, entry.name);
      const ok = await s.prompt
        .confirm(
          vscode.l10n.t(
            'Make {0} the default version of {1} in account {2} (profile {3})?',
            versionId,
            policyName,
            account,
            entry.name,
          ),
          [
            vscode.l10n.t('The default version today is {0}; it is kept.', plan.current.versionId),
            attachmentSentence(plan.entities),
          ].join('\n\n'),
          vscode.l10n.t('Roll Back'),
        )
        .finally(() => closeTabsOf(right, false));
      if (!ok) {
        return false;
      }
      await withProgress(
        vscode.l10n.t('Rolling {0} back to {1}…', policyName, versionId),
        () => cloud.ram.setDefaultPolicyVersion(policyName, versionId),
        false,
      );
      notify(vscode.l10n.t('{0} is back at version {1} in account {2}.', policyName, versionId, account));
      // The policy row shows the default version and comes from the policy listing: reload the view.
      s.refresh('ram');
      return true;
    },
  ),
});
