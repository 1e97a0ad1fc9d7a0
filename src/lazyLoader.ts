/**
 * Loads dist/lazy.js (src/lazy.ts) on the first call, after activation, with a plain require (the
 * file sits beside this bundle), and hands it main's process-wide state as arguments: the secret
 * registry, the server clock, the error funnel's notes, and who the active identity is.
 *
 * Another extension in this host can require our files too. What keeps main's state from it:
 * dist/extension.js exports only activate/deactivate; dist/lazy.js exports only activateLazy
 * (read-only), which runs once per loaded copy; and this loader takes a copy of its own — it drops
 * any cached one first (one someone else loaded, activated or planted), and drops its own from the
 * cache after loading, so nobody else reaches the copy main activated. Code that patches Node's
 * module loader itself before we load owns the whole process; no bundle layout defends against that.
 * test/integration/bundles.test.ts tries each of these.
 */
import * as path from 'node:path';
import { serverClock } from './cloud/clock';
import { secretRegistry } from './cloud/secretValues';
import type { Lazy, Shared } from './lazy';
import { errorNotes } from './ui/errorFunnel';

export function lazyLoader(refusedIdentity: Shared['refusedIdentity']): () => Lazy {
  const shared = (): Shared => ({
    secrets: secretRegistry(),
    clock: serverClock,
    errorNotes: errorNotes(),
    refusedIdentity,
  });
  let lazy: Lazy | undefined;
  return () => {
    if (!lazy) {
      const file = path.join(__dirname, 'lazy.js');
      delete require.cache[file];
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        lazy = (require(file) as typeof import('./lazy')).activateLazy(shared());
      } finally {
        delete require.cache[file];
      }
    }
    return lazy;
  };
}
