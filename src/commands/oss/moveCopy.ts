/**
 * Rename, Move to… and Copy to… for objects and folders, server-side (CopyObject, UploadPartCopy
 * above 1 GB; a move then deletes the source, and only when its copy succeeded). Works across
 * folders and buckets; to a bucket of another region, where OSS cannot copy, each object goes
 * through this machine (download, upload), after a confirmation that says so. Existing
 * destinations are asked about (Overwrite / Skip); a move is confirmed; progress per object, and a
 * summary that names what failed and where it still is.
 * Args: { uri | uris, to: 'oss://bucket/prefix/' } for Move/Copy, { uri, name } for Rename; the
 * tree's drag and drop runs Move with them and `offerCopy`, so its confirmation offers Copy too
 * (views/ossDragAndDrop.ts).
 */
import * as vscode from 'vscode';
import { objectKeyProblem } from '../../cloud/oss';
import {
  asPrefix,
  baseName,
  formatOssUri,
  listKeysUnder,
  objectExists,
  parentPrefix,
  parseOssUri,
} from '../../cloud/ossLocation';
import { copyObjects, type CopyItem, type CopyResult } from '../../setup/ossObjectOps';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { defineCommand, is } from '../command';
import {
  clickedOnly,
  cloudFor,
  ConflictResolver,
  OSS_ROWS,
  ossUriArgs,
  pickTarget,
  refreshOss,
  resolveTargets,
  type OssTarget,
} from './targets';
import { showNotice } from '../../ui/prompt';
import { shorten, someNames } from '../../cloud/inert';

/** `multipartThreshold`/`partSize` (bytes) lower the 1 GB above which objects are copied in parts (tests). */
const moveArgs = {
  ...ossUriArgs,
  to: is.string,
  name: is.string,
  multipartThreshold: is.number,
  partSize: is.number,
  /** A drop: the move's confirmation also offers Copy (it is still always asked). */
  offerCopy: is.boolean,
};

const copyTuning = (a: { multipartThreshold?: number; partSize?: number }) => {
  return { multipartThreshold: a.multipartThreshold, partSize: a.partSize };
};

/** Source objects under each target, with their destination keys under `toPrefix`. */
async function plan(
  s: Services,
  targets: OssTarget[],
  toBucket: string,
  toPrefix: string,
  region: string,
  rename?: string,
): Promise<CopyItem[]> {
  const { cloud } = await s.cloud();
  const items: CopyItem[] = [];
  for (const t of targets) {
    if (t.kind === 'object') {
      items.push({
        fromBucket: t.bucket,
        fromKey: t.key,
        toBucket,
        toKey: `${toPrefix}${rename ?? baseName(t.key)}`,
        size: t.size,
      });
      continue;
    }
    if (!t.key) {
      throw new Error(vscode.l10n.t('Moving or copying a whole bucket is not offered; pick folders or objects.'));
    }
    const folder = `${toPrefix}${rename ?? baseName(t.key)}/`;
    if (toBucket === t.bucket && folder.startsWith(t.key)) {
      throw new Error(vscode.l10n.t('{0} cannot go into itself.', formatOssUri(t)));
    }
    // The folder object itself ("a/") is not listed under its prefix: add it when it exists.
    const under = await listKeysUnder(cloud, t.bucket, region, t.key);
    const keys = [...((await objectExists(cloud, t.bucket, region, t.key)) ? [{ key: t.key, size: 0 }] : []), ...under];
    for (const o of keys) {
      items.push({
        fromBucket: t.bucket,
        fromKey: o.key,
        toBucket,
        toKey: `${folder}${o.key.slice(t.key.length)}`,
        size: o.size,
      });
    }
  }
  for (const i of items) {
    const problem = objectKeyProblem(i.toKey);
    if (problem) {
      throw new Error(`${formatOssUri({ bucket: i.toBucket, key: i.toKey })}: ${problem}`);
    }
  }
  return items;
}

/** "Moved 3 objects to …; 1 failed and is still at its source: …" */
function summary(move: boolean, dest: string, results: CopyResult[], skipped: number): string {
  const ok = results.filter((r) =>
    move ? r.sourceDeleted || (r.copied && r.fromKey === r.toKey && r.fromBucket === r.toBucket) : r.copied,
  );
  const failed = results.filter((r) => r.error);
  const done = move
    ? ok.length === 1
      ? vscode.l10n.t('Moved 1 object to {0}.', dest)
      : vscode.l10n.t('Moved {0} objects to {1}.', ok.length, dest)
    : ok.length === 1
      ? vscode.l10n.t('Copied 1 object to {0}.', dest)
      : vscode.l10n.t('Copied {0} objects to {1}.', ok.length, dest);
  const skip =
    skipped === 0
      ? ''
      : skipped === 1
        ? vscode.l10n.t(' Skipped 1 that already existed.')
        : vscode.l10n.t(' Skipped {0} that already existed.', skipped);
  const fails = someNames(
    failed.map((r) => `${shorten(formatOssUri({ bucket: r.fromBucket, key: r.fromKey }), 120)}: ${r.error}`),
    3,
    300,
    '; ',
  );
  const bad =
    failed.length === 0
      ? ''
      : move
        ? failed.length === 1
          ? vscode.l10n.t(' 1 failed and is still at its source: {0}', fails)
          : vscode.l10n.t(' {0} failed and are still at their source: {1}', failed.length, fails)
        : failed.length === 1
          ? vscode.l10n.t(' 1 failed: {0}', fails)
          : vscode.l10n.t(' {0} failed: {1}', failed.length, fails);
  return done + skip + bad;
}

