/**
 * What to do on the instance once it has its role: connect with Remote-SSH, check the role's
 * temporary credentials through the metadata service (hardened mode), and use them with OSS.
 * Shown as a Markdown preview tailored to the instance; offered by the wizard's closing message.
 */
import * as vscode from 'vscode';
import type { ReadOnlyDocuments } from '../readOnlyDocument';
import { showNotice } from '../prompt';

export interface ConnectTarget {
  instanceId: string;
  roleName: string;
  regionId?: string;
  publicIp?: string;
  privateIp?: string;
}

export function connectGuide(t: ConnectTarget): string {
  const host = t.publicIp ?? t.privateIp ?? '<instance-ip>';
  const region = t.regionId ?? '<region>';
  return [
    `# ${vscode.l10n.t('Use role {0} on {1}', t.roleName, t.instanceId)}`,
    '',
    `## ${vscode.l10n.t('1. Connect with Remote-SSH')}`,
    vscode.l10n.t(
      'Run "Alibaba Cloud: Connect with Remote-SSH" on the instance: it checks the instance can be reached, writes an ssh config entry and opens a window. By hand: install the Remote - SSH extension, run "Remote-SSH: Connect to Host…" and enter:',
    ),
    '',
    '```',
    `root@${host}`,
    '```',
    '',
    t.publicIp
      ? ''
      : vscode.l10n.t('The instance has no public IP: connect through a bastion host or VPN, or allocate a public IP.'),
    vscode.l10n.t(
      'The security group must allow inbound TCP 22 from your address. Once connected, install this extension on the instance ("Install in SSH: …"): it then uses the instance role itself, with no AccessKey.',
    ),
    '',
    `## ${vscode.l10n.t('2. Check the credentials on the instance')}`,
    vscode.l10n.t(
      'The metadata service hands out temporary credentials for the role (hardened mode: get a token first):',
    ),
    '',
    '```sh',
    'TOKEN=$(curl -s -X PUT "http://100.100.100.200/latest/api/token" -H "X-aliyun-ecs-metadata-token-ttl-seconds: 300")',
    `curl -s -H "X-aliyun-ecs-metadata-token: $TOKEN" http://100.100.100.200/latest/meta-data/ram/security-credentials/${t.roleName}`,
    '```',
    '',
    vscode.l10n.t(
      'The answer has AccessKeyId, AccessKeySecret, SecurityToken and Expiration; they rotate before they expire, so read them again instead of storing them.',
    ),
    '',
    `## ${vscode.l10n.t('3. Use them with OSS')}`,
    '',
    '```js',
    "const OSS = require('ali-oss');",
    `const client = new OSS({ region: 'oss-${region}', accessKeyId, accessKeySecret, stsToken: securityToken, bucket: '<bucket>' });`,
    "const result = await client.list({ 'max-keys': 10 });",
    '```',
    '',
    vscode.l10n.t(
      'Or, from the VS Code window connected to the instance, run "Alibaba Cloud: Diagnose Instance Credentials".',
    ),
    vscode.l10n.t(
      'Without logging in: "Alibaba Cloud: Verify Role on Instance" runs this check on the instance through Cloud Assistant.',
    ),
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
}

/**
 * A read-only editor rather than the Markdown preview: its commands can be selected and copied,
 * typing is refused ("Cannot edit in read-only editor") and closing never asks to save.
 */
export async function showConnectGuide(docs: ReadOnlyDocuments, t: ConnectTarget): Promise<void> {
  await docs.show(`/connect/${t.instanceId}.md`, connectGuide(t));
}

/** The closing message of the wizard and of "Create Instance": how to connect, copy the id. */
export function offerNextSteps(docs: ReadOnlyDocuments, message: string, t: ConnectTarget): void {
  const connect = vscode.l10n.t('Connect with Remote-SSH');
  const how = vscode.l10n.t('How to Connect');
  const copy = vscode.l10n.t('Copy Instance ID');
  const code = vscode.l10n.t('Insert Code That Uses the Role');
  void showNotice('info', message, connect, how, code, copy).then(async (choice) => {
    if (choice === code) {
      await vscode.commands.executeCommand('alibabaCloud.insertRoleCode', { roleName: t.roleName });
    }
    if (choice === connect) {
      await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
        regionId: t.regionId,
        instanceId: t.instanceId,
      });
    }
    if (choice === how) {
      await showConnectGuide(docs, t);
    }
    if (choice === copy) {
      await vscode.env.clipboard.writeText(t.instanceId);
    }
  });
}
