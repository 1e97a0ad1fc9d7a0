/**
 * AccessDenied from OSS, made actionable: the error notification names the refused action,
 * resource and identity, explains which policy (if any) refused it, and offers
 * "Show Statement to Add" (the missing statement as a read-only JSON document) and
 * "Add to Role…"/"Add to User…" (a new custom policy with that statement, created and attached
 * with a profile that may change RAM, after a confirmation). Plugged into the error funnel as an
 * enricher, so every path that reports an OSS AccessDenied — commands, tree loads, saving an
 * oss:// file — gets the same help.
 */
import * as vscode from 'vscode';
import type { CloudError } from '../cloud/errors';
import type { Services } from '../services/services';
import type { DenialReport } from '../setup/accessDeniedReport';
import type { ErrorAction, ErrorEnricher } from '../ui/errorFunnel';
import { assertValidPolicy } from '../editor/policyDiagnostics';
import { withProgress } from '../ui/progress';
import { showNotice } from '../ui/prompt';

/** The analysis (and the policy evaluator under it) loads with the first AccessDenied (services/onDemand.ts). */
const denials = (s: Services) => s.onDemand().accessDeniedReport;

/** The full analysis for an OSS AccessDenied under the active profile; undefined for other errors. */
export async function explainAccessDenied(s: Services, err: CloudError): Promise<DenialReport | undefined> {
  if (!denials(s).isPolicyDenial(err)) {
    return undefined;
  }
  const { entry, cloud } = await s.cloud();
  const identity = await cloud.knownIdentity().catch(() => undefined);
  return denials(s).analyseOssDenial(err, { cloud, profileName: entry.name, identity });
}

/**
 * One sentence naming action, resource and identity — for messages that cannot carry buttons,
 * such as the FileSystemError VS Code shows when saving an oss:// file fails.
 */
export async function refusalSentence(s: Services, err: CloudError): Promise<string> {
  let who = denials(s).describePrincipal(undefined);
  let profile = '';
  let accountId: string | undefined;
  try {
    const { entry, cloud } = await s.cloud();
    profile = entry.name;
    const id = await cloud.knownIdentity();
    accountId = id.accountId;
    who = denials(s).describePrincipal(denials(s).principalOf(id));
  } catch {
    /* name what we know */
  }
  const req = denials(s).ramRequestOf(err, accountId);
  return vscode.l10n.t(
    '{0} on {1} was refused for {2} (profile "{3}").',
    err.action ?? req?.action ?? '?',
    req?.resource ?? err.resource ?? '?',
    who,
    profile,
  );
}

/** Opens the suggested statement, as a complete policy document, read-only (copy it, or use "Add to Role…"). */
export async function showStatementToAdd(s: Services, report: DenialReport): Promise<vscode.TextDocument | undefined> {
  if (!report.statement) {
    return undefined;
  }
  return s.readOnly.show(
    `/statements/${denials(s).suggestedPolicyName(report.request)}.json`,
    denials(s).suggestedPolicy(report.statement),
    { preview: false },
  );
}

/**
 * Creates a custom policy with the suggested statement and attaches it to the refused role or
 * user, acting as a profile the user picks (the refused identity can rarely change RAM itself).
 * Returns the policy name, or undefined when the user declined.
 */
export async function addStatementToPrincipal(s: Services, report: DenialReport): Promise<string | undefined> {
  const p = report.principal;
  if (!report.statement || !p?.name || (p.kind !== 'role' && p.kind !== 'user')) {
    return undefined;
  }
  const target = p.kind === 'role' ? vscode.l10n.t('role {0}', p.name) : vscode.l10n.t('RAM user {0}', p.name);
  const active = s.profiles.active()?.id;
  const profile = await s.prompt.pick(
    s.profiles
      .list()
      .filter((e) => e.supported)
      .map((e) => ({
        label: e.name,
        description: `${e.source} · ${e.mode}${e.id === active ? ' ' + vscode.l10n.t('(active)') : ''}`,
        entry: e,
      })),
    {
      title: vscode.l10n.t('Grant {0} to {1}', report.request.action, target),
      placeHolder: vscode.l10n.t('Act as which profile? It must be allowed to create and attach RAM policies.'),
    },
  );
  const policyName = await s.prompt.input({
    title: vscode.l10n.t('Grant {0} to {1}', report.request.action, target),
    prompt: vscode.l10n.t('Name of the new custom policy'),
    value: denials(s).suggestedPolicyName(report.request),
    validateInput: (v) =>
      denials(s).isValidPolicyName(v) ? undefined : vscode.l10n.t('Use 1–128 letters, digits or hyphens.'),
  });
  const document = denials(s).suggestedPolicy(report.statement);
  assertValidPolicy(s.onDemand().lint, document, 'permission', false);
  const ok = await s.prompt.confirm(
    vscode.l10n.t('Create policy "{0}" and attach it to {1}?', policyName, target),
    vscode.l10n.t('Acting as profile "{0}". The policy allows:\n\n{1}', profile.entry.name, document),
    vscode.l10n.t('Create and Attach'),
  );
  if (!ok) {
    return undefined;
  }
  const cloud = await s.profiles.cloudFor(profile.entry);
  try {
    await withProgress(
      vscode.l10n.t('Granting {0} to {1}…', report.request.action, target),
      () =>
        denials(s).grantStatement(
          cloud,
          { kind: p.kind as 'role' | 'user', name: p.name! },
          policyName,
          report.statement!,
          vscode.l10n.t(
            'Allows {0} on {1} (added from VS Code after an AccessDenied)',
            report.request.action,
            ([] as string[]).concat(report.statement!.Resource ?? []).join(', '),
          ),
        ),
      false,
    );
  } finally {
    cloud.dispose();
  }
  s.refresh('ram');
  void showNotice(
    'info',
    p.kind === 'role'
      ? vscode.l10n.t(
          'Policy "{0}" is attached to {1}. Retry now: until the change reaches OSS (seconds), the request waits instead of being refused.',
          policyName,
          target,
        )
      : vscode.l10n.t(
          'Policy "{0}" is attached to {1}. RAM changes can take a few seconds to apply; then retry.',
          policyName,
          target,
        ),
  );
  return policyName;
}

export function accessDeniedActions(s: Services, report: DenialReport): ErrorAction[] {
  if (!report.statement) {
    return [];
  }
  const actions: ErrorAction[] = [
    { label: vscode.l10n.t('Show Statement to Add'), run: () => showStatementToAdd(s, report) },
  ];
  const kind = report.principal?.kind;
  if (report.principal?.name && (kind === 'role' || kind === 'user')) {
    actions.push({
      label: kind === 'role' ? vscode.l10n.t('Add to Role…') : vscode.l10n.t('Add to User…'),
      run: () => addStatementToPrincipal(s, report),
    });
  }
  return actions;
}

/**
 * The error-funnel enricher for AccessDenied (registered with Services.enrichers). This module
 * imports the funnel only for types, so in-host tests can bundle it without the cloud SDKs.
 */
export function accessDeniedEnricher(s: Services): ErrorEnricher {
  return async (e) => {
    const report = await explainAccessDenied(s, e);
    return report && { message: report.text, actions: accessDeniedActions(s, report) };
  };
}
