/**
 * What an OSS command acts on — from the clicked node and the multi-selection, from an argument
 * object (`{ uri: 'oss://bucket/key' }` or `{ uris: [...] }`, for automation and tests), or from a
 * quick-pick browser when run from the palette — plus the helpers every OSS command shares:
 * region lookup, "ask per conflict" and refreshing what changed.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import { collectAll } from '../../cloud/paging';
import {
  asPrefix,
  entryName,
  formatOssUri,
  formatSize,
  isPrefix,
  parentPrefix,
  parseOssUri,
  regionOfBucket,
  rememberRegion,
  type OssLocation,
} from '../../cloud/ossLocation';
import { UserCancelled } from '../../ui/errorFunnel';
import type { TreeNode } from '../../views/node';
import { pinnedUris } from '../../ui/settings';
import { OssObjectNode, OssPrefixNode } from '../../views/ossView';
import type { Services } from '../../services/services';
import { is } from '../command';
import { showNotice } from '../../ui/prompt';
import { inertLabel, shorten } from '../../cloud/inert';

export interface OssTarget extends OssLocation {
  kind: 'prefix' | 'object';
  /** Known from the listing (objects from the tree). */
  size?: number;
  node?: OssPrefixNode | OssObjectNode;
}

/** The rows OSS commands work on, and the args naming objects or prefixes instead. */
export const OSS_ROWS = [OssObjectNode, OssPrefixNode];
export const ossUriArgs = { uri: is.string, uris: is.strings };
export interface OssInput {
  nodes: unknown[];
  args: { uri?: string; uris?: string[] };
}

/** The clicked row only (for commands that work on one), or the args. */
export const clickedOnly = (input: OssInput): OssInput => ({ ...input, nodes: input.nodes.slice(0, 1) });

export type Want = 'prefix' | 'object' | 'any';

const fromNode = (n: unknown): OssTarget | undefined => {
  if (n instanceof OssObjectNode) {
    return { kind: 'object', bucket: n.bucket, key: n.key, size: n.entry.size, node: n };
  }
  if (n instanceof OssPrefixNode) {
    return { kind: 'prefix', bucket: n.bucket, key: n.prefix, node: n };
  }
  return undefined;
};

const fromUri = (uri: string): OssTarget => {
  const loc = parseOssUri(uri);
  if (!loc) {
    throw new Error(vscode.l10n.t('"{0}" is not an oss://bucket/key URI.', uri));
  }
  return { ...loc, kind: isPrefix(loc.key) ? 'prefix' : 'object' };
};

/** Targets given by the tree or by arguments; empty when the command came from the palette. */
export function givenTargets(input: OssInput): OssTarget[] {
  const fromTree = input.nodes.map(fromNode).filter((t): t is OssTarget => !!t);
  if (fromTree.length) {
    return fromTree;
  }
  const a = input.args;
  return [...(a.uri ? [a.uri] : []), ...(a.uris ?? [])].map(fromUri);
}

/** The given targets, or one picked by browsing; every target must be of the wanted kind. */
export async function resolveTargets(s: Services, input: OssInput, want: Want, title: string): Promise<OssTarget[]> {
  const given = givenTargets(input);
  const targets = given.length ? given : [await pickTarget(s, want, title)];
  for (const t of targets) {
    if (want !== 'any' && t.kind !== want) {
      throw new Error(
        want === 'object'
          ? vscode.l10n.t('{0} is a folder; pick an object.', formatOssUri(t))
          : vscode.l10n.t('{0} is an object; pick a bucket or folder.', formatOssUri(t)),
      );
    }
  }
  return targets;
}

/** A folder to put things in: the target itself, or the folder an object is in. */
export async function resolveFolder(s: Services, input: OssInput, title: string): Promise<OssTarget> {
  const [t] = givenTargets(input);
  if (!t) {
    return pickTarget(s, 'prefix', title);
  }
  if (t.kind === 'prefix') {
    return t;
  }
  const parent = t.node?.parent;
  return {
    kind: 'prefix',
    bucket: t.bucket,
    key: parentPrefix(t.key),
    node: parent instanceof OssPrefixNode ? parent : undefined,
  };
}

/** The active cloud and the bucket's region (known from the tree, else looked up once). */
export async function cloudFor(
  s: Services,
  t: OssLocation & { node?: { region(): Promise<string> } },
): Promise<{ cloud: Cloud; region: string }> {
  const { entry, cloud } = await s.cloud();
  const region = t.node ? await t.node.region() : await regionOfBucket(cloud, t.bucket, entry.regionId);
  return { cloud, region };
}

type BrowseItem = vscode.QuickPickItem & { go?: OssLocation; pick?: OssTarget; enter?: boolean };

