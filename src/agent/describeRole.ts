/** describeRole: one role's trust policy, attached policies with their documents, and the instances that hold it. */
import { l10n } from '../cloud/l10n';
import type { EcsInstance } from '../cloud/ecs';
import { mapLimit } from '../cloud/paging';
import { trustsEcs } from '../setup/instanceRole';
import { capped, resultText } from './results';
import { defineTool } from './tool';

/** Documents in one answer; the rest are named with "N more". */
const MAX_DOCUMENTS = 8;
const MAX_INSTANCES = 20;

export const describeRole = defineTool<{ roleName: string }>({
  name: 'alibabaCloud_describeRole',
  prepare: (input, c) => ({
    invocationMessage: l10n.t('Reading role {0} with profile "{1}"…', input.roleName, c.profileName),
  }),
  async run({ cloud, regions: chosen }, input) {
    const role = await cloud.ram.getRole(input.roleName);
    const attached = await cloud.ram.listPoliciesForRole(input.roleName);
    const docs = capped(attached, MAX_DOCUMENTS);
    const policies = await mapLimit(docs.items, 4, async (a) => {
      const { policy, document } = await cloud.ram.getPolicy(a.policyName, a.policyType);
      return {
        policyName: a.policyName,
        policyType: a.policyType,
        defaultVersion: policy.defaultVersion,
        description: policy.description,
        document: parseDocument(document),
      };
    });
    const ecsTrusted = trustsEcs(role.trustPolicy);
    // Like the RAM view's "Instances" row: DescribeInstanceRamRole by role name per region.
    let instances: { items: EcsInstance[]; more: number } | undefined;
    if (ecsTrusted) {
      const regions = chosen.length ? chosen : (await cloud.ecs.describeRegions()).map((r) => r.regionId);
      const ids = (
        await mapLimit(regions, 6, async (regionId) =>
          (await cloud.ecs.instancesWithRole(regionId, input.roleName)).map((instanceId) => ({ regionId, instanceId })),
        )
      ).flat();
      const shown = capped(ids, MAX_INSTANCES);
      const found = await mapLimit(shown.items, 6, (i) =>
        cloud.ecs.getInstance(i.regionId, i.instanceId).catch(() => undefined),
      );
      instances = { items: found.filter((x): x is EcsInstance => !!x), more: shown.more };
    }
    return resultText(
      { ecsTrusted, attachedPolicies: attached.length, documentsLeftOut: docs.more, instancesLeftOut: instances?.more },
      {
        role: {
          roleName: role.roleName,
          arn: role.arn,
          description: role.description,
          maxSessionDuration: role.maxSessionDuration,
          trustPolicy: parseDocument(role.trustPolicy),
        },
        policies,
        otherPolicies: attached.slice(MAX_DOCUMENTS).map((a) => `${a.policyType}:${a.policyName}`),
        instances: instances?.items.map((i) => ({
          instanceId: i.instanceId,
          name: i.instanceName,
          regionId: i.regionId,
          status: i.status,
        })),
      },
    );
  },
});

/** A policy document as JSON (so the model reads statements, not an escaped string). */
function parseDocument(text: string | undefined): unknown {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
