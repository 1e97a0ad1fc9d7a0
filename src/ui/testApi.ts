/**
 * `extension.exports` is readable by every other extension. The seams in-host tests need (Services,
 * with SecretStorage and live clouds; a prompter that answers confirmations by script) would hand
 * them the user's secrets and a way past every confirmation, so they exist only in a host that VS
 * Code started to run tests. No `vscode` here, so node:test checks the rule.
 */

/** vscode.ExtensionMode.Test (Production is 1, Development 2); test/unit/test-api checks it against @types/vscode. */
export const EXTENSION_MODE_TEST = 3;

/** `build()` in a test host, undefined everywhere else (build is not even called). */
export function testApiFor<T>(mode: number, build: () => T): T | undefined {
  return mode === EXTENSION_MODE_TEST ? build() : undefined;
}
