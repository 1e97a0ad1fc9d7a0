/**
 * Inbound rules that open a remote-login port to the whole internet. Alibaba Cloud's security group
 * guidance ("Security group application guide and cases", ECS documentation) advises against
 * allowing 0.0.0.0/0 on SSH (22) and RDP (3389); the console flags the same rules.
 */
import { l10n } from './l10n';

/** A DescribeSecurityGroupAttribute permission (Policy, IpProtocol, PortRange, SourceCidrIp, Ipv6SourceCidrIp). */
export type IngressRule = Record<string, unknown>;

const LOGIN_PORTS: Array<[number, string]> = [
  [22, 'SSH'],
  [3389, 'RDP'],
];

/** The ports a rule's "from/to" PortRange covers (-1/-1 means every port, as with protocol ALL). */
function covers(range: string | undefined, port: number): boolean {
  const m = /^(-?\d+)\/(-?\d+)$/.exec(range ?? '');
  if (!m) {
    return false;
  }
  const [from, to] = [Number(m[1]), Number(m[2])];
  return (from === -1 && to === -1) || (from <= port && port <= to);
}

/** One sentence per remote-login port a rule opens to any address, e.g. "SSH (port 22) is open to 0.0.0.0/0 …". */
export function openToTheInternet(rule: IngressRule): string[] {
  const field = (k: string) => (typeof rule[k] === 'string' ? (rule[k] as string) : '');
  const anywhere =
    field('SourceCidrIp') === '0.0.0.0/0' ? '0.0.0.0/0' : field('Ipv6SourceCidrIp') === '::/0' ? '::/0' : '';
  const protocol = field('IpProtocol').toUpperCase();
  if (
    !anywhere ||
    (field('Policy') || 'Accept').toLowerCase() !== 'accept' ||
    (protocol !== 'TCP' && protocol !== 'ALL')
  ) {
    return [];
  }
  return LOGIN_PORTS.filter(([port]) => covers(field('PortRange'), port)).map(([port, name]) =>
    l10n.t(
      '{0} (port {1}) is open to {2}, the whole internet: anyone can try to log in. Limit the source to the addresses you connect from.',
      name,
      port,
      anywhere,
    ),
  );
}
