/** "Verify Role on Instance" results at the top of the identity view: verdict, role, expiry, bucket. */
import * as vscode from 'vscode';
import { formatClockTime, formatDateTime } from '../cloud/timeFormat';
import type { VerifyRoleResult } from '../setup/verifyRole';
import { ContextValues } from './contextValues';
import { MessageNode, TreeNode } from './node';
import type { Services } from '../services/services';

const OK = new Set(['roleOk']);

export class RoleCheckNode extends TreeNode {
  readonly id: string;
  constructor(
    private readonly s: Services,
    readonly result: VerifyRoleResult,
  ) {
    super();
    this.id = `identity/roleCheck/${result.instanceId}`;
  }
  /**
   * The role this window's instance has now, when the check is about this very instance and says
   * otherwise (the instance identity above it was read later, from the metadata service).
   */
  private newerRole(): string | undefined {
    const st = this.s.instance.state;
    const r = this.result;
    if (st.kind !== 'found' || st.identity.instanceId !== r.instanceId) {
      return undefined;
    }
    return st.roleName !== (r.report?.role ?? (r.verdict === 'noRole' ? '' : st.roleName)) ? st.roleName : undefined;
  }
  getTreeItem(): vscode.TreeItem {
    const r = this.result;
    const name = r.instanceName || r.instanceId;
    const label = r.report?.role
      ? vscode.l10n.t('Role on {0}: {1}', name, r.report.role)
      : r.verdict === 'noRole'
        ? vscode.l10n.t('No role on {0}', name)
        : vscode.l10n.t('Role check on {0}: not done', name);
    const newer = this.newerRole();
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = newer
      ? vscode.l10n.t('outdated: it has role {0} now', newer)
      : r.report?.expiration
        ? vscode.l10n.t('expires {0}', formatDateTime(r.report.expiration))
        : r.instanceId;
    item.iconPath = newer
      ? new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground'))
      : OK.has(r.verdict)
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.tooltip = [
      newer
        ? vscode.l10n.t('Outdated: checked before {0} got role {1}. Verify Again to check it now.', name, newer)
        : '',
      r.summary,
      r.detail,
    ]
      .filter(Boolean)
      .join('\n\n');
    item.contextValue = ContextValues.roleCheck;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const r = this.result;
    const out: TreeNode[] = [new MessageNode(`${this.id}/summary`, r.summary, 'info', r.summary)];
    if (r.report?.expiration) {
      out.push(
        new MessageNode(
          `${this.id}/expiry`,
          vscode.l10n.t('Credentials expire at {0}', formatDateTime(r.report.expiration)),
          'watch',
        ),
      );
    }
    if (r.report?.bucket) {
      const ok = r.report.list === 'ok';
      out.push(
        new MessageNode(
          `${this.id}/bucket`,
          ok
            ? vscode.l10n.t('Listing {0} works', r.report.bucket)
            : vscode.l10n.t('Listing {0} failed: {1}', r.report.bucket, r.report.listCode ?? r.report.list ?? '-'),
          ok ? 'check' : 'error',
        ),
      );
    }
    if (r.detail) {
      out.push(new MessageNode(`${this.id}/detail`, r.detail, 'lightbulb', r.detail));
    }
    const via = r.invocation
      ? vscode.l10n.t(
          'Checked {0} through Cloud Assistant (invocation {1})',
          formatClockTime(r.checkedAt),
          r.invocation.invokeId,
        )
      : vscode.l10n.t('Checked {0}', formatClockTime(r.checkedAt));
    out.push(
      new MessageNode(`${this.id}/via`, via, 'history', undefined, {
        command: 'alibabaCloud.ecs.verifyRole',
        title: vscode.l10n.t('Verify Again'),
        arguments: [{ regionId: r.regionId, instanceId: r.instanceId }],
      }),
    );
    return out;
  }
}

/** One node per result, kept, so "Show in Identity View" can reveal the row the view shows. */
const nodes = new WeakMap<VerifyRoleResult, RoleCheckNode>();

export function roleCheckNode(s: Services, r: VerifyRoleResult): RoleCheckNode {
  let node = nodes.get(r);
  if (!node) {
    node = new RoleCheckNode(s, r);
    nodes.set(r, node);
  }
  return node;
}

export function roleCheckNodes(s: Services): TreeNode[] {
  return s.roleChecks.all().map((r) => roleCheckNode(s, r));
}
