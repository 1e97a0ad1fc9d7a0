/**
 * Why a request was refused, as structured data for the UI to word: the Deny statement that won,
 * or the absence of any Allow (with Allow statements that only failed on a Condition), plus the
 * smallest statement that would grant the request.
 */
import { checkConditions, type ConditionFailure } from './conditions';
import { allStatements, evaluate, statementTargets } from './evaluate';
import { parseArn } from './match';
import type { AuthorizationRequest, NamedPolicy, PolicyStatement, StatementRef } from './types';

export interface ConditionMiss {
  statement: StatementRef;
  failure: ConditionFailure;
}

export interface Suggestion {
  /** `{ Effect: 'Allow', Action: [action], Resource: [generalised resource] }`. */
  statement: PolicyStatement;
  /** Other scopes for the same grant, narrowest first (the exact resource is always among them). */
  alternatives: PolicyStatement[];
}

export interface DenialExplanation {
  action: string;
  resource: string;
  reason: 'ExplicitDeny' | 'NoAllow' | 'Allowed';
  /** The Deny that refused the request; adding an Allow cannot help, that statement must change. */
  denyingStatement?: StatementRef;
  /** Allow statements covering this action and resource that did not apply because of a Condition. */
  conditionMisses: ConditionMiss[];
  /** Present when reason is NoAllow. */
  suggestion?: Suggestion;
}

export function explainDenial(policies: NamedPolicy[], req: AuthorizationRequest): DenialExplanation {
  const decision = evaluate(policies, req);
  const base = { action: req.action, resource: req.resource, conditionMisses: [] as ConditionMiss[] };
  if (decision.effect === 'Allow') {
    return { ...base, reason: 'Allowed' };
  }
  if (decision.effect === 'ExplicitDeny') {
    return { ...base, reason: 'ExplicitDeny', denyingStatement: decision.matched };
  }
  for (const ref of allStatements(policies)) {
    if (ref.statement.Effect !== 'Allow' || !statementTargets(ref.statement, req)) {
      continue;
    }
    const failure = checkConditions(ref.statement.Condition, req.conditions);
    if (failure) {
      base.conditionMisses.push({ statement: ref, failure });
    }
  }
  return { ...base, reason: 'NoAllow', suggestion: suggestStatement(req.action, req.resource) };
}

export function suggestStatement(action: string, resource: string): Suggestion {
  const [primary, ...rest] = suggestResources(resource);
  const allow = (r: string): PolicyStatement => ({ Effect: 'Allow', Action: [action], Resource: [r] });
  return { statement: allow(primary), alternatives: rest.map(allow) };
}

/**
 * Candidate Resource values, the recommended one first, then narrower-to-wider alternatives.
 * - OSS object `acs:oss:*:123:bkt/a/b.txt` → `acs:oss:*:*:bkt/a/*` (its folder), then the exact
 *   object, then the whole bucket `acs:oss:*:*:bkt/*`.
 * - RAM (`role/x` for ram:PassRole) stays exact: a wildcard would let the user pass any role,
 *   i.e. grant themselves any role's permissions. The same type with `*` is only an alternative.
 * - Other `type/id` resources (ECS `instance/i-…`) → `acs:ecs:*:*:instance/*`, then exact.
 */
export function suggestResources(resource: string): string[] {
  const arn = parseArn(resource);
  if (resource === '*' || !arn) {
    return [resource];
  }
  const make = (relative: string, region = '*', account = '*') => `acs:${arn.service}:${region}:${account}:${relative}`;
  const out: string[] = [];
  const service = arn.service.toLowerCase();
  const slash = arn.relative.indexOf('/');
  if (service === 'oss') {
    if (slash < 0) {
      out.push(make(arn.relative), resource);
    } else {
      const bucket = arn.relative.slice(0, slash);
      const folder = arn.relative.slice(0, arn.relative.lastIndexOf('/') + 1);
      out.push(make(`${folder}*`), resource, make(`${bucket}/*`));
    }
  } else if (service === 'ram') {
    out.push(resource);
    if (slash > 0) {
      out.push(make(`${arn.relative.slice(0, slash)}/*`, arn.region, arn.account));
    }
  } else if (slash > 0) {
    out.push(make(`${arn.relative.slice(0, slash)}/*`), resource);
  } else {
    out.push(resource);
  }
  return [...new Set(out)];
}
