/**
 * What connecting to an instance needs to know, read fresh from ECS rather than trusted from a
 * tree shown minutes ago: its state, addresses (public IP or EIP), key pair, login user, OS, and
 * the inbound rules of its security groups (DescribeSecurityGroupAttribute).
 */
import { EcsApi } from './ecs';
import { CloudError } from './errors';
import { l10n } from './l10n';
import { loadEcsSdk } from './sdk';
import type { CloudSession } from './session';

export interface ConnectInfo {
  instanceId: string;
  instanceName: string;
  regionId: string;
  status: string;
  osType: string;
  osName: string;
  networkType: string;
  publicIp?: string;
  eip?: string;
  privateIp?: string;
  keyPairName?: string;
  loginAsNonRoot: boolean;
  securityGroupIds: string[];
}

export interface SecurityGroupRule {
  securityGroupId: string;
  direction: string;
  ipProtocol: string;
  portRange: string;
  sourceCidrIp: string;
  policy: string;
  priority: number;
}

export class ConnectivityApi {
  constructor(private readonly session: CloudSession) {}

  async describeInstance(regionId: string, instanceId: string): Promise<ConnectInfo> {
    const r = await this.session.call('ecs', 'DescribeInstances', regionId, () => {
      const m = loadEcsSdk();
      return this.session
        .ecsClient(regionId)
        .describeInstances(
          new m.DescribeInstancesRequest({ regionId, instanceIds: JSON.stringify([instanceId]), maxResults: 10 }),
        );
    });
    const i = r.body?.instances?.instance?.find((x) => x.instanceId === instanceId);
    if (!i) {
      throw new CloudError({
        code: 'InvalidInstanceId.NotFound',
        service: 'ecs',
        action: 'DescribeInstances',
        status: 404,
        message: l10n.t('Instance {0} was not found in {1}.', instanceId, regionId),
      });
    }
    return {
      instanceId,
      instanceName: i.instanceName ?? '',
      regionId,
      status: i.status ?? '',
      osType: i.OSType ?? 'linux',
      osName: i.OSName ?? '',
      networkType: i.instanceNetworkType ?? '',
      publicIp: i.publicIpAddress?.ipAddress?.[0] || undefined,
      eip: i.eipAddress?.ipAddress || undefined,
      privateIp: i.vpcAttributes?.privateIpAddress?.ipAddress?.[0] || i.innerIpAddress?.ipAddress?.[0] || undefined,
      keyPairName: i.keyPairName || undefined,
      loginAsNonRoot: !!i.imageOptions?.loginAsNonRoot,
      securityGroupIds: i.securityGroupIds?.securityGroupId ?? [],
    };
  }

  /**
   * Inbound rules of one group, normalized for the SSH check; read by the same
   * DescribeSecurityGroupAttribute reader as Instance Properties.
   */
  async ingressRules(regionId: string, securityGroupId: string): Promise<SecurityGroupRule[]> {
    const { rules } = await new EcsApi(this.session).describeSecurityGroupRules(regionId, securityGroupId, 'ingress');
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return rules.map((p) => ({
      securityGroupId,
      direction: str(p.Direction) ?? 'ingress',
      ipProtocol: (str(p.IpProtocol) ?? '').toUpperCase(),
      portRange: str(p.PortRange) ?? '',
      sourceCidrIp:
        str(p.SourceCidrIp) || str(p.Ipv6SourceCidrIp) || str(p.SourceGroupId) || str(p.SourcePrefixListId) || '',
      policy: str(p.Policy) ?? 'Accept',
      priority: Number(p.Priority) || 1,
    }));
  }
}
