/**
 * Every credential value the cloud layer produces or is handed (AccessKey secrets, STS secrets and
 * security tokens) is announced here the moment it exists, before any request is signed with it,
 * so the log (src/ui/log) can redact it even in the first message that could carry it. Values
 * announced before a listener subscribed are replayed to it, so the order of activation does not
 * matter. The values stay in memory only.
 */

type Listener = (value: string) => void;

const known = new Set<string>();
const listeners = new Set<Listener>();

/** Values shorter than this would match ordinary text by chance; no real secret or token is this short. */
export const MIN_SECRET_LENGTH = 8;

export function announceSecret(...values: Array<string | undefined>): void {
  for (const v of values) {
    if (!v || v.length < MIN_SECRET_LENGTH || known.has(v)) {
      continue;
    }
    known.add(v);
    for (const l of listeners) {
      l(v);
    }
  }
}

/** The secret parts of a credential set (the AccessKey id is not secret: the UI shows it). */
export function announceCredentials(c: { accessKeySecret?: string; securityToken?: string }): void {
  announceSecret(c.accessKeySecret, c.securityToken);
}

/** Calls `listener` with every value announced so far and every later one. */
export function onSecret(listener: Listener): { dispose(): void } {
  listeners.add(listener);
  for (const v of known) {
    listener(v);
  }
  return { dispose: () => listeners.delete(listener) };
}
