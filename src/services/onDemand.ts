/**
 * What the layers up to services load on first use, never during activation: these modules sit in
 * dist/lazy.js, and the function handed around as `onDemand` (src/lazyLoader.ts) loads that bundle
 * on its first call. Code in dist/lazy.js calls it too and gets the same, already loaded modules.
 */
export interface OnDemandModules {
  /** The API clients (RAM, ECS, OSS) and the session that signs for them. */
  cloud: typeof import('../cloud');
  /** External credential commands, URIs and token files (node:child_process). */
  credentialSources: typeof import('../cloud/credentialSources');
  /** Policy lint and the catalogue under it. */
  lint: typeof import('../policy/lint');
  /** The AccessDenied analysis and the policy evaluator under it. */
  accessDeniedReport: typeof import('../setup/accessDeniedReport');
}
