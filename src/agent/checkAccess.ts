/** checkAccess: would this role or user be allowed this action on this resource? The Check Access evaluator. */
import { l10n } from '../cloud/l10n';
import type { Cloud } from '../cloud';
import { principalOf } from '../setup/accessDeniedReport';
import { checkAccess as evaluateAccess, identityPolicies, type AccessIdentity } from '../setup/checkAccess';
import { commandLink, resultText } from './results';
import { defineTool } from './tool';

interface Input {
  identityKind?: 'role' | 'user';
  identityName?: string;
  action: string;
  resource: string;
  context?: Record<string, unknown>;
}

/** The request context: string or string-list values only (what RAM conditions compare). */
export function contextOf(raw: Record<string, unknown> | undefined): Record<string, string | string[]> | undefined {
  if (!raw) {
    return undefined;
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = String(v);
    } else if (Array.isArray(v)) {
      out[k] = v.map(String);
    }
  }
  return out;
}

/** The evaluation as facts and the deciding statement, for checkAccess and explainAccessDenied. */
export async function accessFacts(
  cloud: Cloud,
  id: AccessIdentity,
  request: { action: string; resource: string; conditions?: Record<string, string | string[]> },
) {
  const policies = await identityPolicies(cloud, id);
  const r = evaluateAccess(policies, request);
  const args = {
    [id.kind === 'role' ? 'roleName' : 'userName']: id.name,
    action: request.action,
    resource: request.resource,
  };
  return {
    facts: {
      identity: id,
      request,
      effect: r.effect,
      policiesEvaluated: policies.map((p) => `${p.type}:${p.name}`),
      decidingStatement: r.deciding && {
        policyName: r.deciding.policy.name,
        policyType: r.deciding.policy.type,
        statementNumber: r.deciding.index + 1,
      },
      allowsOnlyIfConditionsHeld: r.explanation.conditionMisses.map((m) => ({
        policyName: m.statement.policyName,
        statementNumber: m.statement.index + 1,
        condition: `${m.failure.operator} ${m.failure.key}`,
      })),
      narrowestStatementToAdd: r.suggestion,
      ...(r.effect === 'ExplicitDeny'
        ? {
            advice:
              'An explicit Deny wins over any Allow: that Deny statement must change; adding an Allow will not help.',
          }
        : {}),
    },
    data: { decidingStatementText: r.deciding?.statement },
    // Adding the statement is the user's act: Check Access offers it with its own confirmation.
    userCommand: r.effect === 'ImplicitDeny' ? commandLink('alibabaCloud.ram.checkAccess', args) : undefined,
  };
}

export const checkAccess = defineTool<Input>({
  name: 'alibabaCloud_checkAccess',
  prepare: (input, c) => ({
    invocationMessage: l10n.t('Checking {0} on {1} with profile "{2}"…', input.action, input.resource, c.profileName),
  }),
  async run({ cloud }, input) {
    let id: AccessIdentity;
    if (input.identityName) {
      id = { kind: input.identityKind ?? 'role', name: input.identityName };
    } else {
      const me = principalOf(await cloud.knownIdentity());
      if (me.kind === 'root') {
        return resultText({
          effect: 'Allow',
          reason:
            'The active profile is the root account; RAM policies do not restrict it. Name a role or user to check.',
        });
      }
      if ((me.kind !== 'role' && me.kind !== 'user') || !me.name) {
        return resultText({ error: 'unknown identity', reason: 'Name a role or user (identityKind, identityName).' });
      }
      id = { kind: me.kind, name: me.name };
    }
    const f = await accessFacts(cloud, id, {
      action: input.action,
      resource: input.resource,
      conditions: contextOf(input.context),
    });
    return resultText(f.facts, f.data, f.userCommand);
  },
});
