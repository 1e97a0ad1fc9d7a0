/**
 * The cloud's time, as learned from the `Date` header of its answers. A laptop clock that is off
 * breaks things quietly: credential expiry countdowns lie, refreshes come too late, presigned URLs
 * expire early, and OSS refuses requests more than 15 minutes off its clock (403
 * RequestTimeTooSkewed; OSS API reference, "Common error codes"). Every response the cloud layer
 * sees goes through `observeResponseDate`, and everything that compares with a server time
 * (expirations, presign capping) reads `serverClock.now()`.
 */

/** Beyond this the user is told to fix the clock (OSS refuses at 15 minutes; RPC at 15 too). */
export const SKEW_WARNING_MS = 3 * 60_000;

/** Skews under this are noise (Date has one-second resolution, plus the round trip). */
const NOISE_MS = 2000;

export class ServerClock {
  private offset = 0;
  private warned = false;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  /** How far the cloud's clock is ahead (+) of ours (−: behind), in ms; 0 until learned. */
  get offsetMs(): number {
    return this.offset;
  }

  /** Local time corrected to the cloud's clock. */
  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * Learns the offset from a `Date` header received at `receivedAt` (local ms). The header has
   * second resolution, so differences under a couple of seconds are ignored.
   */
  observe(dateHeader: string | undefined | null, receivedAt = Date.now()): void {
    if (!dateHeader) {
      return;
    }
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) {
      return;
    }
    // The header is truncated to the second: its true value lies in [server, server + 1000).
    const measured = server + 500 - receivedAt;
    this.offset = Math.abs(measured) < NOISE_MS ? 0 : measured;
    if (!this.warned && Math.abs(this.offset) > SKEW_WARNING_MS) {
      this.warned = true;
      for (const l of this.listeners) {
        l(this.offset);
      }
    }
  }

  /** Called once, the first time the skew exceeds SKEW_WARNING_MS. */
  onLargeSkew(listener: (offsetMs: number) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** For tests. */
  reset(): void {
    this.offset = 0;
    this.warned = false;
  }
}

/**
 * One clock per process: the skew is the machine's, whichever service reveals it. Each bundle has
 * its own copy of this module; dist/lazy.js uses main's clock (src/lazy.ts, useServerClock).
 */
export let serverClock = new ServerClock();

/** Uses main's clock in dist/lazy.js (src/lazy.ts). */
export function useServerClock(c: ServerClock): void {
  serverClock = c;
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null } | undefined;

/** Reads `Date` from whatever header shape a client hands back (SDK object, fetch Headers, urllib). */
export function observeResponseDate(headers: HeaderBag, receivedAt = Date.now()): void {
  if (!headers) {
    return;
  }
  const value =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('date')
      : ((headers as Record<string, string | string[] | undefined>).date ??
        (headers as Record<string, string | string[] | undefined>).Date);
  serverClock.observe(Array.isArray(value) ? value[0] : (value ?? undefined), receivedAt);
}