/** Quick-pick browser: a bucket (pinned or listed, or a typed URI), then folders down to the target. */
export async function pickTarget(s: Services, want: Want, title: string): Promise<OssTarget> {
  const { entry, cloud } = await s.cloud();
  const buckets = (async (): Promise<BrowseItem[]> => {
    const pinned: BrowseItem[] = pinnedUris().map((u) => ({
      label: `$(pinned) ${inertLabel(u)}`,
      go: parseOssUri(u)!,
    }));
    let listed: BrowseItem[] = [];
    try {
      listed = (await collectAll((m) => cloud.oss.listBuckets(m, 1000), 10)).map((b) => {
        rememberRegion(cloud, b.name, b.region);
        return { label: `$(database) ${b.name}`, description: b.region, go: { bucket: b.name, key: '' } };
      });
    } catch (e) {
      if (!pinned.length) {
        s.log.warn(`oss: cannot list buckets for the picker: ${(e as Error).message}`);
      }
    }
    return [...pinned, ...listed, { label: `$(edit) ${vscode.l10n.t('Enter an oss:// URI…')}`, enter: true }];
  })();
  let choice = await s.prompt.pick(buckets, { title, placeHolder: vscode.l10n.t('Select a bucket') });
  for (;;) {
    if (choice.pick) {
      return choice.pick;
    }
    let loc: OssLocation;
    if (choice.enter) {
      const typed = await s.prompt.input({
        title,
        prompt: vscode.l10n.t('oss://bucket/key or oss://bucket/prefix/'),
        placeHolder: 'oss://my-bucket/folder/',
        validateInput: (v) => (parseOssUri(v) ? undefined : vscode.l10n.t('Write it as oss://bucket/key')),
      });
      const t = fromUri(typed);
      if (want === 'any' || t.kind === want) {
        return t;
      }
      loc = { bucket: t.bucket, key: asPrefix(t.key) };
    } else {
      loc = choice.go!;
    }
    const region = await regionOfBucket(cloud, loc.bucket, entry.regionId);
    const page = await cloud.oss.listObjects(loc.bucket, region, { prefix: loc.key, maxKeys: 1000 });
    const here: BrowseItem[] =
      want !== 'object'
        ? [
            {
              label: `$(check) ${inertLabel(vscode.l10n.t('Use {0}', formatOssUri(loc)))}`,
              pick: { ...loc, kind: 'prefix' },
            },
          ]
        : [];
    const up: BrowseItem[] = loc.key
      ? [{ label: '$(arrow-up) ..', go: { bucket: loc.bucket, key: parentPrefix(loc.key) } }]
      : [];
    const entries: BrowseItem[] = page.items.flatMap((e): BrowseItem[] => {
      if (e.kind === 'folder') {
        return [
          { label: `$(folder) ${inertLabel(entryName(e, loc.key))}/`, go: { bucket: loc.bucket, key: e.prefix } },
        ];
      }
      if (want === 'prefix') {
        return [];
      }
      return [
        {
          label: `$(file) ${inertLabel(entryName(e, loc.key))}`,
          description: formatSize(e.size),
          pick: { kind: 'object', bucket: loc.bucket, key: e.key, size: e.size },
        },
      ];
    });
    const more = page.next
      ? [{ label: vscode.l10n.t('(first 1,000 entries; type an oss:// URI for others)'), enter: true }]
      : [];
    choice = await s.prompt.pick([...here, ...up, ...entries, ...more], { title, placeHolder: formatOssUri(loc) });
  }
}

/**
 * "Already exists": Overwrite / Skip (and Overwrite All when more than one item conflicts), or
 * Cancel (dismissing) to stop. Counts what was skipped so the command can say so.
 */
export class ConflictResolver {
  private overwriteAll = false;
  skipped = 0;
  /** `conflicts`: how many items already exist, known before asking. */
  constructor(
    private readonly s: Services,
    private readonly conflicts: number,
  ) {}

  /** True to overwrite, false to skip; throws UserCancelled when the user cancels. */
  async overwrite(name: string): Promise<boolean> {
    if (this.overwriteAll) {
      return true;
    }
    const overwrite = vscode.l10n.t('Overwrite');
    const skip = vscode.l10n.t('Skip');
    const all = vscode.l10n.t('Overwrite All');
    const many = this.conflicts > 1;
    const choice = await this.s.prompt.choose(
      vscode.l10n.t('"{0}" already exists.', name),
      many
        ? vscode.l10n.t('Overwrite it, skip it, or overwrite every conflict from now on? Cancel stops here.')
        : vscode.l10n.t('Overwrite it or skip it? Cancel stops here.'),
      many ? [overwrite, skip, all] : [overwrite, skip],
    );
    if (choice === undefined) {
      throw new UserCancelled();
    }
    if (choice === all) {
      this.overwriteAll = true;
    }
    if (choice === skip) {
      this.skipped++;
    }
    return choice !== skip;
  }

  /** Says what was skipped when nothing else happened (otherwise the result message says it). */
  reportSkippedIfNothingDone(done: number): void {
    if (done || !this.skipped) {
      return;
    }
    void showNotice(
      'info',
      this.skipped === 1
        ? vscode.l10n.t('Skipped 1 item that already exists; nothing was transferred.')
        : vscode.l10n.t('Skipped {0} items that already exist; nothing was transferred.', this.skipped),
    );
  }
}

/** Refreshes the given nodes once each; the whole view when a change has no node (palette). */
export function refreshOss(s: Services, nodes: Array<TreeNode | undefined>): void {
  const unique = [...new Set(nodes)];
  if (unique.includes(undefined) || !unique.length) {
    s.refresh('oss');
    return;
  }
  for (const n of unique) {
    s.refresh('oss', n);
  }
}

/** The end of a batch with failures: how many, which (in the log), and the first reason. */
export function reportFailures(s: Services, failed: Array<{ name: string; message: string }>, total: number): void {
  if (!failed.length || total <= 1) {
    return;
  }
  for (const f of failed) {
    s.log.error(`transfer failed: ${f.name}: ${f.message}`);
  }
  const first = `${shorten(failed[0].name, 120)}: ${shorten(failed[0].message, 300)}`; // all of it is in the log
  const text =
    failed.length === 1
      ? vscode.l10n.t('1 of {0} transfers failed: {1}', total, first)
      : vscode.l10n.t('{0} of {1} transfers failed. First: {2}', failed.length, total, first);
  const showLog = vscode.l10n.t('Show Log');
  void showNotice('warning', text, showLog).then((c) => {
    if (c === showLog) {
      s.log.show();
    }
  });
}
