/**
 * DescribeSecurityGroupAttribute: a security group's rules, in the shape of the ECS API reference
 * (Permissions.Permission[] with Direction, IpProtocol, PortRange "22/22", SourceCidrIp, Policy
 * Accept/Drop, Priority as a string "1"–"100", NicType). Direction filters (ingress, egress, all).
 */
import { createHash } from 'node:crypto';
import { SandboxError } from '../core/errors';
import type { RpcAction, RpcBody, RpcContext } from './product';
import type { SecurityGroupPermission } from '../core/state';

const ruleId = (groupId: string, n: number, p: SecurityGroupPermission) =>
  `sgr-${createHash('sha256')
    .update(`${groupId}:${n}:${JSON.stringify(p)}`)
    .digest('hex')
    .slice(0, 20)}`;

function describeSecurityGroupAttribute(ctx: RpcContext): RpcBody {
  const regionId = ctx.params.required('RegionId');
  if (!ctx.state.regions.some((r) => r.regionId === regionId)) {
    throw new SandboxError('InvalidRegionId.NotFound', 404, 'The specified RegionId does not exist.');
  }
  const id = ctx.params.required('SecurityGroupId');
  const g = ctx.state.securityGroups.find((x) => x.securityGroupId === id && x.regionId === regionId);
  if (!g) {
    throw new SandboxError('InvalidSecurityGroupId.NotFound', 404, 'The specified SecurityGroupId does not exist.');
  }
  const direction = ctx.params.str('Direction') ?? 'all';
  if (!['ingress', 'egress', 'all'].includes(direction)) {
    throw new SandboxError('InvalidParameter.Direction', 400, 'The specified parameter "Direction" is not valid.');
  }
  const created = ctx.state.vpcs.find((v) => v.vpcId === g.vpcId)?.creationTime ?? '';
  const rules = (g.permissions ?? [])
    .map((p, n) => ({ p, n }))
    .filter(({ p }) => direction === 'all' || p.direction === direction);
  return {
    RegionId: regionId,
    SecurityGroupId: g.securityGroupId,
    SecurityGroupName: g.securityGroupName,
    Description: g.description,
    VpcId: g.vpcId,
    InnerAccessPolicy: 'Accept',
    Permissions: {
      Permission: rules.map(({ p, n }) => ({
        SecurityGroupRuleId: ruleId(g.securityGroupId, n, p),
        Direction: p.direction,
        IpProtocol: p.ipProtocol,
        PortRange: p.portRange,
        SourceCidrIp: p.sourceCidrIp ?? '',
        DestCidrIp: p.destCidrIp ?? '',
        SourcePortRange: '',
        Ipv6SourceCidrIp: '',
        Ipv6DestCidrIp: '',
        SourceGroupId: '',
        SourceGroupName: '',
        SourceGroupOwnerAccount: '',
        DestGroupId: '',
        DestGroupName: '',
        DestGroupOwnerAccount: '',
        SourcePrefixListId: '',
        DestPrefixListId: '',
        Policy: p.policy,
        Priority: String(p.priority),
        NicType: 'intranet',
        Description: p.description ?? '',
        CreateTime: created,
      })),
    },
  };
}

export const securityGroupActions: Record<string, RpcAction> = {
  DescribeSecurityGroupAttribute: {
    resources: (ctx) => [
      `acs:ecs:${ctx.params.str('RegionId') || '*'}:${ctx.accountId}:securitygroup/${ctx.params.str('SecurityGroupId') ?? '*'}`,
    ],
    handle: describeSecurityGroupAttribute,
  },
};
