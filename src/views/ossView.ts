/**
 * OSS: pinned `oss://bucket/prefix/` entries (from the `alibabaCloud.oss.pinned` setting, usable
 * without oss:ListBuckets) and "Buckets" (ListBuckets, paged) → folders (delimiter "/") → objects
 * with size and date. Every folder-like node pages as one PagedNode ("Load more") and can
 * be filtered by a prefix, shown in its description and kept per workspace.
 */
import * as vscode from 'vscode';
import { isCloudError } from '../cloud/errors';
import type { BucketInfo, OssEntry } from '../cloud/oss';
import type { Page } from '../cloud/paging';
import { describeError } from '../ui/errorFunnel';
import {
  asPrefix,
  entryName,
  formatDate,
  formatOssUri,
  formatSize,
  isPathSafeKey,
  OSS_SCHEME,
  parseOssUri,
  regionOfBucket,
  rememberRegion,
  type OssLocation,
} from '../cloud/ossLocation';
import { ContextValues } from './contextValues';
import { ErrorNode, MessageNode, TreeNode } from './node';
import { PagedNode } from './pagedNode';
import type { Services } from '../services/services';
import { ossPageSize, pinnedUris } from '../ui/settings';
import { md, tooltip } from './tooltip';

export const ossUri = (loc: OssLocation) =>
  vscode.Uri.from({ scheme: OSS_SCHEME, authority: loc.bucket, path: `/${loc.key}` });

/** A row's resourceUri (icons, drags to the editor): none for a key with "..", "" or "\\" segments, which is shown but is no path. */
const rowUri = (loc: OssLocation) => (isPathSafeKey(loc.key) ? ossUri(loc) : undefined);

// ---- filters: per oss:// location, kept in workspace state so they survive reloads ----

export function filterOf(s: Services, uri: string): string | undefined {
  return s.filters.get(`oss:${uri}`);
}

export async function setFilter(s: Services, uri: string, filter: string | undefined): Promise<void> {
  await s.filters.set(`oss:${uri}`, filter);
}

// ---- pinned entries ----

/** A pinned entry as it is stored: `oss://bucket/` or `oss://bucket/prefix/`. */
export const normalizePin = (loc: OssLocation) => formatOssUri({ bucket: loc.bucket, key: asPrefix(loc.key) });

// ---- nodes ----

/** Anything that lists a prefix: bucket roots, pinned entries, folders. */
export abstract class OssPrefixNode extends PagedNode<OssEntry> {
  abstract readonly id: string;

  constructor(
    protected readonly s: Services,
    readonly bucket: string,
    readonly prefix: string,
  ) {
    super();
  }

  protected async loadPage(token: string | undefined): Promise<Page<OssEntry>> {
    const { cloud } = await this.s.cloud();
    return cloud.oss.listObjects(this.bucket, await this.region(), {
      prefix: this.prefix + (this.filter ?? ''),
      token,
      maxKeys: ossPageSize(),
    });
  }

  abstract region(): Promise<string>;
  /** The node's bucket root, whose id prefixes every descendant's id. */
  abstract get root(): OssRootNode;

  get location(): OssLocation {
    return { bucket: this.bucket, key: this.prefix };
  }
  get uri(): string {
    return formatOssUri(this.location);
  }
  get filter(): string | undefined {
    return filterOf(this.s, this.uri);
  }
  get copyText(): string {
    return this.uri;
  }

  /** "filter: abc" when a filter is active. */
  protected filterDescription(): string | undefined {
    const f = this.filter;
    return f ? vscode.l10n.t('filter: {0}*', f) : undefined;
  }

  protected toNode(e: OssEntry): TreeNode {
    return e.kind === 'folder'
      ? new OssFolderNode(this.s, this.root, e.prefix, entryName(e, this.prefix), this)
      : new OssObjectNode(this.root, e, entryName(e, this.prefix), this);
  }

  protected emptyLabel(): string {
    const f = this.filter;
    return f ? vscode.l10n.t('Nothing starts with "{0}"', f) : vscode.l10n.t('Empty');
  }
}

export abstract class OssRootNode extends OssPrefixNode {
  get root(): OssRootNode {
    return this;
  }
}

/** A bucket from ListBuckets. */
export class OssBucketNode extends OssRootNode {
  readonly id: string;
  constructor(
    s: Services,
    readonly info: BucketInfo,
    parent: TreeNode,
  ) {
    super(s, info.name, '');
    this.id = `oss/b/${info.name}`;
    this.parent = parent;
  }
  async region(): Promise<string> {
    return this.info.region;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.bucket, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = [this.info.region, this.filterDescription()].filter(Boolean).join(' · ');
    item.tooltip = tooltip([
      `**${md(this.bucket)}**`,
      md(vscode.l10n.t('Region: {0}', this.info.region)),
      md(this.info.storageClass),
      this.info.creationDate ? md(vscode.l10n.t('Created: {0}', formatDate(this.info.creationDate))) : '',
      md(this.uri),
    ]);
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = ContextValues.bucket;
    return item;
  }
}

