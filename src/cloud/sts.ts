/** STS: who the current credentials belong to (account id for ARNs, user or role). */
import type { CloudSession } from './session';

export interface CallerIdentity {
  accountId: string;
  arn: string;
  identityType: string;
  userId?: string;
  principalId?: string;
  roleId?: string;
}

export async function getCallerIdentity(session: CloudSession): Promise<CallerIdentity> {
  const r = await session.call('sts', 'GetCallerIdentity', undefined, () => session.stsClient().getCallerIdentity());
  const b = r.body;
  return {
    accountId: b?.accountId ?? '',
    arn: b?.arn ?? '',
    identityType: b?.identityType ?? '',
    userId: b?.userId,
    principalId: b?.principalId,
    roleId: b?.roleId,
  };
}
