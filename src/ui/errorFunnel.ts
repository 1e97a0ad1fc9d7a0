/**
 * The one place errors become UI: cancellation is silent; known cloud codes show their
 * explanation and fix; refusals name the action and resource; everything else shows the message
 * with "Show Log". Every error is logged once, redacted.
 */
import * as vscode from 'vscode';
import { CloudError } from '../cloud/errors';
import { SetupError } from '../setup/instanceRole';
import { redact, type Log } from './log';

export class UserCancelled extends Error {
  constructor() { super('cancelled'); }
}

export function isCancellation(e: unknown): boolean {
  return e instanceof UserCancelled || e instanceof vscode.CancellationError
    || (e instanceof CloudError && e.code === 'Cancelled');
}

/** The text a user sees for an error (also used by tree error nodes). */
export function describeError(e: unknown): { message: string; fix?: string } {
  const err = e instanceof SetupError ? e.error : e;
  if (err instanceof CloudError) {
    const head = err.explanation ?? err.message;
    const what = err.action && err.resource && /AccessDenied|NoPermission|Forbidden/.test(err.code)
      ? ' ' + vscode.l10n.t('Refused: {0} on {1}.', err.action, err.resource) : '';
    const code = vscode.l10n.t('[{0}]', err.code);
    const prefix = e instanceof SetupError ? vscode.l10n.t('Step "{0}" failed: ', e.step.title) : '';
    return { message: redact(`${prefix}${head}${what} ${code}`), fix: err.fix };
  }
  return { message: redact(e instanceof Error ? e.message : String(e)) };
}

export interface FunnelOptions {
  /** Extra buttons, e.g. "Retry"; the chosen label is returned. */
  actions?: string[];
}

export async function reportError(log: Log, e: unknown, context: string, options: FunnelOptions = {}): Promise<string | undefined> {
  if (isCancellation(e)) { return undefined; }
  const { message, fix } = describeError(e);
  const detail = e instanceof CloudError && e.requestId ? ` requestId=${e.requestId}` : '';
  log.error(`${context}: ${message}${detail}`);
  const showLog = vscode.l10n.t('Show Log');
  const text = fix ? `${message} ${fix}` : message;
  const choice = await vscode.window.showErrorMessage(text, ...(options.actions ?? []), showLog);
  if (choice === showLog) { log.show(); }
  return choice;
}
