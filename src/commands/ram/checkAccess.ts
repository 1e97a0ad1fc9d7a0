/**
 * Check Access: can this role, RAM user or profile do this action on this resource, in this
 * context? Allow, implicit deny or explicit deny; the deciding statement opens highlighted in its
 * document. On an implicit deny the narrowest statement that would allow it is proposed, and can be
 * added as a new policy attached (the AccessDenied "Add to Role" flow) or as a new version of an
 * attached custom policy. An open policy draft can take part, as if it were attached.
 */
import * as vscode from 'vscode';
import { formatPolicy } from '../../policy/builders';
import { lintPolicy } from '../../policy/lint';
import { findAction } from '../../policy/actionCatalog';
import type { PolicyDocument } from '../../policy/types';
import {
  addStatementAsNewVersion,
  checkAccess as evaluateAccess,
  identityPolicies,
  parseContext,
  statementSpan,
  type AccessIdentity,
  type AccessResult,
  type LoadedPolicy,
} from '../../setup/checkAccess';
import { addStatementToPrincipal } from '../../errorHelp/accessDenied';
import { principalOf } from '../../setup/accessDeniedReport';
import { pickRole, pickUser } from '../../ui/pickers';
import { isPolicyDocument, policyKindOf } from '../../editor/policyDiagnostics';
import { withProgress } from '../../ui/progress';
import { policyDocumentUri } from '../../fs/ramDocuments';
import { ProfileNode } from '../../views/identityView';
import { RoleNode } from '../../views/ramView';
import type { Services } from '../../services/services';
import { defineCommand, is, type ArgsOf } from '../command';
import { notify } from '../helpers';
import { onClickedRow } from '../selection';

const checkAccessArgs = {
  roleName: is.string,
  userName: is.string,
  action: is.string,
  resource: is.string,
  /** `key=value, …` */
  context: is.string,
  /** Also evaluate the policy draft open in this editor (a URI string). */
  draft: is.string,
};

export interface CheckAccessOutcome {
  identity: AccessIdentity;
  effect: AccessResult['effect'];
  policyName?: string;
  statementIndex?: number;
  /** The document opened with the deciding statement selected, and the selected text. */
  opened?: { uri: string; selected: string };
  added?: string;
}

const highlight = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  isWholeLine: true,
});

async function identityFor(
  s: Services,
  arg: RoleNode | ProfileNode | undefined,
  a: ArgsOf<typeof checkAccessArgs>,
): Promise<AccessIdentity> {
  if (arg instanceof RoleNode) {
    return { kind: 'role', name: arg.role.roleName };
  }
  if (a.roleName) {
    return { kind: 'role', name: a.roleName };
  }
  if (a.userName) {
    return { kind: 'user', name: a.userName };
  }
  const { cloud } = await s.cloud();
  if (arg instanceof ProfileNode) {
    const profileCloud = await s.profiles.cloudFor(arg.entry);
    try {
      return asIdentity(principalOf(await profileCloud.whoAmI()));
    } finally {
      profileCloud.dispose();
    }
  }
  const title = vscode.l10n.t('Check Access');
  const kinds = [
    { label: vscode.l10n.t('A RAM role'), who: 'role' as const },
    { label: vscode.l10n.t('A RAM user'), who: 'user' as const },
    { label: vscode.l10n.t('The current profile'), who: 'profile' as const },
  ];
  const picked = await s.prompt.pick(kinds, { title, placeHolder: vscode.l10n.t('Whose access?') });
  if (picked.who === 'role') {
    return { kind: 'role', name: await pickRole(s.prompt, cloud, title) };
  }
  if (picked.who === 'user') {
    return { kind: 'user', name: await pickUser(s.prompt, cloud, title) };
  }
  return asIdentity(principalOf(await cloud.knownIdentity()));
}

