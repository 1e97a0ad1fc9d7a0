/** Commands every view shares: refresh, load more, show log, copy. */
import * as vscode from 'vscode';
import { statusMessage } from '../../ui/prompt';
import { ErrorNode, TreeNode } from '../../views/node';
import { LoadMoreNode } from '../../views/pagedNode';
import type { ViewId } from '../../services/services';
import { defineCommand } from '../command';

const viewOf = (node: TreeNode | undefined): ViewId => {
  const root = node?.id.split('/')[0];
  return (['identity', 'ram', 'ecs', 'oss'] as ViewId[]).find((v) => v === root) ?? 'ram';
};

export const refreshView = (view: ViewId) =>
  defineCommand({ id: `alibabaCloud.${view}.refresh`, run: (s) => s.refresh(view) });

export const refreshNode = defineCommand({
  id: 'alibabaCloud.refreshNode',
  node: [TreeNode],
  run: (s, { nodes }) => {
    for (const n of nodes) {
      // A row without children (a message, a policy version) reloads the list it sits in.
      let target: TreeNode | undefined = n;
      while (target && !target.getChildren) {
        target = target.parent;
      }
      s.refresh(viewOf(n), target);
    }
  },
});

export const loadMore = defineCommand({
  id: 'alibabaCloud.loadMore',
  node: [LoadMoreNode],
  run: async (s, { node: more }) => {
    if (!more) {
      return;
    }
    const first = await more.owner.loadMore();
    // Redraw only: invalidating would drop the page just loaded.
    s.refresh(viewOf(more.owner), more.owner, false);
    // The "Load more" row is gone: keyboard focus goes to the first new row, not back to the top.
    if (first) {
      await s.reveal(viewOf(more.owner), first);
    }
  },
});

export const showLog = defineCommand({
  id: 'alibabaCloud.showLog',
  node: [ErrorNode], // the context menu of a failed load
  run: (s) => s.log.show(),
});

/** Copies the given text; tree nodes pass it through their `copyText`. */
export const copyText = defineCommand({
  id: 'alibabaCloud.copy',
  node: [TreeNode],
  value: ([text]) => (typeof text === 'string' ? text : undefined),
  run: async (_s, { node, value }) => {
    const text = value ?? (node as { copyText?: string } | undefined)?.copyText;
    if (!text) {
      return;
    }
    await vscode.env.clipboard.writeText(text);
    statusMessage(vscode.l10n.t('Copied {0}', text), 3000);
  },
});
