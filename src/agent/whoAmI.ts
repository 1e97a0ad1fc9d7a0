/** whoAmI: the active profile, its account and identity, and the instance role of this host if any. Never a secret. */
import { l10n } from '../cloud/l10n';
import { principalOf } from '../setup/accessDeniedReport';
import { resultText } from './results';
import { defineTool } from './tool';

export const whoAmI = defineTool({
  name: 'alibabaCloud_whoAmI',
  prepare: (_input, c) => ({ invocationMessage: l10n.t('Reading the identity of profile "{0}"…', c.profileName) }),
  async run({ profile: entry, cloud, instance: host }) {
    const id = await cloud.knownIdentity();
    const p = principalOf(id);
    const st = host.state;
    const instance =
      st.kind === 'found'
        ? {
            instanceId: st.identity.instanceId,
            regionId: st.identity.regionId,
            role: st.roleName,
            credentialsExpire: st.provider.expiration?.toISOString(),
            lastRefreshFailed: st.refreshError !== undefined,
          }
        : st.kind === 'problem'
          ? { problem: st.problem.code }
          : undefined;
    return resultText(
      { profile: { name: entry.name, source: entry.source, credentialMode: entry.mode, regionId: entry.regionId } },
      {
        identity: { accountId: id.accountId, type: id.identityType, kind: p.kind, name: p.name, arn: id.arn },
        instanceRoleOfThisHost: instance,
      },
    );
  },
});