async function transfer(
  s: Services,
  targets: OssTarget[],
  dest: OssTarget,
  moveAsked: boolean,
  confirmMove: boolean,
  tuning: ReturnType<typeof copyTuning>,
  offerCopy = false,
): Promise<CopyResult[]> {
  let move = moveAsked;
  const { cloud, region } = await cloudFor(s, targets[0]);
  const profile = (await s.cloud()).entry.name;
  for (const t of targets.slice(1)) {
    if (t.bucket !== targets[0].bucket) {
      throw new Error(vscode.l10n.t('Pick objects of one bucket at a time.'));
    }
  }
  const { region: destRegion } = await cloudFor(s, dest);
  const crossRegion = destRegion !== region;
  const toPrefix = asPrefix(dest.key);
  const items = await plan(s, targets, dest.bucket, toPrefix, region);
  if (!items.length) {
    throw new Error(vscode.l10n.t('Nothing to move or copy: the selection holds no objects.'));
  }
  const destUri = formatOssUri({ bucket: dest.bucket, key: toPrefix });
  // Another region costs outbound traffic and runs through this machine: always said and asked.
  if ((move && confirmMove) || offerCopy || crossRegion) {
    const names =
      targets
        .slice(0, 10)
        .map((t) => formatOssUri(t))
        .join('\n') + (targets.length > 10 ? '\n…' : '');
    const how = crossRegion
      ? vscode.l10n.t(
          '{0} is in {1} and {2} in {3}. OSS copies only within one region, so each object is downloaded to this machine and uploaded again; outbound traffic from {1} is billed.',
          targets[0].bucket,
          region,
          dest.bucket,
          destRegion,
        ) + '\n\n'
      : '';
    const moveLabel = vscode.l10n.t('Move');
    const copyLabel = vscode.l10n.t('Copy');
    const detail =
      names +
      '\n\n' +
      how +
      (move
        ? vscode.l10n.t(
            'Profile: {0}. Each object is copied, and its source is deleted only after its copy succeeded.',
            profile,
          )
        : vscode.l10n.t('Profile: {0}. The sources stay where they are.', profile));
    if (offerCopy) {
      // A tree drop cannot tell a Ctrl-drag from a drag: VS Code's TreeDragAndDropController.handleDrop
      // gets (target, dataTransfer, token) and no modifier keys (vscode.d.ts, TreeDragAndDropController).
      const chosen = await s.prompt.choose(
        items.length === 1
          ? vscode.l10n.t('Move or copy 1 object to {0}?', destUri)
          : vscode.l10n.t('Move or copy {0} objects to {1}?', items.length, destUri),
        names +
          '\n\n' +
          how +
          vscode.l10n.t(
            'Profile: {0}. Move deletes each source only after its copy succeeded; Copy leaves the sources where they are.',
            profile,
          ),
        [moveLabel, copyLabel],
      );
      if (chosen === undefined) {
        return [];
      }
      move = chosen === moveLabel;
    } else if (
      !(await s.prompt.confirm(
        move
          ? items.length === 1
            ? vscode.l10n.t('Move 1 object to {0}?', destUri)
            : vscode.l10n.t('Move {0} objects to {1}?', items.length, destUri)
          : items.length === 1
            ? vscode.l10n.t('Copy 1 object to {0}?', destUri)
            : vscode.l10n.t('Copy {0} objects to {1}?', items.length, destUri),
        detail,
        move ? moveLabel : copyLabel,
      ))
    ) {
      return [];
    }
  }
  const present = await Promise.all(
    items.map((i) =>
      i.fromBucket === i.toBucket && i.fromKey === i.toKey
        ? false
        : objectExists(cloud, i.toBucket, destRegion, i.toKey),
    ),
  );
  const conflicts = new ConflictResolver(s, present.filter(Boolean).length);
  const todo: CopyItem[] = [];
  for (const [n, i] of items.entries()) {
    if (present[n] && !(await conflicts.overwrite(formatOssUri({ bucket: i.toBucket, key: i.toKey })))) {
      continue;
    }
    todo.push(i);
  }
  if (!todo.length) {
    conflicts.reportSkippedIfNothingDone(0);
    return [];
  }
  let results: CopyResult[];
  try {
    results = await withProgress(
      move ? vscode.l10n.t('Moving to {0}', destUri) : vscode.l10n.t('Copying to {0}', destUri),
      (report, signal) =>
        copyObjects(cloud.oss, region, todo, {
          move,
          signal,
          ...tuning,
          toRegion: crossRegion ? destRegion : undefined,
          onObjectProgress: (f, n) =>
            report(`${baseName(todo[n].fromKey) || todo[n].fromKey} ${Math.round(f * 100)}% (${n + 1}/${todo.length})`),
          onItem: (r, n) => report(`${baseName(r.fromKey) || r.fromKey} (${n + 1}/${todo.length})`, 100 / todo.length),
        }),
    );
  } finally {
    refreshOss(s, [...targets.map((t) => t.node?.parent ?? t.node), dest.node]);
  }
  const text = summary(move, destUri, results, conflicts.skipped);
  if (results.some((r) => r.error)) {
    void showNotice('warning', text);
  } else {
    void showNotice('info', text);
  }
  for (const r of results.filter((x) => x.error)) {
    s.log.error(`oss: ${move ? 'move' : 'copy'} ${formatOssUri({ bucket: r.fromBucket, key: r.fromKey })}: ${r.error}`);
  }
  s.log.info(
    `oss: ${move ? 'move' : 'copy'} to ${destUri}: ${results.filter((r) => !r.error).length} ok, ${results.filter((r) => r.error).length} failed, ${conflicts.skipped} skipped`,
  );
  return results;
}

