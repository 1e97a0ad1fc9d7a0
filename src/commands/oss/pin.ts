/** Pin / unpin `oss://bucket/prefix/` entries: roots of the OSS view that need no oss:ListBuckets. */
import * as vscode from 'vscode';
import { formatOssUri, parentPrefix, parseOssUri } from '../../cloud/ossLocation';
import { pinnedUris, setPinned } from '../../ui/settings';
import { normalizePin, OssObjectNode, OssPinnedNode } from '../../views/ossView';
import { defineCommand, is } from '../command';
import { givenTargets, OSS_ROWS, ossUriArgs } from './targets';
import { showNotice } from '../../ui/prompt';

export const ossPin = defineCommand({
  id: 'alibabaCloud.oss.pin',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const [t] = givenTargets(input);
    const typed = t
      ? formatOssUri(t)
      : await s.prompt.input({
          title: vscode.l10n.t('Pin Bucket or Prefix'),
          prompt: vscode.l10n.t(
            'oss://bucket/ or oss://bucket/prefix/ — shown in the OSS view even without permission to list buckets',
          ),
          placeHolder: 'oss://my-bucket/logs/',
          validateInput: (v) =>
            parseOssUri(v)
              ? undefined
              : vscode.l10n.t(
                  'Write it as oss://bucket/ or oss://bucket/prefix/ (bucket names: 3–63 lowercase letters, digits, hyphens).',
                ),
        });
    const loc = parseOssUri(typed)!;
    // An object from the tree pins its folder; a typed or passed URI is taken as a prefix.
    const pin = normalizePin(
      t?.node instanceof OssObjectNode ? { bucket: loc.bucket, key: parentPrefix(loc.key) } : loc,
    );
    if (!pinnedUris().includes(pin)) {
      await setPinned([...pinnedUris(), pin]);
    }
    // The configuration change rebuilds the view's roots.
    return pin;
  },
});

export const ossUnpin = defineCommand({
  id: 'alibabaCloud.oss.unpin',
  node: [OssPinnedNode],
  args: { uri: is.string },
  run: async (s, input) => {
    const pinned = pinnedUris();
    const given = input.node ? input.node.uri : input.args.uri;
    if (!given && !pinned.length) {
      void showNotice('info', vscode.l10n.t('Nothing is pinned in the OSS view.'));
      return undefined;
    }
    const uri =
      given ??
      (
        await s.prompt.pick(
          pinned.map((u) => ({ label: u })),
          { title: vscode.l10n.t('Unpin'), placeHolder: vscode.l10n.t('Select a pinned entry') },
        )
      ).label;
    const loc = parseOssUri(uri);
    const pin = loc ? normalizePin(loc) : uri;
    await setPinned(pinned.filter((u) => u !== pin && u !== uri));
    return pin;
  },
});
