/** findInstances: ECS instances by name, id, tag or status, with role, network and metadata mode (the inventory). */
import { l10n } from '../cloud/l10n';
import type { EcsInstance } from '../cloud/ecs';
import { loadInventory, RequestLimiter } from '../cloud/inventory';
import { pageOf, resultText } from './results';
import { defineTool } from './tool';

export interface InstanceFilter {
  query?: string;
  tag?: string;
  status?: string;
}

/** Whether an instance matches: query in id or name, `key` or `key=value` among its tags, status (any case). */
export function matchesInstance(i: EcsInstance, f: InstanceFilter): boolean {
  const q = f.query?.toLowerCase();
  if (q && !i.instanceId.toLowerCase().includes(q) && !i.instanceName.toLowerCase().includes(q)) {
    return false;
  }
  if (f.status && i.status.toLowerCase() !== f.status.toLowerCase()) {
    return false;
  }
  if (f.tag) {
    const eq = f.tag.indexOf('=');
    const [key, value] = eq < 0 ? [f.tag, undefined] : [f.tag.slice(0, eq), f.tag.slice(eq + 1)];
    if (!(i.tags ?? []).some((t) => t.key === key && (value === undefined || t.value === value))) {
      return false;
    }
  }
  return true;
}

export const findInstances = defineTool<InstanceFilter & { regionId?: string; page?: number }>({
  name: 'alibabaCloud_findInstances',
  prepare: (_input, c) => ({
    invocationMessage: l10n.t('Looking for ECS instances with profile "{0}"…', c.profileName),
  }),
  async run({ cloud, regions: chosen, maxInFlight }, input) {
    const inventory = await loadInventory(cloud, {
      limiter: new RequestLimiter({ maxInFlight }),
      regions: input.regionId ? [input.regionId] : chosen.length ? chosen : undefined,
    });
    const all = inventory.regions.flatMap((r) => r.instances).filter((i) => matchesInstance(i, input));
    const page = pageOf(all, input.page);
    const unlisted = inventory.regions
      .filter((r) => r.error)
      .map((r) => ({ regionId: r.regionId, error: r.error!.code }));
    return resultText(
      {
        total: page.total,
        page: page.page,
        more: page.more,
        regionsSearched: inventory.regions.length,
        regionsNotListed: unlisted,
      },
      {
        instances: page.items.map((i) => ({
          instanceId: i.instanceId,
          name: i.instanceName,
          regionId: i.regionId,
          zoneId: i.zoneId,
          status: i.status,
          ramRole: i.ramRoleName ?? (i.networkType === 'classic' ? 'n/a (classic network)' : null),
          network: {
            type: i.networkType,
            vpcId: i.vpcId,
            vSwitchId: i.vSwitchId,
            privateIps: i.privateIps,
            publicIps: i.publicIps,
          },
          // ECS HttpTokens: "required" is the hardened (token-only) metadata mode.
          metadataMode:
            i.httpTokens === 'required'
              ? 'hardened (token required)'
              : i.httpTokens
                ? 'normal (token optional)'
                : 'unknown',
          tags: i.tags,
        })),
      },
    );
  },
});
