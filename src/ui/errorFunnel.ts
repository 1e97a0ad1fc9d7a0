/**
 * The one place errors become UI: cancellation is silent; known cloud codes show their
 * explanation and fix; refusals name the action and resource; everything else shows the message
 * with "Show Log". Every error is logged once, redacted.
 */
import * as vscode from 'vscode';
import { CloudError } from '../cloud/errors';
import { SetupError } from '../setup/setupError';
import { redact, type Log } from './log';
import { showNotice, UserCancelled } from './prompt';

export { UserCancelled };

export function isCancellation(e: unknown): boolean {
  return (
    e instanceof UserCancelled ||
    e instanceof vscode.CancellationError ||
    (e instanceof CloudError && e.code === 'Cancelled')
  );
}

/** The text a user sees for an error (also used by tree error nodes). */
export function describeError(e: unknown): { message: string; fix?: string } {
  const err = e instanceof SetupError ? e.error : e;
  if (err instanceof CloudError) {
    const head = err.explanation ?? err.message;
    const what =
      err.action && err.resource && /AccessDenied|NoPermission|Forbidden/.test(err.code)
        ? ' ' + vscode.l10n.t('Refused: {0} on {1}.', err.action, err.resource)
        : '';
    // Codes made up here for answers without one say nothing the message does not.
    const code = /^(ServerErrorUnreadable|ResponseUnreadable)$/.test(err.code) ? '' : vscode.l10n.t('[{0}]', err.code);
    const prefix = e instanceof SetupError ? vscode.l10n.t('Step "{0}" failed: ', e.step.title) : '';
    return { message: redact(`${prefix}${head}${what}${code ? ` ${code}` : ''}`), fix: err.fix };
  }
  return { message: redact(e instanceof Error ? e.message : String(e)) };
}

export interface FunnelOptions {
  /** Extra buttons; the chosen label is returned. */
  actions?: string[];
  /** Runs the failed work again; offered as "Retry" when the error is worth retrying. */
  retry?: (args?: unknown[]) => unknown;
}

/** What failed (set by withProgress: its title) and what a retry should be given, per error. */
export interface ErrorNotes {
  operations: WeakMap<object, string>;
  retryArgs: WeakMap<object, unknown[]>;
}

// Each bundle has its own copy of this module; dist/lazy.js, whose commands fail, writes to main's
// notes, which main's funnel reads (src/lazy.ts, useErrorNotes).
let notes: ErrorNotes = { operations: new WeakMap(), retryArgs: new WeakMap() };

/** The notes in use; main hands them to dist/lazy.js (src/lazyLoader.ts). */
export const errorNotes = (): ErrorNotes => notes;

/** Uses main's notes in dist/lazy.js (src/lazy.ts). */
export function useErrorNotes(n: ErrorNotes): void {
  notes = n;
}

/** Remembers the operation an error ended, e.g. "Creating role X…", for the toast to name. */
export function noteOperation(e: unknown, title: string): void {
  if (e && typeof e === 'object' && !notes.operations.has(e)) {
    notes.operations.set(e, title.replace(/[…\s]+$/u, ''));
  }
}

/** Makes Retry re-run the command with `args` (what the user typed) rather than its original ones. */
export function retryWith<E>(e: E, ...args: unknown[]): E {
  if (e && typeof e === 'object') {
    notes.retryArgs.set(e, args);
  }
  return e;
}

/** Whether doing it again may work: a transient answer (throttling, 5xx, network) that surely did nothing. */
const worthRetrying = (e: unknown): boolean => e instanceof CloudError && e.retryable && !e.outcomeUnknown;

/** A button an enricher adds to an error notification, and what it does when chosen. */
export interface ErrorAction {
  label: string;
  run(): unknown;
}

/** What an enricher knows about an error beyond its code: a better message, and actions. */
export interface Enrichment {
  message?: string;
  actions?: ErrorAction[];
}

export type ErrorEnricher = (e: CloudError) => Promise<Enrichment | undefined>;

/**
 * Lets a feature explain one error code further (e.g. AccessDenied: who was refused, which
 * statement would allow it). Owned by Services (`enrichers`). An enricher that fails or takes
 * longer than 8 s is ignored.
 */
export class ErrorEnrichers {
  private readonly byCode = new Map<string, ErrorEnricher>();

  register(code: string, enricher: ErrorEnricher): vscode.Disposable {
    this.byCode.set(code, enricher);
    return new vscode.Disposable(() => {
      if (this.byCode.get(code) === enricher) {
        this.byCode.delete(code);
      }
    });
  }

  async enrich(e: unknown): Promise<Enrichment | undefined> {
    const err = e instanceof SetupError ? e.error : e;
    const enricher = err instanceof CloudError ? this.byCode.get(err.code) : undefined;
    if (!enricher) {
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), 8000);
    });
    try {
      return await Promise.race([enricher(err as CloudError).catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Where an error is reported: the log, and the enrichers that may explain it. */
export interface ErrorSink {
  log: Log;
  enrichers: ErrorEnrichers;
}

export async function reportError(
  sink: ErrorSink,
  e: unknown,
  context: string,
  options: FunnelOptions = {},
): Promise<string | undefined> {
  const { log } = sink;
  if (isCancellation(e)) {
    return undefined;
  }
  const described = describeError(e);
  // A setup step's error names its step already.
  const operation = e && typeof e === 'object' && !(e instanceof SetupError) ? notes.operations.get(e) : undefined;
  const message = operation ? vscode.l10n.t('{0} failed. {1}', operation, described.message) : described.message;
  const retry = options.retry && worthRetrying(e) ? options.retry : undefined;
  const fix = retry
    ? [described.fix, vscode.l10n.t('This is usually temporary: Retry may work.')].filter(Boolean).join(' ')
    : described.fix;
  const detail = e instanceof CloudError && e.requestId ? ` requestId=${e.requestId}` : '';
  log.error(`${context}: ${message}${detail}`);
  const extra = await sink.enrichers.enrich(e);
  if (extra?.message) {
    log.info(`${context}: ${extra.message}`);
  }
  const showLog = vscode.l10n.t('Show Log');
  const retryLabel = vscode.l10n.t('Retry');
  const text = extra?.message ? redact(extra.message) : fix ? `${message} ${fix}` : message;
  const extraActions = extra?.actions ?? [];
  const choice = await showNotice(
    'error',
    text,
    ...(retry ? [retryLabel] : []),
    ...(options.actions ?? []),
    ...extraActions.map((a) => a.label),
    showLog,
  );
  if (choice === showLog) {
    log.show();
  }
  if (retry && choice === retryLabel) {
    await retry(e && typeof e === 'object' ? notes.retryArgs.get(e) : undefined);
  }
  const action = extraActions.find((a) => a.label === choice);
  if (action) {
    try {
      await action.run();
    } catch (e2) {
      await reportError(sink, e2, `${context} → ${action.label}`);
    }
  }
  return choice;
}
