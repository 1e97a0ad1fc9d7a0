/**
 * Why OSS said AccessDenied, worked out without any UI (so it is tested over HTTP in node:test):
 * the RAM action and resource behind the refused OSS operation, the identity that was refused,
 * and — when that identity's policies can be read — the evaluation of those policies
 * (explainDenial) and the statement that would allow the request. Strings use the cloud layer's
 * l10n seam, which is vscode.l10n inside the extension.
 */
import type { Cloud } from '../cloud';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import type { AttachedPolicy } from '../cloud/ram';
import type { CallerIdentity } from '../cloud/sts';
import { formatPolicy } from '../policy/builders';
import { evaluate } from '../policy/evaluate';
import { explainDenial, suggestStatement, type DenialExplanation } from '../policy/explain';
import type { AuthorizationRequest, NamedPolicy, PolicyDocument, PolicyStatement } from '../policy/types';

export type PrincipalKind = 'role' | 'user' | 'root' | 'unknown';

export interface DeniedPrincipal {
  kind: PrincipalKind;
  /** Role or user name (not for root). */
  name?: string;
  arn: string;
  accountId: string;
}

export interface DenialReport {
  /** The RAM authorization request OSS evaluated (e.g. HeadObject is authorized as oss:GetObject). */
  request: AuthorizationRequest;
  principal?: DeniedPrincipal;
  profileName: string;
  /** Present when the identity's policies could be read and evaluated. */
  explanation?: DenialExplanation;
  /** Policies considered, by name. */
  policyNames?: string[];
  /** Why the policies could not be read (itself often an AccessDenied/NoPermission). */
  policiesUnreadable?: string;
  /** The statement that would allow the request, unless an explicit Deny makes that pointless. */
  statement?: PolicyStatement;
  /** One paragraph for the user. */
  text: string;
}

/** AccessDenied answers that are not about RAM policies: wrong regional endpoint, expired URL. */
export function isPolicyDenial(err: CloudError): boolean {
  return (
    err.code === 'AccessDenied' &&
    err.service === 'oss' &&
    !!err.action &&
    !/specified endpoint|has expired|Request has expired|signature/i.test(err.message)
  );
}

export function principalOf(id: CallerIdentity): DeniedPrincipal {
  const relative = id.arn.split(':').slice(4).join(':');
  const [type, name] = relative.split('/');
  const kind: PrincipalKind =
    type === 'assumed-role' || type === 'role'
      ? 'role'
      : type === 'user'
        ? 'user'
        : type === 'root'
          ? 'root'
          : 'unknown';
  return { kind, name: kind === 'role' || kind === 'user' ? name : undefined, arn: id.arn, accountId: id.accountId };
}

/** How the refused identity is named to the user, e.g. `role DemoEcsOssReader (acs:ram::…)`. */
export function describePrincipal(p: DeniedPrincipal | undefined): string {
  if (!p) {
    return l10n.t('the current identity');
  }
  switch (p.kind) {
    case 'role':
      return l10n.t('role {0} ({1})', p.name ?? '', p.arn);
    case 'user':
      return l10n.t('RAM user {0} ({1})', p.name ?? '', p.arn);
    case 'root':
      return l10n.t('the root account ({0})', p.arn);
    default:
      return p.arn;
  }
}

/** OSS operations authorized as another RAM action (OSS API reference, "RAM Policy" sections). */
const RAM_ACTION: Record<string, string> = {
  'oss:HeadObject': 'oss:GetObject',
  'oss:GetObjectMeta': 'oss:GetObject',
  'oss:DeleteMultipleObjects': 'oss:DeleteObject',
  'oss:CopyObject': 'oss:PutObject',
  'oss:InitiateMultipartUpload': 'oss:PutObject',
  'oss:UploadPart': 'oss:PutObject',
  'oss:CompleteMultipartUpload': 'oss:PutObject',
};