/** A pinned `oss://bucket/prefix/`, listed without ListBuckets; its region is looked up. */
export class OssPinnedNode extends OssRootNode {
  readonly id: string;
  constructor(s: Services, loc: OssLocation) {
    super(s, loc.bucket, asPrefix(loc.key));
    this.id = `oss/p/${this.uri}`;
  }
  async region(): Promise<string> {
    const { entry, cloud } = await this.s.cloud();
    return regionOfBucket(cloud, this.bucket, entry.regionId);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`${this.bucket}/${this.prefix}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = [vscode.l10n.t('pinned'), this.filterDescription()].filter(Boolean).join(' · ');
    item.tooltip = tooltip([
      md(vscode.l10n.t('Pinned: {0}', this.uri)),
      vscode.l10n.t('Unpin it from the context menu or the `alibabaCloud.oss.pinned` setting.'),
    ]);
    item.iconPath = new vscode.ThemeIcon('pinned');
    item.contextValue = ContextValues.pinnedPrefix;
    return item;
  }
}

export class OssFolderNode extends OssPrefixNode {
  readonly id: string;
  constructor(
    s: Services,
    private readonly rootNode: OssRootNode,
    prefix: string,
    readonly name: string,
    parent: TreeNode,
  ) {
    super(s, rootNode.bucket, prefix);
    this.id = `${rootNode.id}#d:${prefix}`;
    this.parent = parent;
  }
  get root(): OssRootNode {
    return this.rootNode;
  }
  region(): Promise<string> {
    return this.rootNode.region();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.filterDescription();
    item.tooltip = this.uri;
    item.resourceUri = rowUri(this.location);
    item.iconPath = vscode.ThemeIcon.Folder;
    item.contextValue = ContextValues.folder;
    return item;
  }
}

export class OssObjectNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly root: OssRootNode,
    readonly entry: Extract<OssEntry, { kind: 'object' }>,
    readonly name: string,
    parent: TreeNode,
  ) {
    super();
    this.id = `${root.id}#o:${entry.key}`;
    this.parent = parent;
  }
  get bucket(): string {
    return this.root.bucket;
  }
  get key(): string {
    return this.entry.key;
  }
  get location(): OssLocation {
    return { bucket: this.bucket, key: this.key };
  }
  get uri(): string {
    return formatOssUri(this.location);
  }
  get copyText(): string {
    return this.uri;
  }
  region(): Promise<string> {
    return this.root.region();
  }
  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = `${formatSize(e.size)} · ${formatDate(e.lastModified)}`;
    item.tooltip = tooltip([
      `**${md(this.uri)}**`,
      md(vscode.l10n.t('Size: {0} ({1} bytes)', formatSize(e.size), e.size)),
      md(vscode.l10n.t('Last modified: {0}', formatDate(e.lastModified))),
      md(e.storageClass),
      e.etag ? md(`ETag ${e.etag}`) : '',
    ]);
    item.resourceUri = rowUri(this.location);
    item.iconPath = vscode.ThemeIcon.File;
    item.contextValue = ContextValues.object;
    item.command = { command: 'alibabaCloud.oss.openObject', title: vscode.l10n.t('Open'), arguments: [this] };
    return item;
  }
}

/** "Buckets": every bucket the identity may list, page by page. */
export class OssBucketsNode extends PagedNode<BucketInfo> {
  readonly id = 'oss/buckets';
  constructor(private readonly s: Services) {
    super();
  }
  protected async loadPage(marker: string | undefined): Promise<Page<BucketInfo>> {
    const { cloud } = await this.s.cloud();
    const page = await cloud.oss.listBuckets(marker, ossPageSize());
    for (const b of page.items) {
      rememberRegion(cloud, b.name, b.region);
    }
    return page;
  }
  protected toNode(b: BucketInfo): TreeNode {
    return new OssBucketNode(this.s, b, this);
  }
  protected emptyLabel(): string {
    return vscode.l10n.t('No buckets');
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Buckets'), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = ContextValues.bucketsFolder;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    try {
      return await this.pagedChildren();
    } catch (e) {
      if (!isCloudError(e, 'AccessDenied')) {
        return [new ErrorNode(`${this.id}/error`, e)];
      }
      // Common for instance roles scoped to one bucket: say so, and offer the way around it.
      const pin = { command: 'alibabaCloud.oss.pin', title: vscode.l10n.t('Pin Bucket or Prefix…') };
      return [
        new MessageNode(
          `${this.id}/denied`,
          vscode.l10n.t('This identity may not list buckets (oss:ListBuckets).'),
          'lock',
          describeError(e).message,
        ),
        new MessageNode(
          `${this.id}/pin`,
          vscode.l10n.t('Pin a bucket or prefix you can read to browse it…'),
          'pin',
          vscode.l10n.t('Adds oss://bucket/prefix/ to the alibabaCloud.oss.pinned setting'),
          pin,
        ),
      ];
    }
  }
}

/** Root factory for the 'oss' view: pinned entries first, then the bucket list. */
export function ossRoots(s: Services): TreeNode[] {
  const pinned = pinnedUris().map((u) => new OssPinnedNode(s, parseOssUri(u)!));
  return [...pinned, new OssBucketsNode(s)];
}
