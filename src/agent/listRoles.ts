/** listRoles: the account's RAM roles, one page, ECS-trusted ones marked. */
import { l10n } from '../cloud/l10n';
import { collectAll, mapLimit } from '../cloud/paging';
import { trustsEcs } from '../setup/instanceRole';
import { pageOf, resultText } from './results';
import { defineTool } from './tool';

export const listRoles = defineTool<{ nameContains?: string; ecsTrustedOnly?: boolean; page?: number }>({
  name: 'alibabaCloud_listRoles',
  prepare: (_input, c) => ({ invocationMessage: l10n.t('Listing RAM roles of profile "{0}"…', c.profileName) }),
  async run({ cloud }, input) {
    const needle = input.nameContains?.toLowerCase();
    let roles = (await collectAll((m) => cloud.ram.listRoles(m, 1000))).filter(
      (r) => !needle || r.roleName.toLowerCase().includes(needle),
    );
    // ListRoles omits trust policies: read each (only those shown, unless filtering by trust).
    const withTrust = (list: typeof roles) => mapLimit(list, 8, (r) => cloud.ram.getRole(r.roleName).catch(() => r));
    if (input.ecsTrustedOnly) {
      roles = (await withTrust(roles)).filter((r) => trustsEcs(r.trustPolicy));
    }
    const page = pageOf(roles, input.page);
    const shown = input.ecsTrustedOnly ? page.items : await withTrust(page.items);
    return resultText(
      { total: page.total, page: page.page, more: page.more },
      {
        roles: shown.map((r) => ({
          roleName: r.roleName,
          ecsTrusted: r.trustPolicy === undefined ? 'unknown' : trustsEcs(r.trustPolicy),
          description: r.description,
          arn: r.arn,
        })),
      },
    );
  },
});
