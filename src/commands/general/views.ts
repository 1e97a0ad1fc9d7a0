/** Commands every view shares: refresh, load more, show log, copy. */
import * as vscode from 'vscode';
import type { TreeNode } from '../../views/node';
import type { LoadMoreNode } from '../../views/pagedNode';
import type { ViewId } from '../../services/services';
import { defineCommand } from '../command';
import { selectionOf } from '../selection';

const viewOf = (node: TreeNode | undefined): ViewId => {
  const root = node?.id.split('/')[0];
  return (['identity', 'ram', 'ecs', 'oss'] as ViewId[]).find((v) => v === root) ?? 'ram';
};

export const refreshView = (view: ViewId) => defineCommand(`alibabaCloud.${view}.refresh`, (s) => s.refresh(view));

export const refreshNode = defineCommand('alibabaCloud.refreshNode', (s, node, nodes) => {
  for (const n of selectionOf(node, nodes) as TreeNode[]) {
    s.refresh(viewOf(n), n);
  }
});

export const loadMore = defineCommand('alibabaCloud.loadMore', async (s, node) => {
  const more = node as LoadMoreNode;
  const first = await more.owner.loadMore();
  // Redraw only: invalidating would drop the page just loaded.
  s.refresh(viewOf(more.owner), more.owner, false);
  // The "Load more" row is gone: keyboard focus goes to the first new row, not back to the top.
  if (first) {
    await s.reveal(viewOf(more.owner), first);
  }
});

export const showLog = defineCommand('alibabaCloud.showLog', (s) => s.log.show());

/** Copies the given text; tree nodes pass it through their `copyText`. */
export const copyText = defineCommand('alibabaCloud.copy', async (_s, arg) => {
  const text = typeof arg === 'string' ? arg : (arg as { copyText?: string })?.copyText;
  if (!text) {
    return;
  }
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', text), 3000);
});