async function destination(s: Services, to: string | undefined, title: string): Promise<OssTarget> {
  if (to) {
    const loc = parseOssUri(to);
    if (!loc) {
      throw new Error(vscode.l10n.t('"{0}" is not an oss://bucket/key URI.', to));
    }
    return { kind: 'prefix', bucket: loc.bucket, key: asPrefix(loc.key) };
  }
  return pickTarget(s, 'prefix', title);
}

export const ossMove = defineCommand({
  id: 'alibabaCloud.oss.move',
  node: OSS_ROWS,
  args: moveArgs,
  run: async (s, input) => {
    const title = vscode.l10n.t('Move to…');
    const targets = await resolveTargets(s, input, 'any', title);
    const to = await destination(s, input.args.to, title);
    return transfer(s, targets, to, true, true, copyTuning(input.args), !!input.args.offerCopy);
  },
});

export const ossCopyTo = defineCommand({
  id: 'alibabaCloud.oss.copyTo',
  node: OSS_ROWS,
  args: moveArgs,
  run: async (s, input) => {
    const title = vscode.l10n.t('Copy to…');
    const targets = await resolveTargets(s, input, 'any', title);
    return transfer(s, targets, await destination(s, input.args.to, title), false, false, copyTuning(input.args));
  },
});

/** Rename: a move within the same folder, to a typed name; asked once (the name is the answer). */
export const ossRename = defineCommand({
  id: 'alibabaCloud.oss.rename',
  node: OSS_ROWS,
  args: moveArgs,
  run: async (s, input) => {
    const title = vscode.l10n.t('Rename');
    const [t] = await resolveTargets(s, clickedOnly(input), 'any', title);
    if (!t.key) {
      throw new Error(vscode.l10n.t('A bucket cannot be renamed.'));
    }
    const folder = t.kind === 'prefix';
    const parent = parentPrefix(t.key);
    const current = baseName(t.key);
    const typed =
      input.args.name ??
      (await s.prompt.input({
        title,
        prompt: vscode.l10n.t('New name for {0}', formatOssUri(t)),
        value: current,
        validateInput: (v) =>
          !v || v.includes('/')
            ? vscode.l10n.t('Type a name without "/"; use Move to… to change folders.')
            : objectKeyProblem(`${parent}${v}${folder ? '/' : ''}`),
      }));
    if (typed === current) {
      return [];
    }
    if (!typed || typed.includes('/')) {
      throw new Error(vscode.l10n.t('Type a name without "/"; use Move to… to change folders.'));
    }
    const { cloud, region } = await cloudFor(s, t);
    const items = await plan(s, [t], t.bucket, parent, region, typed);
    const exists = await Promise.all(items.map((i) => objectExists(cloud, i.toBucket, region, i.toKey)));
    const conflicts = new ConflictResolver(s, exists.filter(Boolean).length);
    const todo: CopyItem[] = [];
    for (const [n, i] of items.entries()) {
      if (exists[n] && !(await conflicts.overwrite(formatOssUri({ bucket: i.toBucket, key: i.toKey })))) {
        continue;
      }
      todo.push(i);
    }
    if (!todo.length) {
      conflicts.reportSkippedIfNothingDone(0);
      return [];
    }
    let results: CopyResult[];
    try {
      results = await withProgress(vscode.l10n.t('Renaming {0}', formatOssUri(t)), (report, signal) =>
        copyObjects(cloud.oss, region, todo, {
          move: true,
          signal,
          ...copyTuning(input.args),
          onItem: (_r, n) => report(`${n + 1}/${todo.length}`, 100 / todo.length),
        }),
      );
    } finally {
      refreshOss(s, [t.node?.parent ?? t.node]);
    }
    const failed = results.filter((r) => r.error);
    const renamed = formatOssUri({ bucket: t.bucket, key: `${parent}${typed}${folder ? '/' : ''}` });
    if (failed.length) {
      void showNotice('warning', summary(true, renamed, results, conflicts.skipped));
    } else {
      s.prompt.done(vscode.l10n.t('Renamed {0} to {1}.', current, typed));
    }
    return results;
  },
});
