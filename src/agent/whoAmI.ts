/** whoAmI: the active profile, its account and identity, and the instance role of this host if any. Never a secret. */
import * as vscode from 'vscode';
import { principalOf } from '../setup/accessDeniedReport';
import { resultText } from './results';
import { activeProfileName, defineTool } from './tool';

export const whoAmI = defineTool({
  name: 'alibabaCloud_whoAmI',
  prepare: (s) => ({ invocationMessage: vscode.l10n.t('Reading the identity of profile "{0}"…', activeProfileName(s)) }),
  async run({ s, entry, cloud }) {
    const id = await cloud.knownIdentity();
    const p = principalOf(id);
    const st = s.instance.state;
    const instance = st.kind === 'found'
      ? { instanceId: st.identity.instanceId, regionId: st.identity.regionId, role: st.roleName, credentialsExpire: st.provider.expiration?.toISOString(), lastRefreshFailed: st.refreshError !== undefined }
      : st.kind === 'problem' ? { problem: st.problem.code } : undefined;
    return resultText(
      { profile: { name: entry.name, source: entry.source, credentialMode: entry.mode, regionId: entry.regionId } },
      { identity: { accountId: id.accountId, type: id.identityType, kind: p.kind, name: p.name, arn: id.arn }, instanceRoleOfThisHost: instance },
    );
  },
});
