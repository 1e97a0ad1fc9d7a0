/** Who am I: the active profile, its caller identity (account, user or role), and how to switch. */
import * as vscode from 'vscode';
import { formatExpiry } from '../cloud/instance';
import { formatClockTime, formatDateTime } from '../cloud/timeFormat';
import type { CallerIdentity } from '../cloud/sts';
import type { InstanceIdentityService, InstanceState } from '../services/instanceIdentity';
import type { ProfileEntry } from '../services/profiles';
import { metadataModeLabel, ownMetadataMode, type MetadataMode } from '../setup/metadataHardening';
import { describeError } from '../ui/errorFunnel';
import { ContextValues } from './contextValues';
import { roleCheckNodes } from './roleCheckView';
import { ErrorNode, MessageNode, TreeNode } from './node';
import type { Services } from '../services/services';
import { md, tooltip } from './tooltip';

const sourceLabel = (e: ProfileEntry): string =>
  ({
    extension: vscode.l10n.t('AccessKey profile'),
    cli: vscode.l10n.t('aliyun CLI profile'),
    env: vscode.l10n.t('environment'),
    sandbox: vscode.l10n.t('local sandbox'),
    instance: vscode.l10n.t('ECS instance role'),
  })[e.source];

export class ProfileNode extends TreeNode {
  readonly id: string;
  private identity?: CallerIdentity;
  private error?: unknown;
  constructor(
    private readonly s: Services,
    readonly entry: ProfileEntry,
  ) {
    super();
    this.id = `identity/${entry.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.entry.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = `${sourceLabel(this.entry)} · ${this.entry.regionId}`;
    item.iconPath = new vscode.ThemeIcon('account');
    item.contextValue = ContextValues.profile;
    item.command = { command: 'alibabaCloud.selectProfile', title: vscode.l10n.t('Switch Profile') };
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    if (!this.identity && !this.error) {
      try {
        this.identity = await (await this.s.cloud()).cloud.whoAmI();
      } catch (e) {
        this.error = e;
      }
    }
    if (this.error) {
      return [new ErrorNode(`${this.id}/error`, this.error)];
    }
    const id = this.identity!;
    // Who, in words, then the ARN: "Account ID" next to "root account" read as two accounts.
    const name = id.arn.split('/').slice(1).join('/') || id.arn;
    const who =
      id.identityType === 'Account'
        ? vscode.l10n.t('The account itself (root): every permission')
        : id.identityType === 'RAMUser'
          ? vscode.l10n.t('RAM user {0}', name)
          : vscode.l10n.t('Role {0}', name.split('/')[0]);
    return [
      new MessageNode(`${this.id}/account`, vscode.l10n.t('Account ID {0}', id.accountId), 'key'),
      new MessageNode(`${this.id}/principal`, who, id.identityType === 'AssumedRoleUser' ? 'shield' : 'person', id.arn),
    ];
  }
  invalidate(): void {
    this.identity = undefined;
    this.error = undefined;
  }
}

export async function identityRoots(s: Services, extra: () => TreeNode[]): Promise<TreeNode[]> {
  const entry = s.profiles.active();
  // With no profile, the view's welcome content (viewsWelcome) takes over, unless an instance problem needs explaining.
  // "Verify Role on Instance" results go last: they are about other machines than this one.
  if (!entry) {
    return [...extra(), ...roleCheckNodes(s)];
  }
  return [...extra(), new ProfileNode(s, entry), ...roleCheckNodes(s)];
}

type Found = Extract<InstanceState, { kind: 'found' }>;
type Problem = Extract<InstanceState, { kind: 'problem' }>;
const time = formatClockTime;

/** How long the instance's metadata mode, read from ECS, stands before the next tick reads it again. */
const MODE_TTL_MS = 5 * 60_000;

/** The instance role: role, instance, region, a live expiry countdown and the last refresh. */
export class InstanceIdentityNode extends TreeNode {
  readonly id = 'identity/instance';
  private mode?: { at: number; value: Promise<{ mode: MetadataMode; reason?: string; profile: string }> };
  constructor(
    private readonly s: Services,
    private readonly st: Found,
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const { st } = this;
    const item = new vscode.TreeItem(
      vscode.l10n.t('Instance role: {0}', st.roleName),
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = this.id;
    item.description = `${st.identity.instanceId} · ${st.identity.regionId} · ${formatExpiry(st.provider.expiration)}`;
    item.iconPath = new vscode.ThemeIcon(st.refreshError ? 'warning' : 'vm-active');
    item.contextValue = ContextValues.instanceIdentity;
    item.tooltip = tooltip([
      `**${md(vscode.l10n.t('ECS instance role'))}** ${md(st.roleName)}`,
      md(`${vscode.l10n.t('Instance')}: ${st.identity.instanceId} (${st.identity.regionId}, ${st.identity.zoneId})`),
      md(
        `${vscode.l10n.t('Credentials')}: ${formatExpiry(st.provider.expiration)} (${formatDateTime(st.provider.expiration) || '-'})`,
      ),
      md(
        `${vscode.l10n.t('Metadata')}: ${st.baseUrl}${st.usedInsecureFallback ? ` — ${vscode.l10n.t('token-less fallback')}` : ''}`,
      ),
    ]);
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const { st } = this;
    const p = st.provider;
    const out: TreeNode[] = [
      new MessageNode(`${this.id}/role`, vscode.l10n.t('Role: {0}', st.roleName), 'shield'),
      new MessageNode(`${this.id}/instance`, vscode.l10n.t('Instance: {0}', st.identity.instanceId), 'vm', undefined, {
        command: 'alibabaCloud.copy',
        title: vscode.l10n.t('Copy'),
        arguments: [st.identity.instanceId],
      }),
      new MessageNode(
        `${this.id}/region`,
        vscode.l10n.t('Region: {0} ({1})', st.identity.regionId, st.identity.zoneId),
        'globe',
      ),
      new MessageNode(
        `${this.id}/expiry`,
        vscode.l10n.t('Credentials: {0}', formatExpiry(p.expiration)),
        'watch',
        formatDateTime(p.expiration) || undefined,
      ),
      new MessageNode(
        `${this.id}/refreshed`,
        vscode.l10n.t('Last refresh: {0}', time(p.lastRefreshedAt)),
        'history',
        p.lastUpdated ? vscode.l10n.t('Issued by the instance at {0}', formatDateTime(p.lastUpdated)) : undefined,
      ),
      new MessageNode(
        `${this.id}/metadata`,
        vscode.l10n.t(
          'Metadata: {0} ({1})',
          st.baseUrl,
          st.usedInsecureFallback ? vscode.l10n.t('token-less fallback') : vscode.l10n.t('hardened mode'),
        ),
        'plug',
      ),
    ];
    out.push(await this.modeNode());
    if (st.refreshError) {
      out.push(
        new MessageNode(
          `${this.id}/refreshError`,
          vscode.l10n.t('Last background refresh failed: {0}', st.refreshError),
          'warning',
          undefined,
          { command: 'alibabaCloud.instance.diagnose', title: vscode.l10n.t('Diagnose') },
        ),
      );
    }
    if (this.s.profiles.active()?.id !== st.entryId) {
      out.push(
        new MessageNode(
          `${this.id}/use`,
          vscode.l10n.t('Use the instance role as the active profile'),
          'arrow-right',
          undefined,
          {
            command: 'alibabaCloud.selectProfile',
            title: vscode.l10n.t('Switch Profile'),
            arguments: [{ id: st.entryId }],
          },
        ),
      );
    }
    return out;
  }

  /**
   * Whether this instance still allows normal-mode (token-less) metadata reads, from ECS through
   * the active profile (ownMetadataMode): the window itself reads only with a token. The countdown
   * re-renders this node every 30 s; ECS is asked again at most every MODE_TTL_MS.
   */
  private async modeNode(): Promise<TreeNode> {
    const { identity } = this.st;
    if (!this.mode || Date.now() - this.mode.at > MODE_TTL_MS) {
      this.mode = {
        at: Date.now(),
        value: this.s.cloud().then(
          ({ entry, cloud }) =>
            ownMetadataMode(cloud, identity.regionId, identity.instanceId, entry.name).then(
              (m) => ({ ...m, profile: entry.name }),
              (e: unknown) => ({ mode: 'unknown' as const, reason: describeError(e).message, profile: entry.name }),
            ),
          (e: unknown) => ({ mode: 'unknown' as const, reason: describeError(e).message, profile: '-' }),
        ),
      };
    }
    const m = await this.mode.value;
    const id = `${this.id}/metadataMode`;
    const source = vscode.l10n.t(
      'From ECS (DescribeInstances, MetadataOptions) as profile {0}, not from a metadata read without a token (such a read would itself be a normal-mode caller).',
      m.profile,
    );
    if (m.mode === 'normalAllowed') {
      return new MessageNode(
        id,
        vscode.l10n.t('This instance: {0}', metadataModeLabel(m.mode)),
        'unlock',
        `${vscode.l10n.t('Programs here may read the role credentials without a token, which an SSRF in any of them can abuse. Require Hardened Metadata Mode probes first, then switches.')}\n\n${source}`,
        {
          command: 'alibabaCloud.ecs.requireHardenedMetadata',
          title: vscode.l10n.t('Require Hardened Metadata Mode'),
          arguments: [{ regionId: identity.regionId, instanceIds: [identity.instanceId] }],
        },
      );
    }
    if (m.mode === 'unknown') {
      return new MessageNode(
        id,
        vscode.l10n.t('This instance: metadata mode unknown ({0})', m.reason ?? '-'),
        'question',
        source,
      );
    }
    return new MessageNode(
      id,
      vscode.l10n.t('This instance: {0}', metadataModeLabel(m.mode)),
      m.mode === 'hardenedOnly' ? 'lock' : 'circle-slash',
      source,
    );
  }
}

/** Detection ran and failed for a reason other than "not an instance": what and how to fix it. */
export class InstanceProblemNode extends TreeNode {
  readonly id = 'identity/instanceProblem';
  constructor(private readonly st: Problem) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const { problem } = this.st;
    const item = new vscode.TreeItem(
      vscode.l10n.t('Instance role: {0}', problem.title),
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.tooltip = `${problem.explanation}\n\n${problem.fix}`;
    item.contextValue = ContextValues.instanceProblem;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const { problem } = this.st;
    return [
      new MessageNode(`${this.id}/why`, problem.explanation, 'info', problem.explanation),
      new MessageNode(`${this.id}/fix`, problem.fix, 'lightbulb', problem.fix),
      new MessageNode(`${this.id}/diagnose`, vscode.l10n.t('Diagnose Instance Credentials'), 'pulse', undefined, {
        command: 'alibabaCloud.instance.diagnose',
        title: vscode.l10n.t('Diagnose'),
      }),
      new MessageNode(`${this.id}/detect`, vscode.l10n.t('Detect again'), 'refresh', undefined, {
        command: 'alibabaCloud.instance.detect',
        title: vscode.l10n.t('Detect Instance Role'),
      }),
    ];
  }
}

/** The node at the top of the identity view for the instance role's state, if any (bound in explorer.ts). */
export function instanceNode(s: Services, st: InstanceIdentityService['state']): TreeNode | undefined {
  return st.kind === 'found'
    ? new InstanceIdentityNode(s, st)
    : st.kind === 'problem'
      ? new InstanceProblemNode(st)
      : undefined;
}