const BUCKET_LEVEL = /^oss:(ListObjects|GetBucket\w*|PutBucket\w*|DeleteBucket|ListMultipartUploads)$/;

/**
 * The RAM request behind a refused OSS call: the action OSS authorizes, the resource with the
 * caller's account filled in, and the condition keys OSS sets (ListObjects: oss:Prefix).
 */
export function ramRequestOf(err: CloudError, accountId = '*'): AuthorizationRequest | undefined {
  if (!err.action || !err.resource) {
    return undefined;
  }
  const action = RAM_ACTION[err.action] ?? err.action;
  // oss.ts names resources acs:oss:*:*:bucket[/key]; a listing's "key" is the prefix.
  const m = /^acs:oss:([^:]*):([^:]*):([^/]*)(?:\/(.*))?$/s.exec(err.resource);
  if (!m) {
    return { action, resource: err.resource };
  }
  const [, region, account, bucket, key] = m;
  const acct = account === '*' ? accountId : account;
  if (action === 'oss:ListBuckets') {
    return { action, resource: `acs:oss:${region}:${acct}:*` };
  }
  if (BUCKET_LEVEL.test(action)) {
    const conditions = action === 'oss:ListObjects' ? { 'oss:Prefix': key ?? '', 'oss:Delimiter': '/' } : undefined;
    return { action, resource: `acs:oss:${region}:${acct}:${bucket}`, conditions };
  }
  return { action, resource: `acs:oss:${region}:${acct}:${bucket}${key !== undefined ? `/${key}` : ''}` };
}

/** "ram:ListPoliciesForRole: NoPermission" — what refused reading the policies. */
function short(e: unknown): string {
  if (!(e instanceof CloudError) && !(e && typeof e === 'object' && 'code' in e)) {
    return e instanceof Error ? e.message : String(e);
  }
  const err = e as CloudError;
  const action = err.action && !err.action.includes(':') && err.service ? `${err.service}:${err.action}` : err.action;
  return action ? `${action}: ${err.code}` : err.code;
}

/** The documents of the policies attached to a role or user (throws when RAM refuses). */
async function policiesOf(cloud: Cloud, p: DeniedPrincipal): Promise<NamedPolicy[]> {
  const attached: AttachedPolicy[] =
    p.kind === 'role' ? await cloud.ram.listPoliciesForRole(p.name!) : await cloud.ram.listPoliciesForUser(p.name!);
  return Promise.all(
    attached.map(async (a) => {
      const { document } = await cloud.ram.getPolicy(a.policyName, a.policyType);
      return { name: a.policyName, type: a.policyType, document: JSON.parse(document) as PolicyDocument };
    }),
  );
}

/**
 * Works out who was refused what, and why. `identity` is the refused profile's cloud (whoAmI);
 * `policyReader` reads RAM policies (defaults to the same cloud — often refused too, then we say so).
 */
