/**
 * Before "Connect with Remote-SSH" writes anything: can this machine reach the instance over SSH?
 * Each problem comes with what it means and how to fix it, read fresh from ECS: the instance is
 * not Running; it has no public address (allocate one, bind an EIP, or go through a bastion);
 * no security-group rule lets TCP 22 in; the key pair's private key is not on this machine.
 *
 * Security groups (ECS "Security group rules"): rules are ordered by Priority (1 first), and at
 * the same priority Drop wins over Accept; a group with no matching inbound rule refuses. We can
 * judge "from anywhere" (0.0.0.0/0, ::/0); rules for narrower sources are reported as such, since
 * only the user knows whether their address is among them.
 */
import * as fs from 'node:fs';
import type { Cloud } from '../cloud';
import { ConnectivityApi, type ConnectInfo, type SecurityGroupRule } from '../cloud/connectivity';
import { l10n } from '../cloud/l10n';
import { assertKeyPairName, configPathValue, guessIdentityFile, hostAlias, loginUser } from './sshConfig';

export type ProblemId = 'notRunning' | 'noPublicIp' | 'noSshRule' | 'sshRestricted' | 'keyNotFound' | 'windows';

export interface PreflightProblem {
  id: ProblemId;
  /** Connecting cannot work until it is fixed (the others may be fine, e.g. a VPN to the source range). */
  blocking: boolean;
  message: string;
  explanation: string;
  fix: string;
}

export interface ConnectPlan {
  info: ConnectInfo;
  alias: string;
  /** The address to write as HostName: the EIP, else the public IP; undefined when there is none. */
  host?: string;
  user: string;
  /** The key pair's private key as the ssh config should name it, if the instance has a key pair. */
  identityFile?: string;
  problems: PreflightProblem[];
}

export interface PreflightOptions {
  /** Where private keys are looked for: the directory of the ssh config in use. */
  sshDir: string;
  home?: string;
  exists?: (p: string) => boolean;
}

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

function coversSsh(r: SecurityGroupRule): boolean {
  if (r.direction !== 'ingress' || (r.ipProtocol !== 'TCP' && r.ipProtocol !== 'ALL')) {
    return false;
  }
  const [from, to] = r.portRange.split('/').map(Number);
  return (from === -1 && to === -1) || (from <= 22 && 22 <= to);
}

/** How TCP 22 from the internet fares across the instance's groups. */
export function sshAccess(rules: SecurityGroupRule[]): {
  open: boolean;
  dropRule?: SecurityGroupRule;
  narrowSources: string[];
} {
  const relevant = rules
    .filter(coversSsh)
    .sort((a, b) => a.priority - b.priority || (a.policy === 'Drop' ? -1 : 0) - (b.policy === 'Drop' ? -1 : 0));
  const decisive = relevant.find((r) => ANYWHERE.has(r.sourceCidrIp));
  const narrowSources = [
    ...new Set(
      relevant.filter((r) => r.policy === 'Accept' && !ANYWHERE.has(r.sourceCidrIp)).map((r) => r.sourceCidrIp),
    ),
  ];
  if (decisive?.policy === 'Accept') {
    return { open: true, narrowSources };
  }
  return { open: false, dropRule: decisive, narrowSources };
}

