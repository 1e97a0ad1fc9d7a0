/**
 * Progress for slow work: a notification with a cancel button that aborts the task's signal. Titles
 * and messages name keys and instances, and a progress notification parses links like any other,
 * so both are made inert (see cloud/inert).
 */
import * as vscode from 'vscode';
import { inert } from '../cloud/inert';
import { noteOperation } from './errorFunnel';

export function withProgress<T>(
  title: string,
  task: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>,
  cancellable = true,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: inert(title), cancellable },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return task(
          (message, increment) => progress.report({ message: inert(message), increment }),
          controller.signal,
        ).catch((e: unknown) => {
          noteOperation(e, title);
          throw e;
        });
      },
    ),
  );
}
