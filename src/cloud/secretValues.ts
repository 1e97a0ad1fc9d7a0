/**
 * Every credential value the cloud layer produces or is handed (AccessKey secrets, STS secrets and
 * security tokens) is announced here the moment it exists, before any request is signed with it,
 * so the log (src/ui/log) can redact it even in the first message that could carry it. Values
 * announced before a listener subscribed are replayed to it, so the order of activation does not
 * matter. The values stay in memory only.
 */

type Listener = (value: string) => void;

/** Values shorter than this would match ordinary text by chance; no real secret or token is this short. */
export const MIN_SECRET_LENGTH = 8;

/** The announced values and who listens for them. */
export class SecretRegistry {
  private readonly known = new Set<string>();
  private readonly listeners = new Set<Listener>();

  announce(...values: Array<string | undefined>): void {
    for (const v of values) {
      if (!v || v.length < MIN_SECRET_LENGTH || this.known.has(v)) {
        continue;
      }
      this.known.add(v);
      for (const l of this.listeners) {
        l(v);
      }
    }
  }

  onSecret(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    for (const v of this.known) {
      listener(v);
    }
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Hands what this registry holds to `other`: its values, and its listeners as other's listeners. */
  moveTo(other: SecretRegistry): void {
    this.listeners.forEach((l) => other.onSecret(l));
    this.known.forEach((v) => other.announce(v));
    this.listeners.clear();
  }
}

// Process-wide on purpose: redaction is a net under every message, whichever code made it. Each
// bundle has its own copy of this module; dist/lazy.js adopts main's registry (src/lazy.ts).
let registry = new SecretRegistry();

/** The registry in use; main hands it to dist/lazy.js (src/lazyLoader.ts). */
export const secretRegistry = (): SecretRegistry => registry;

/** Uses `r` from now on, with what was announced and subscribed here so far (src/lazy.ts). */
export function adoptSecretRegistry(r: SecretRegistry): void {
  if (r !== registry) {
    registry.moveTo(r);
    registry = r;
  }
}

export function announceSecret(...values: Array<string | undefined>): void {
  registry.announce(...values);
}

/** The secret parts of a credential set (the AccessKey id is not secret: the UI shows it). */
export function announceCredentials(c: { accessKeySecret?: string; securityToken?: string }): void {
  announceSecret(c.accessKeySecret, c.securityToken);
}

/** Calls `listener` with every value announced so far and every later one. */
export function onSecret(listener: Listener): { dispose(): void } {
  return registry.onSecret(listener);
}