function asIdentity(p: ReturnType<typeof principalOf>): AccessIdentity {
  if ((p.kind === 'role' || p.kind === 'user') && p.name) {
    return { kind: p.kind, name: p.name };
  }
  // The root account is not limited by RAM policies; there is nothing to check.
  throw new Error(vscode.l10n.t('{0} is the root account: RAM policies do not restrict it.', p.arn));
}

const describeIdentity = (id: AccessIdentity) =>
  id.kind === 'role' ? vscode.l10n.t('role {0}', id.name) : vscode.l10n.t('RAM user {0}', id.name);

/** A draft open in an editor (or the one named), linted clean, as a policy that takes part. */
function draftPolicy(uri: string | undefined): LoadedPolicy | undefined {
  const doc = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)
    : vscode.window.activeTextEditor?.document;
  if (
    !doc ||
    !isPolicyDocument(doc) ||
    doc.uri.scheme === 'alibabacloud-ram' ||
    policyKindOf(doc.uri).kind !== 'permission'
  ) {
    return undefined;
  }
  const text = doc.getText();
  if (lintPolicy(text, 'permission').some((d) => d.severity === 'error')) {
    return undefined;
  }
  const name = doc.uri.path
    .split('/')
    .pop()!
    .replace(/\.(ram-)?policy\.json$/, '');
  return {
    name,
    type: 'Custom',
    source: 'draft',
    location: doc.uri.toString(),
    text,
    document: JSON.parse(text) as PolicyDocument,
  };
}

async function openDeciding(s: Services, result: AccessResult): Promise<CheckAccessOutcome['opened']> {
  const d = result.deciding;
  if (!d) {
    return undefined;
  }
  const uri = d.policy.location
    ? vscode.Uri.parse(d.policy.location)
    : await policyDocumentUri(s, d.policy.type, d.policy.name);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: true });
  const span = statementSpan(doc.getText(), d.index);
  if (!span) {
    return { uri: uri.toString(), selected: '' };
  }
  const range = new vscode.Range(doc.positionAt(span.offset), doc.positionAt(span.offset + span.length));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.setDecorations(highlight, [range]);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return { uri: uri.toString(), selected: doc.getText(range) };
}

