/**
 * Multi-selection in the RAM and ECS trees. VS Code calls a command with (clicked row, selected
 * rows) when the clicked row is part of a multi-selection, and with the clicked row alone
 * otherwise. A command either acts on every selected row (one confirmation, then each row on its
 * own, a failure never stopping the rest, and a summary), or acts on the clicked row and says so,
 * or refuses a multi-selection outright when acting on one of many could surprise (something
 * destructive that confirms one item at a time). Never silently on one of many.
 */
import * as vscode from 'vscode';
import { describeError, isCancellation } from '../ui/errorFunnel';
import type { Services } from '../services/services';
import type { Input } from './command';
import { showNotice, statusMessage } from '../ui/prompt';
import { someNames } from '../cloud/inert';

/**
 * For a command that works on one row and does nothing destructive (open, inspect, export, copy
 * one value): with several rows selected it runs on the clicked one and says so.
 */
export function onClickedRow<I extends Input<unknown, unknown, unknown>, R>(
  title: () => string,
  run: (s: Services, input: I) => R,
): (s: Services, input: I) => R {
  return (s, input) => {
    const n = input.selected > 1 ? input.selected : 0;
    if (n) {
      void showNotice(
        'info',
        n === 2
          ? vscode.l10n.t(
              '{0} works on one row at a time: it acts on the row you clicked, not on the other selected one.',
              title(),
            )
          : vscode.l10n.t(
              '{0} works on one row at a time: it acts on the row you clicked, not on the other {1} selected.',
              title(),
              n - 1,
            ),
      );
    }
    return run(s, input);
  };
}

/**
 * For a command that changes or destroys one thing after a confirmation about that one thing
 * (Delete Role, Release Instance…): a multi-selection is refused before anything is asked or
 * called, so no one confirms one item believing it covers all.
 */
export function oneRowOnly<I extends Input<unknown, unknown, unknown>, R>(
  title: () => string,
  run: (s: Services, input: I) => R,
): (s: Services, input: I) => R {
  return (s, input) => {
    const n = input.selected > 1 ? input.selected : 0;
    if (n) {
      throw new Error(
        vscode.l10n.t(
          '{0} works on one row at a time, and {1} are selected; nothing was changed. Select only the one you mean.',
          title(),
          n,
        ),
      );
    }
    return run(s, input);
  };
}

/** What happened to one item of a batch: done, failed (the error's message), or skipped (why). */
export interface ItemResult {
  name: string;
  ok: boolean;
  error?: string;
  skipped?: string;
}

/**
 * Runs `act` on each item in order; a failure is recorded and the next item runs. Cancelling the
 * progress stops before the next item (those left are reported as not done).
 */
export async function forEach<T>(
  s: Services,
  items: T[],
  name: (item: T) => string,
  act: (item: T, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const item of items) {
    if (signal.aborted) {
      results.push({ name: name(item), ok: false, error: vscode.l10n.t('not done: cancelled') });
      continue;
    }
    try {
      await act(item, signal);
      results.push({ name: name(item), ok: true });
    } catch (e) {
      if (isCancellation(e)) {
        results.push({ name: name(item), ok: false, error: vscode.l10n.t('not done: cancelled') });
        continue;
      }
      const { message } = describeError(e);
      s.log.warn(`${name(item)}: ${message}`);
      results.push({ name: name(item), ok: false, error: message });
    }
  }
  return results;
}

/** Names a list for a confirmation, one per line, at most `max` of them. */
export function bulleted(lines: string[], max = 15): string {
  const shown = lines.slice(0, max).map((l) => `• ${l}`);
  if (lines.length > max) {
    shown.push(vscode.l10n.t('… and {0} more', lines.length - max));
  }
  return shown.join('\n');
}

/**
 * The summary after a batch: what succeeded, what failed and why, what was skipped and why. A
 * warning when anything failed, else an information message; the text is returned for the caller.
 */
export function showSummary(s: Services, done: string, results: ItemResult[]): string {
  const ok = results.filter((r) => r.ok).map((r) => r.name);
  const failed = results.filter((r) => !r.ok && !r.skipped);
  const skipped = results.filter((r) => r.skipped);
  // The notice names a few (counts for the rest); the log names every one.
  const text = (few: (names: string[], sep?: string) => string) =>
    [
      ok.length ? `${done} ${few(ok)}.` : '',
      failed.length === 1
        ? vscode.l10n.t('1 failed: {0}', `${failed[0].name} (${failed[0].error})`)
        : failed.length
          ? vscode.l10n.t(
              '{0} failed: {1}',
              failed.length,
              few(
                failed.map((r) => `${r.name} (${r.error})`),
                '; ',
              ),
            )
          : '',
      skipped.length === 1
        ? vscode.l10n.t('1 skipped: {0}', `${skipped[0].name} (${skipped[0].skipped})`)
        : skipped.length
          ? vscode.l10n.t(
              '{0} skipped: {1}',
              skipped.length,
              few(
                skipped.map((r) => `${r.name} (${r.skipped})`),
                '; ',
              ),
            )
          : '',
    ]
      .filter(Boolean)
      .join(' ') || vscode.l10n.t('Nothing was done.');
  const all = text((names, sep = ', ') => names.join(sep));
  if (results.length > 3) {
    s.log.info(all);
  }
  void s.prompt.notify(
    text((names, sep) => someNames(names, 3, 200, sep)),
    [],
    failed.length ? 'warning' : 'info',
  );
  return all;
}

/** Copies one line per selected row, and says how many. */
export async function copyLines(lines: string[]): Promise<string> {
  const text = lines.join('\n');
  await vscode.env.clipboard.writeText(text);
  statusMessage(
    lines.length === 1 ? vscode.l10n.t('Copied {0}', text) : vscode.l10n.t('Copied {0} lines', lines.length),
    3000,
  );
  return text;
}