export async function analyseOssDenial(
  err: CloudError,
  opts: { cloud: Cloud; profileName: string; identity?: CallerIdentity; policyReader?: Cloud },
): Promise<DenialReport> {
  let principal: DeniedPrincipal | undefined;
  try {
    principal = principalOf(opts.identity ?? (await opts.cloud.whoAmI()));
  } catch {
    /* the identity stays unnamed */
  }
  const request = ramRequestOf(err, principal?.accountId) ?? {
    action: err.action ?? '?',
    resource: err.resource ?? '*',
  };
  const who = describePrincipal(principal);
  const lines = [
    l10n.t('OSS refused {0} on {1} for {2} (profile "{3}").', request.action, request.resource, who, opts.profileName),
  ];
  const report: DenialReport = { request, principal, profileName: opts.profileName, text: '' };

  if (principal?.kind === 'role' || principal?.kind === 'user') {
    try {
      const policies = await policiesOf(opts.policyReader ?? opts.cloud, principal);
      const explanation = explainDenial(policies, request);
      report.explanation = explanation;
      report.policyNames = policies.map((p) => p.name);
      if (explanation.reason === 'ExplicitDeny' && explanation.denyingStatement) {
        lines.push(
          l10n.t(
            'Statement {0} of policy {1} denies it explicitly; adding an Allow will not help — that Deny must change.',
            explanation.denyingStatement.index + 1,
            explanation.denyingStatement.policyName,
          ),
        );
      } else if (explanation.reason === 'Allowed') {
        lines.push(l10n.t('Its RAM policies allow this, so something else refused it (a bucket policy or ACL).'));
      } else {
        lines.push(
          policies.length
            ? l10n.t('None of its policies ({0}) allows it.', report.policyNames.join(', '))
            : l10n.t('No policies are attached to it.'),
        );
        for (const miss of explanation.conditionMisses) {
          lines.push(
            l10n.t(
              'Policy {0} would allow it, but its condition {1} on {2} does not hold.',
              miss.statement.policyName,
              miss.failure.operator,
              miss.failure.key,
            ),
          );
        }
        report.statement = explanation.suggestion?.statement;
      }
    } catch (e) {
      report.policiesUnreadable = short(e);
      lines.push(
        l10n.t(
          'Its policies could not be read ({0}), so which statement is missing is a guess.',
          report.policiesUnreadable,
        ),
      );
      report.statement = suggestStatement(request.action, request.resource).statement;
    }
  } else if (principal?.kind === 'root') {
    lines.push(l10n.t('RAM policies do not restrict the root account; a bucket policy or ACL refused it.'));
  } else {
    report.statement = suggestStatement(request.action, request.resource).statement;
  }
  if (report.statement) {
    const resources = ([] as string[]).concat(report.statement.Resource ?? []);
    lines.push(l10n.t('A statement allowing {0} on {1} would let it through.', request.action, resources.join(', ')));
  }
  report.text = lines.join(' ');
  return report;
}

/** The suggested statement as a complete policy document. */
export function suggestedPolicy(statement: PolicyStatement): string {
  return formatPolicy({ Version: '1', Statement: [statement] });
}

/**
 * "Add to Role…/Add to User…" without the UI: a new custom policy with the statement, attached to
 * the refused principal. For a role, the refusals the statement covers are then retried while the
 * grant reaches OSS (RAM takes seconds to propagate), so the next try of the same request
 * succeeds instead of being refused again; other refusals are still reported at once.
 */
export async function grantStatement(
  cloud: Cloud,
  principal: { kind: 'role' | 'user'; name: string },
  policyName: string,
  statement: PolicyStatement,
  description: string,
): Promise<void> {
  const document = suggestedPolicy(statement);
  await cloud.ram.createPolicy(policyName, document, description);
  if (principal.kind === 'user') {
    await cloud.ram.attachPolicyToUser(principal.name, policyName, 'Custom');
    return;
  }
  await cloud.ram.attachPolicyToRole(principal.name, policyName, 'Custom');
  const granted: NamedPolicy[] = [
    { name: policyName, type: 'Custom', document: { Version: '1', Statement: [statement] } },
  ];
  cloud.session.roleChanges.noteGrant(principal.name, (e) => {
    const req = ramRequestOf(e);
    return !!req && evaluate(granted, req).effect === 'Allow';
  });
}

/** A valid RAM policy name for the grant, e.g. `AllowOssPutObject-demo-data-20261127`. */
export function suggestedPolicyName(request: AuthorizationRequest, now = new Date()): string {
  const m = /^acs:oss:[^:]*:[^:]*:([^/]*)/.exec(request.resource);
  const op = request.action.replace(/^oss:/, 'Oss').replace(/[^A-Za-z0-9]/g, '');
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '');
  return `Allow${op}-${m?.[1] && m[1] !== '*' ? `${m[1]}-` : ''}${stamp}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 128);
}

export const isValidPolicyName = (name: string) => /^[A-Za-z0-9-]{1,128}$/.test(name);