export const checkAccess = defineCommand({
  id: 'alibabaCloud.ram.checkAccess',
  node: [RoleNode, ProfileNode],
  args: checkAccessArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Check Access'),
    async (s, input): Promise<CheckAccessOutcome> => {
      const a = input.args;
      const title = vscode.l10n.t('Check Access');
      const identity = await identityFor(s, input.node, a);
      const action =
        a.action ??
        (await s.prompt.input({
          title,
          prompt: vscode.l10n.t('Action, e.g. oss:GetObject'),
          placeHolder: 'oss:GetObject',
          validateInput: (v) =>
            /^[A-Za-z0-9-]+:[A-Za-z0-9_-]+$/.test(v.trim())
              ? undefined
              : vscode.l10n.t('Write service:Action, e.g. oss:GetObject.'),
        }));
      const resource =
        a.resource ??
        (await s.prompt.input({
          title,
          prompt: vscode.l10n.t('Resource ARN, e.g. acs:oss:*:*:my-bucket/path/file.txt, or * for any'),
          value: '*',
          validateInput: (v) =>
            v.trim() === '*' || /^acs:[^:]+:[^:]*:[^:]*:.+/.test(v.trim())
              ? undefined
              : vscode.l10n.t('Write "*" or an ARN acs:<service>:<region>:<account>:<resource>.'),
        }));
      const context =
        a.context ??
        (a.action
          ? ''
          : await s.prompt.input({
              title,
              prompt: vscode.l10n.t(
                'Request context (optional): key=value pairs, e.g. acs:SourceIp=10.0.0.8, oss:Prefix=logs/',
              ),
              value: '',
            }));
      const request = { action: action.trim(), resource: resource.trim(), conditions: parseContext(context) };

      const { cloud } = await s.cloud();
      const policies = await withProgress(
        vscode.l10n.t('Reading the policies of {0}…', describeIdentity(identity)),
        () => identityPolicies(cloud, identity),
        false,
      );
      const draft = draftPolicy(a.draft);
      if (draft) {
        policies.push(draft);
      }
      const result = evaluateAccess(policies, request);
      const outcome: CheckAccessOutcome = {
        identity,
        effect: result.effect,
        policyName: result.deciding?.policyName,
        statementIndex: result.deciding?.index,
      };
      const who = describeIdentity(identity);
      const known = findAction(request.action)
        ? ''
        : ` ${vscode.l10n.t('({0} is not an action this extension knows; check the spelling.)', request.action)}`;

      if (result.effect !== 'ImplicitDeny') {
        outcome.opened = await openDeciding(s, result);
        const d = result.deciding!;
        notify(
          result.effect === 'Allow'
            ? vscode.l10n.t(
                'Allowed: statement {0} of policy {1} lets {2} do {3} on {4}.',
                d.index + 1,
                d.policyName,
                who,
                request.action,
                request.resource,
              ) + known
            : vscode.l10n.t(
                'Explicitly denied: statement {0} of policy {1} denies {3} on {4} to {2}. An Allow elsewhere cannot override it.',
                d.index + 1,
                d.policyName,
                who,
                request.action,
                request.resource,
              ) + known,
        );
        return outcome;
      }

      const misses = result.explanation.conditionMisses.map((m) =>
        vscode.l10n.t(
          'Policy {0} would allow it, but its condition {1} on {2} does not hold.',
          m.statement.policyName,
          m.failure.operator,
          m.failure.key,
        ),
      );
      const statement = result.suggestion!;
      const newPolicy = vscode.l10n.t('Add as New Policy…');
      const customs = policies.filter((p) => p.source === 'ram' && p.type === 'Custom').slice(0, 3);
      const versionActions = new Map(
        customs.map((p) => [vscode.l10n.t('Add to {0} as a New Version', p.name), p.name]),
      );
      const choice = await s.prompt.choose(
        vscode.l10n.t(
          'Implicitly denied: no statement lets {0} do {1} on {2}.',
          who,
          request.action,
          request.resource,
        ) + known,
        [
          policies.length
            ? vscode.l10n.t('Policies evaluated: {0}.', policies.map((p) => p.name).join(', '))
            : vscode.l10n.t('No policies are attached.'),
          ...misses,
          vscode.l10n.t('This statement would allow it:'),
          formatPolicy({ Version: '1', Statement: [statement] }),
        ].join('\n\n'),
        [newPolicy, ...versionActions.keys()],
      );
      if (choice === newPolicy) {
        outcome.added = await addStatementToPrincipal(s, {
          request,
          profileName: '',
          text: '',
          statement,
          principal: { kind: identity.kind, name: identity.name, arn: '', accountId: '' },
        });
      } else if (choice && versionActions.has(choice)) {
        const policyName = versionActions.get(choice)!;
        const ok = await s.prompt.confirm(
          vscode.l10n.t('Add the statement to {0} as its new default version?', policyName),
          vscode.l10n.t(
            'Every identity {0} is attached to gets this permission:\n\n{1}',
            policyName,
            formatPolicy({ Version: '1', Statement: [statement] }),
          ),
          vscode.l10n.t('Add Version'),
        );
        if (ok) {
          const version = await withProgress(
            vscode.l10n.t('Adding a version to {0}…', policyName),
            () => addStatementAsNewVersion(cloud, policyName, statement),
            false,
          );
          outcome.added = `${policyName}@${version}`;
          s.refresh('ram');
          notify(
            vscode.l10n.t(
              '{0} is now the default version of {1}. RAM changes can take a few seconds to apply.',
              version,
              policyName,
            ),
          );
        }
      }
      return outcome;
    },
  ),
});
