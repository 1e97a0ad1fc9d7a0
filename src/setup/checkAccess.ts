/**
 * Check Access: may this role or user do this action on this resource, in this context? The
 * identity's policies are read from RAM (plus any draft the caller passes) and evaluated with the
 * same engine the sandbox enforces with (src/policy). On a deny the narrowest statement that would
 * allow the request is proposed, and can be added as a new version of an attached custom policy or
 * as a new policy attached to the identity.
 */
import type { Cloud } from '../cloud';
import type { PolicyType } from '../cloud/ram';
import { formatPolicy } from '../policy/builders';
import { statementsOf } from '../policy/evaluate';
import { explainDenial, type DenialExplanation } from '../policy/explain';
import { parseJson } from '../policy/json';
import type { AuthorizationRequest, NamedPolicy, PolicyDocument, PolicyStatement, StatementRef } from '../policy/types';

export type AccessIdentity = { kind: 'role' | 'user'; name: string };

export interface LoadedPolicy extends NamedPolicy {
  /** Where the document came from: RAM (its default version), or a draft the user is editing. */
  source: 'ram' | 'draft';
  type: PolicyType;
  text: string;
  defaultVersion?: string;
  /** A draft's document URI, to open it at the deciding statement. */
  location?: string;
}

export interface AccessResult {
  request: AuthorizationRequest;
  effect: 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';
  /** The statement that decided: the Allow that granted, or the Deny that refused. */
  deciding?: StatementRef & { policy: LoadedPolicy };
  explanation: DenialExplanation;
  /** On an implicit deny: the narrowest statement that would allow the request. */
  suggestion?: PolicyStatement;
}

/** The documents of every policy attached to the identity, as RAM holds them (default versions). */
export async function identityPolicies(cloud: Cloud, id: AccessIdentity): Promise<LoadedPolicy[]> {
  const attached =
    id.kind === 'role' ? await cloud.ram.listPoliciesForRole(id.name) : await cloud.ram.listPoliciesForUser(id.name);
  return Promise.all(
    attached.map(async (a) => {
      const { policy, document } = await cloud.ram.getPolicy(a.policyName, a.policyType);
      return {
        name: a.policyName,
        type: a.policyType,
        source: 'ram' as const,
        text: document,
        defaultVersion: policy.defaultVersion,
        document: JSON.parse(document) as PolicyDocument,
      };
    }),
  );
}

export function checkAccess(policies: LoadedPolicy[], request: AuthorizationRequest): AccessResult {
  const explanation = explainDenial(policies, request);
  const find = (ref: StatementRef) => ({
    ...ref,
    policy: policies.find((p) => p.name === ref.policyName && p.type === ref.policyType)!,
  });
  if (explanation.reason === 'Allowed') {
    // explainDenial says only that it is allowed; evaluate names the statement.
    const allow = policies
      .flatMap((p) =>
        statementsOf(p.document).map((statement, index) => ({
          policyName: p.name,
          policyType: p.type,
          index,
          statement,
        })),
      )
      .find(
        (ref) =>
          explainDenial(
            [{ name: ref.policyName, type: ref.policyType, document: { Version: '1', Statement: [ref.statement] } }],
            request,
          ).reason === 'Allowed',
      );
    return { request, effect: 'Allow', explanation, deciding: allow && find(allow) };
  }
  if (explanation.reason === 'ExplicitDeny') {
    return {
      request,
      effect: 'ExplicitDeny',
      explanation,
      deciding: explanation.denyingStatement && find(explanation.denyingStatement),
    };
  }
  return { request, effect: 'ImplicitDeny', explanation, suggestion: explanation.suggestion?.statement };
}

/** Offset and length of statement `index` in a document's text (for highlighting it). */
export function statementSpan(text: string, index: number): { offset: number; length: number } | undefined {
  const { root } = parseJson(text);
  if (root?.type !== 'object') {
    return undefined;
  }
  const st = [...root.properties].reverse().find((p) => p.key === 'Statement')?.value;
  const node = st?.type === 'array' ? st.items[index] : st?.type === 'object' && index === 0 ? st : undefined;
  return node && { offset: node.offset, length: node.length };
}

/** The policy's document with `statement` appended. */
export function withStatement(document: string, statement: PolicyStatement): string {
  const doc = JSON.parse(document) as PolicyDocument;
  return formatPolicy({ Version: doc.Version ?? '1', Statement: [...statementsOf(doc), statement] });
}

/** Adds the statement as a new default version of a custom policy (the older versions stay). */
export async function addStatementAsNewVersion(
  cloud: Cloud,
  policyName: string,
  statement: PolicyStatement,
): Promise<string> {
  const { document } = await cloud.ram.getPolicy(policyName, 'Custom');
  return (await cloud.ram.createPolicyVersion(policyName, withStatement(document, statement), true)).versionId;
}

/** Creates a custom policy holding the statement and attaches it to the identity. */
export async function addStatementAsNewPolicy(
  cloud: Cloud,
  id: AccessIdentity,
  policyName: string,
  statement: PolicyStatement,
  description?: string,
): Promise<void> {
  await cloud.ram.createPolicy(policyName, formatPolicy({ Version: '1', Statement: [statement] }), description);
  if (id.kind === 'role') {
    await cloud.ram.attachPolicyToRole(id.name, policyName, 'Custom');
  } else {
    await cloud.ram.attachPolicyToUser(id.name, policyName, 'Custom');
  }
}

/** `key=value, key=value` (a key may repeat for several values) → request context. */
export function parseContext(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const part of text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      continue;
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const prev = out[key];
    out[key] = prev === undefined ? value : ([] as string[]).concat(prev, value);
  }
  return out;
}
