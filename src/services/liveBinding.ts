/**
 * Live documents (policy drafts, policy versions, trust policies, oss:// objects) belong to the
 * profile they were opened with. Reads use that profile; a write under another active profile is
 * refused unless the user chooses to write with the original profile (or, when it is gone, picks
 * one). The binding travels in the URI query (`{"profile":<id>,"name":<name>}`), so two profiles
 * never share a document, VS Code restores the binding with the editor, and the tab shows the
 * profile (package.json resourceLabelFormatters).
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { PolicyType } from '../cloud/ram';
import { UserCancelled } from '../ui/errorFunnel';
import type { ProfileEntry, ProfileStore } from './profiles';
import type { Prompter } from '../ui/prompt';

export interface LiveBinding {
  profileId: string;
  profileName: string;
}

/** What a live RAM document is: a new policy's draft, a policy (version), or a role's trust policy. */
export type LiveTarget =
  | { kind: 'newPolicy'; policyName: string; description?: string }
  | { kind: 'policy'; policyType: PolicyType; policyName: string; versionId?: string }
  | { kind: 'trust'; roleName: string };

/** What resolving a binding needs (a subset of Services, to keep this below the views). */
export interface BindingDeps {
  profiles: ProfileStore;
  prompt: Prompter;
  cloud(): Promise<{ entry: ProfileEntry; cloud: Cloud }>;
}

export const bindingOf = (entry: ProfileEntry): LiveBinding => ({ profileId: entry.id, profileName: entry.name });

export function activeBinding(d: BindingDeps): LiveBinding {
  const entry = d.profiles.active();
  if (!entry) {
    throw new Error(vscode.l10n.t('No Alibaba Cloud profile. Add one, or start the sandbox.'));
  }
  return bindingOf(entry);
}

/** JSON, because VS Code's resource label formatters can show `${query.name}` only from a JSON query. */
export const bindingQuery = (b: LiveBinding) => JSON.stringify({ profile: b.profileId, name: b.profileName });

export function bindingFromUri(uri: vscode.Uri): LiveBinding | undefined {
  try {
    const q = JSON.parse(uri.query) as { profile?: unknown; name?: unknown };
    return typeof q.profile === 'string'
      ? { profileId: q.profile, profileName: typeof q.name === 'string' ? q.name : q.profile }
      : undefined;
  } catch {
    return undefined;
  }
}

/** A cloud to act with, and what to call when done (clouds made for another profile are disposed). */
export interface BoundCloud {
  entry: ProfileEntry;
  cloud: Cloud;
  release(): void;
}

async function cloudOfEntry(d: BindingDeps, entry: ProfileEntry): Promise<BoundCloud> {
  if (d.profiles.active()?.id === entry.id) {
    const active = await d.cloud();
    return { ...active, release: () => undefined };
  }
  const cloud = await d.profiles.cloudFor(entry);
  return { entry, cloud, release: () => cloud.dispose() };
}

/** Reads follow the binding silently: showing what the original account holds is never harmful. */
export async function cloudForRead(d: BindingDeps, b: LiveBinding): Promise<BoundCloud> {
  const entry = d.profiles.list().find((p) => p.id === b.profileId);
  if (!entry) {
    throw new Error(
      vscode.l10n.t('Profile "{0}", which this document was opened with, no longer exists.', b.profileName),
    );
  }
  return cloudOfEntry(d, entry);
}

/**
 * The cloud a write of `what` goes to. Under the original profile: that one. Under another: refuse,
 * unless the user chooses the original profile; if that profile is gone, the user picks one (or
 * cancels). Throws UserCancelled when nothing should be written.
 */
export async function cloudForWrite(d: BindingDeps, b: LiveBinding, what: string): Promise<BoundCloud> {
  const active = d.profiles.active();
  const original = d.profiles.list().find((p) => p.id === b.profileId && p.supported);
  if (original && active?.id === original.id) {
    return cloudOfEntry(d, original);
  }
  if (original) {
    const use = vscode.l10n.t('Use {0}', original.name);
    const choice = await d.prompt.choose(
      vscode.l10n.t(
        '{0} was opened with profile {1}, but the active profile is {2}.',
        what,
        original.name,
        active?.name ?? '-',
      ),
      vscode.l10n.t(
        'Nothing was written. Writing with {0} changes the account the document came from; the active profile stays {1}.',
        original.name,
        active?.name ?? '-',
      ),
      [use],
    );
    if (choice !== use) {
      throw new UserCancelled();
    }
    return cloudOfEntry(d, original);
  }
  const pick = vscode.l10n.t('Choose a Profile…');
  const choice = await d.prompt.choose(
    vscode.l10n.t('Profile {0}, which {1} was opened with, no longer exists.', b.profileName, what),
    vscode.l10n.t('Nothing was written. Choose the profile to write with, knowing it may be another account.'),
    [pick],
  );
  if (choice !== pick) {
    throw new UserCancelled();
  }
  const entry = (
    await d.prompt.pick(
      d.profiles
        .list()
        .filter((p) => p.supported)
        .map((p) => ({ label: p.name, description: p.id, entry: p })),
      { title: vscode.l10n.t('Write {0} with', what) },
    )
  ).entry;
  return cloudOfEntry(d, entry);
}
