/**
 * The error funnel's "Check" for OutcomeUnknown: a change that got no answer and was not sent
 * again may or may not have happened. Reloading the view where it would show (and bringing the
 * view forward) is the cheap way to find out before trying again.
 */
import * as vscode from 'vscode';
import type { ErrorEnricher } from '../ui/errorFunnel';
import type { Services, ViewId } from '../services/services';

const VIEW_OF: Partial<Record<string, ViewId>> = { ram: 'ram', ecs: 'ecs', oss: 'oss' };

export function outcomeUnknownEnricher(s: Services): ErrorEnricher {
  return async (e) => {
    const view = e.service ? VIEW_OF[e.service] : undefined;
    if (!view) {
      return undefined;
    }
    return {
      actions: [
        {
          label: vscode.l10n.t('Check'),
          run: async () => {
            s.refresh(view);
            await vscode.commands.executeCommand(`alibabaCloud.${view}.focus`);
          },
        },
      ],
    };
  };
}
