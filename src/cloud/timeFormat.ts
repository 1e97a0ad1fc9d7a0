/**
 * The one way the trees, tooltips and reports show a time: local wall-clock time with its zone
 * ("2026-12-07 20:55 UTC+8"), so a row never reads as UTC next to another in local time. Times a
 * machine reads (logs, JSON results) stay ISO 8601.
 */

/** "UTC", "UTC+8", "UTC-3:30": the offset east of UTC in minutes (local by default). */
export function zoneLabel(offsetMinutes: number): string {
  if (offsetMinutes === 0) {
    return 'UTC';
  }
  const a = Math.abs(offsetMinutes);
  const m = a % 60;
  return `UTC${offsetMinutes > 0 ? '+' : '-'}${Math.floor(a / 60)}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** The wall-clock parts of `d` at `offsetMinutes` east of UTC. */
function at(d: Date, offsetMinutes: number): Date {
  return new Date(d.getTime() + offsetMinutes * 60_000);
}

const localOffset = (d: Date) => -d.getTimezoneOffset();

/** "2026-12-07 20:55 UTC+8"; an unparsable string comes back as given, nothing as ''. */
export function formatDateTime(value: Date | string | undefined, offsetMinutes?: number): string {
  if (value === undefined || value === '') {
    return '';
  }
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) {
    return String(value);
  }
  const off = offsetMinutes ?? localOffset(d);
  const w = at(d, off);
  return `${w.getUTCFullYear()}-${p2(w.getUTCMonth() + 1)}-${p2(w.getUTCDate())} ${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())} ${zoneLabel(off)}`;
}

/** "20:55:03 UTC+8": a time of today (last refresh, last check); '-' for none. */
export function formatClockTime(d: Date | undefined, offsetMinutes?: number): string {
  if (!d || Number.isNaN(d.getTime())) {
    return '-';
  }
  const off = offsetMinutes ?? localOffset(d);
  const w = at(d, off);
  return `${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())}:${p2(w.getUTCSeconds())} ${zoneLabel(off)}`;
}
