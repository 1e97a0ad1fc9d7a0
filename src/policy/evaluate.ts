/**
 * RAM permission-policy evaluation: an explicit Deny in any statement wins, otherwise any Allow
 * grants, otherwise the request is implicitly denied.
 *
 * Documents may come straight from JSON the user typed, so shapes are checked defensively: a
 * statement missing Effect, Action/NotAction or Resource/NotResource neither allows nor denies
 * (RAM rejects such documents; lint reports them).
 */
import { checkConditions } from './conditions';
import { matchAction, matchResource } from './match';
import type { AuthorizationRequest, Decision, NamedPolicy, PolicyStatement, StatementRef } from './types';

export function asList(v: unknown): string[] {
  if (typeof v === 'string') {
    return [v];
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Statements of a document, tolerating a single statement object where an array belongs. */
export function statementsOf(doc: unknown): PolicyStatement[] {
  const s = (doc as { Statement?: unknown } | null | undefined)?.Statement;
  const list = Array.isArray(s) ? s : s && typeof s === 'object' ? [s] : [];
  return list.filter((x): x is PolicyStatement => !!x && typeof x === 'object' && !Array.isArray(x));
}

/** Positive list matches if any pattern matches; the Not* form if none does. */
function elementMatches(pos: unknown, neg: unknown, value: string, match: (p: string, v: string) => boolean): boolean {
  if (pos !== undefined) {
    return asList(pos).some((p) => match(p, value));
  }
  if (neg !== undefined) {
    return !asList(neg).some((p) => match(p, value));
  }
  return false;
}

export function actionMatches(st: PolicyStatement, action: string): boolean {
  return elementMatches(st.Action, st.NotAction, action, matchAction);
}

export function resourceMatches(st: PolicyStatement, resource: string): boolean {
  return elementMatches(st.Resource, st.NotResource, resource, matchResource);
}

/** Action and Resource match; conditions not yet considered. */
export function statementTargets(st: PolicyStatement, req: AuthorizationRequest): boolean {
  return actionMatches(st, req.action) && resourceMatches(st, req.resource);
}

export function statementApplies(st: PolicyStatement, req: AuthorizationRequest): boolean {
  return statementTargets(st, req) && checkConditions(st.Condition, req.conditions) === undefined;
}

/** Every statement of every policy, with its position, in order. */
export function* allStatements(policies: NamedPolicy[]): Generator<StatementRef> {
  for (const p of policies) {
    const list = statementsOf(p.document);
    for (let index = 0; index < list.length; index++) {
      yield { policyName: p.name, policyType: p.type, index, statement: list[index] };
    }
  }
}

export function evaluate(policies: NamedPolicy[], req: AuthorizationRequest): Decision {
  let allow: StatementRef | undefined;
  for (const ref of allStatements(policies)) {
    const effect = ref.statement.Effect;
    if ((effect !== 'Allow' && effect !== 'Deny') || !statementApplies(ref.statement, req)) {
      continue;
    }
    if (effect === 'Deny') {
      return { effect: 'ExplicitDeny', matched: ref };
    }
    allow ??= ref;
  }
  return allow ? { effect: 'Allow', matched: allow } : { effect: 'ImplicitDeny' };
}
