/** explainAccessDenied: a pasted refusal explained with the account's policies: who, what, which statement, the narrowest fix. */
import { l10n } from '../cloud/l10n';
import { CloudError } from '../cloud/errors';
import { analyseOssDenial, isPolicyDenial, principalOf } from '../setup/accessDeniedReport';
import { accessFacts } from './checkAccess';
import { parseDeniedText } from './denialText';
import { commandLink, resultText } from './results';
import { defineTool } from './tool';

export const explainAccessDenied = defineTool<{ errorText: string }>({
  name: 'alibabaCloud_explainAccessDenied',
  prepare: (_input, c) => ({ invocationMessage: l10n.t('Explaining the refusal with profile "{0}"…', c.profileName) }),
  async run({ profile: entry, cloud }, input) {
    const pasted = parseDeniedText(input.errorText);
    if (!pasted.action || !pasted.resource) {
      return resultText({
        understood: false,
        found: pasted,
        reason:
          'The text does not name both the refused action (e.g. oss:PutObject) and the resource (an acs: ARN or an OSS URL). A request id alone cannot be looked up. Ask the user for the full error text, or use the checkAccess tool with the action and resource.',
      });
    }
    const account = /^\d+$/.test(pasted.resource.split(':')[3] ?? '') ? pasted.resource.split(':')[3] : undefined;
    const named = pasted.principalName;
    const arn =
      pasted.principalArn ??
      (named && `acs:ram::${account ?? (await cloud.knownIdentity()).accountId}:${named.kind}/${named.name}`);
    const identity = arn
      ? {
          accountId: arn.split(':')[3],
          arn,
          identityType: /:(assumed-role|role)\//.test(arn)
            ? 'AssumedRoleUser'
            : arn.endsWith(':root')
              ? 'Account'
              : 'RAMUser',
        }
      : undefined;
    const identitySource =
      pasted.principalArn || named ? 'named in the error text' : `the active profile "${entry.name}"`;
    if (!pasted.action.startsWith('oss:')) {
      const who = principalOf(identity ?? (await cloud.knownIdentity()));
      if ((who.kind !== 'role' && who.kind !== 'user') || !who.name) {
        return resultText({
          understood: true,
          identity: who,
          reason: 'Only a RAM role or user is restricted by RAM policies.',
        });
      }
      const f = await accessFacts(
        cloud,
        { kind: who.kind, name: who.name },
        { action: pasted.action, resource: pasted.resource },
      );
      return resultText(
        { understood: true, identitySource, requestId: pasted.requestId, ...f.facts },
        f.data,
        f.userCommand,
      );
    }
    const err = new CloudError({
      code: 'AccessDenied',
      message: input.errorText,
      service: 'oss',
      action: pasted.action,
      resource: pasted.resource,
    });
    if (!isPolicyDenial(err)) {
      return resultText({
        understood: true,
        policyDenial: false,
        reason:
          'This AccessDenied is not about RAM policies: the request went to the wrong regional endpoint, its signature or URL expired, or the signature did not match.',
      });
    }
    // The active profile reads the policies; the refused identity is the one the text names, else the active one.
    const r = await analyseOssDenial(err, { cloud, profileName: entry.name, identity, policyReader: cloud });
    const p = r.principal;
    const args =
      p?.name && (p.kind === 'role' || p.kind === 'user')
        ? {
            [p.kind === 'role' ? 'roleName' : 'userName']: p.name,
            action: r.request.action,
            resource: r.request.resource,
          }
        : undefined;
    const e = r.explanation;
    return resultText(
      {
        understood: true,
        identitySource,
        requestId: pasted.requestId,
        request: r.request,
        identity: p && { kind: p.kind, name: p.name, arn: p.arn },
        verdict: e?.reason ?? 'policiesNotEvaluated',
        policiesEvaluated: r.policyNames,
        policiesUnreadable: r.policiesUnreadable,
        denyingStatement: e?.denyingStatement && {
          policyName: e.denyingStatement.policyName,
          policyType: e.denyingStatement.policyType,
          statementNumber: e.denyingStatement.index + 1,
        },
        allowsOnlyIfConditionsHeld: e?.conditionMisses.map((m) => ({
          policyName: m.statement.policyName,
          statementNumber: m.statement.index + 1,
          condition: `${m.failure.operator} ${m.failure.key}`,
        })),
        narrowestStatementToAdd: r.statement,
      },
      { summary: r.text },
      r.statement && args ? commandLink('alibabaCloud.ram.checkAccess', args) : undefined,
    );
  },
});