export async function preflightConnect(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  o: PreflightOptions,
): Promise<ConnectPlan> {
  const api = new ConnectivityApi(cloud.session);
  const info = await api.describeInstance(regionId, instanceId);
  const name = info.instanceName || info.instanceId;
  const problems: PreflightProblem[] = [];

  if (info.status !== 'Running') {
    const fix =
      info.status === 'Stopped'
        ? l10n.t('Start the instance (ECS console, or StartInstance), wait until it shows Running, then connect again.')
        : l10n.t('Wait until the ECS view shows it Running, then connect again.');
    problems.push({
      id: 'notRunning',
      blocking: true,
      message: l10n.t('{0} is {1}, not Running.', name, info.status),
      explanation: l10n.t('Only a running instance answers SSH.'),
      fix,
    });
  }

  const host = info.eip ?? info.publicIp;
  if (!host) {
    problems.push({
      id: 'noPublicIp',
      blocking: true,
      message: l10n.t('{0} has no public IP address.', name),
      explanation: info.privateIp
        ? l10n.t('Its private address {0} is reachable only from inside its VPC.', info.privateIp)
        : l10n.t('It has no address this machine can reach.'),
      fix: l10n.t(
        'Allocate a public IP (AllocatePublicIpAddress, for an instance with outbound bandwidth), bind an Elastic IP (AssociateEipAddress), or connect through a bastion host or VPN in the VPC and use the private IP.',
      ),
    });
  }

  const rules = (await Promise.all(info.securityGroupIds.map((g) => api.ingressRules(regionId, g)))).flat();
  const ssh = sshAccess(rules);
  const groups = info.securityGroupIds.join(', ') || '-';
  if (!ssh.open && ssh.narrowSources.length) {
    problems.push({
      id: 'sshRestricted',
      blocking: false,
      message: l10n.t('TCP 22 is allowed only from {0}.', ssh.narrowSources.join(', ')),
      explanation: l10n.t('The security groups of {0} ({1}) let SSH in from those sources only.', name, groups),
      fix: l10n.t(
        'Connect from an address in that range (office network, VPN, bastion), or add an inbound rule for TCP 22/22 from your public address in {0}.',
        groups,
      ),
    });
  } else if (!ssh.open) {
    problems.push({
      id: 'noSshRule',
      blocking: true,
      message: l10n.t('No security group rule allows inbound TCP 22 to {0}.', name),
      explanation: ssh.dropRule
        ? l10n.t(
            'A Drop rule (priority {0}) in {1} refuses SSH from anywhere.',
            ssh.dropRule.priority,
            ssh.dropRule.securityGroupId,
          )
        : l10n.t(
            'Security groups {0} have no inbound rule for TCP 22, and a security group refuses what no rule allows.',
            groups,
          ),
      fix: l10n.t(
        'Add an inbound rule to {0}: TCP, port range 22/22, source your public address (x.x.x.x/32) — ECS console > Security Groups > Add Rule, or AuthorizeSecurityGroup.',
        info.securityGroupIds[0] ?? groups,
      ),
    });
  }

  let identityFile: string | undefined;
  if (info.keyPairName) {
    // The name becomes a file path and an IdentityFile line: only in its documented shape.
    assertKeyPairName(info.keyPairName);
    const key = guessIdentityFile(info.keyPairName, o.sshDir, o.exists ?? fs.existsSync);
    identityFile = configPathValue(key.path, o.home);
    if (!key.found) {
      problems.push({
        id: 'keyNotFound',
        blocking: false,
        message: l10n.t('The private key of key pair {0} is not on this machine.', info.keyPairName),
        explanation: l10n.t(
          '{0} was created with key pair {1}; there is no {2} here.',
          name,
          info.keyPairName,
          key.path,
        ),
        fix: l10n.t(
          'Save the .pem file you downloaded when you created the key pair as {0} (readable by you only), or change IdentityFile in the entry afterwards.',
          key.path,
        ),
      });
    }
  }

  if (info.osType.toLowerCase() === 'windows') {
    problems.push({
      id: 'windows',
      blocking: false,
      message: l10n.t('{0} runs Windows.', name),
      explanation: l10n.t(
        'Remote-SSH needs an OpenSSH server on the instance; Windows images do not start one by default.',
      ),
      fix: l10n.t(
        'On the instance, install and start OpenSSH Server (Add-WindowsCapability -Online -Name OpenSSH.Server; Start-Service sshd), or use Remote Desktop.',
      ),
    });
  }

  return {
    info,
    alias: hostAlias(info.instanceName, info.instanceId),
    host,
    user: loginUser(info),
    identityFile,
    problems,
  };
}
