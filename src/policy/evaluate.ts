import type { AuthorizationRequest, Decision, NamedPolicy } from './types';
// Placeholder signature; implemented next.
export function evaluate(_policies: NamedPolicy[], _req: AuthorizationRequest): Decision { return { effect: 'ImplicitDeny' }; }
