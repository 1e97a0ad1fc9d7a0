/** Progress for slow work: a notification with a cancel button that aborts the task's signal. */
import * as vscode from 'vscode';
import { noteOperation } from './errorFunnel';

export function withProgress<T>(title: string, task: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>, cancellable = true): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return task((message, increment) => progress.report({ message, increment }), controller.signal)
      .catch((e: unknown) => { noteOperation(e, title); throw e; });
  }));
}
