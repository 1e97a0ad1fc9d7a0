/**
 * Untrusted text (object keys, role and policy descriptions, instance output, server messages) made
 * inert before VS Code renders it. Pure, so setup code and the UI share it.
 *
 * What VS Code turns into something that acts:
 * - Notifications (NotificationViewItem.parseNotificationMessage in
 *   src/vs/workbench/common/notifications.ts) cut the message at 1000 characters, turn line breaks
 *   into spaces, then parseLinkedText (src/vs/base/common/linkedText.ts) makes a link of every
 *   `/\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi`: a
 *   `[label](command:id?args)` runs any command with any arguments. Bare URLs are not linked there.
 *   Every such link needs `](` side by side, so a space between them leaves plain text.
 * - Markdown (hovers, tooltips: marked) renders `![x](https://…)` as a remote image, `[x](command:…)`
 *   as a link, and GFM autolinks bare `https://` text; a backslash before any ASCII punctuation makes
 *   it literal (CommonMark "Backslash escapes"), which defeats all three.
 * Control and bidi characters (which reorder or hide what a name says, Trojan Source) are shown as
 * visible `\u{…}` escapes in both.
 */

/** C0/C1 controls, bidi embeddings, overrides and isolates, zero-width characters, line/paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** The longest text a notification shows; VS Code cuts there itself (with "..."). */
export const NOTICE_MAX = 1000;

function escapeInvisible(text: string, keepLines: boolean): string {
  const lines = keepLines ? text.replace(/\r\n?/g, '\n') : text.replace(/\r\n|[\r\n\t]/g, ' ');
  return lines.replace(INVISIBLE, (c) =>
    (keepLines && c === '\n') || c === '\t' ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`,
  );
}

/** At most `max` characters (code points), the cut shown as "…". */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, Math.max(1, max - 1)).join('')}…` : text;
}

export interface InertOptions {
  /** Longest result, in characters; NOTICE_MAX by default. */
  max?: number;
  /** Keep line breaks (modal message and detail, which show them); otherwise they become spaces. */
  lines?: boolean;
}

/**
 * Any untrusted string made safe to show in a notification or dialog: no link VS Code would parse,
 * no invisible or reordering characters, at most `max` characters. Idempotent.
 */
export function inert(text: unknown, options: InertOptions = {}): string {
  const visible = escapeInvisible(String(text ?? ''), !!options.lines);
  return shorten(visible.replace(/\](?=\()/g, '] '), options.max ?? NOTICE_MAX);
}

/** VS Code's icon syntax, `$(name)` or `$(name~spin)`, with the backslash that escapes it (iconLabels.ts). */
const ICON = /(\\)?\$\([a-z0-9-]+(?:~[a-z]+)?\)/gi;

/**
 * Untrusted text for the places VS Code renders `$(name)` as an icon: status bar texts, quick pick
 * labels, descriptions and details, quick input prompts and validation messages
 * (renderLabelWithIcons in src/vs/base/browser/ui/iconLabel/iconLabels.ts shows `\$(name)` as the
 * text `$(name)`). Also inert(): quick input messages parse links as notifications do. Idempotent.
 */
export function inertLabel(text: unknown, options: InertOptions = {}): string {
  return inert(text, options).replace(ICON, (m: string, escaped?: string) => (escaped ? m : `\\${m}`));
}

/** Untrusted text for a MarkdownString: every ASCII punctuation escaped, so no image, link or markup. */
export function markdownText(text: unknown, max = NOTICE_MAX): string {
  return shorten(escapeInvisible(String(text ?? ''), false), max).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * Names for a notice: the first `max` (each shortened), then "+N" for the rest. Notices stay short
 * and honest about the count; the full names belong in the log.
 */
export function someNames(names: readonly string[], max = 3, each = 80, separator = ', '): string {
  const shown = names
    .slice(0, max)
    .map((n) => shorten(n, each))
    .join(separator);
  return names.length > max ? `${shown} +${names.length - max}` : shown;
}

/**
 * Someone else's text in a rendered markdown document (a table cell, a list item): no link, image,
 * HTML, code span or cell break can come out of it; the rest reads as typed.
 */
export function markdownCell(v: unknown): string {
  return (
    String(v ?? '')
      .replace(/[\\`[\]<>|]/g, '\\$&')
      .replace(/[\r\n]+/g, ' ') || '-'
  );
}
