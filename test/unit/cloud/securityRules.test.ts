import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openToTheInternet } from '../../../src/cloud/securityRules';

describe('openToTheInternet', () => {
  it('flags SSH and RDP open to any address, and nothing narrower', () => {
    const open = (r: object) => openToTheInternet({ Policy: 'Accept', IpProtocol: 'TCP', ...r });
    assert.match(
      open({ PortRange: '22/22', SourceCidrIp: '0.0.0.0/0' })[0],
      /^SSH \(port 22\) is open to 0\.0\.0\.0\/0/,
    );
    assert.match(open({ PortRange: '3389/3389', Ipv6SourceCidrIp: '::/0' })[0], /^RDP \(port 3389\) is open to ::\/0/);
    assert.equal(open({ PortRange: '1/65535', SourceCidrIp: '0.0.0.0/0' }).length, 2);
    assert.equal(
      openToTheInternet({ Policy: 'Accept', IpProtocol: 'ALL', PortRange: '-1/-1', SourceCidrIp: '0.0.0.0/0' }).length,
      2,
    );
    assert.deepEqual(open({ PortRange: '22/22', SourceCidrIp: '203.0.113.7/32' }), []);
    assert.deepEqual(open({ PortRange: '80/80', SourceCidrIp: '0.0.0.0/0' }), []);
    assert.deepEqual(open({ PortRange: '22/22', SourceCidrIp: '0.0.0.0/0', Policy: 'Drop' }), []);
    assert.deepEqual(open({ PortRange: '22/22', SourceCidrIp: '0.0.0.0/0', IpProtocol: 'UDP' }), []);
  });
});
