// aliyun CLI profiles beyond keys and roles, in the real extension host: a config.json with
// ChainableRamRoleArn, External and an expired CloudSSO sign-in is picked up from
// ALIBABA_CLOUD_CLI_CONFIG; "Use aliyun CLI Profile" selects the chained one and the sandbox's RAM
// roles are listed through it; the External one runs its command only after the (scripted) user
// allowed it, once; the CloudSSO one explains which aliyun command to run.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sandboxEndpoints } from '../../../src/cloud/profile';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { sandboxInfo, waitFor, extensionApi as api } from './helpers';
import type { HostTest } from './runner';

const ROLE = 'E2eChainTarget';

export const profileTests: HostTest[] = [
  {
    name: 'ChainableRamRoleArn, External and CloudSSO profiles from the aliyun CLI config',
    timeoutMs: 90_000,
    async run() {
      const a = await api();
      const info = sandboxInfo();
      const profiles = a.services.profiles;
      const admin = await profiles.cloudFor(profiles.list().find((p) => p.id === 'sandbox:Sandbox')!);
      const trust = JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${info.accountId}:root`] } },
        ],
      });
      await admin.ram.createRole(ROLE, trust).catch((e: { code?: string }) => {
        if (e.code !== 'EntityAlreadyExists.Role') {
          throw e;
        }
      });
      await admin.ram.attachPolicyToRole(ROLE, 'AliyunRAMReadOnlyAccess', 'System').catch(() => undefined);
      await admin.ram
        .attachPolicyToUser(info.subAccount.userName, 'AliyunSTSAssumeRoleAccess', 'System')
        .catch(() => undefined);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cli-modes-'));
      const marker = path.join(dir, 'ran');
      const script = path.join(dir, 'creds.js');
      fs.writeFileSync(
        script,
        `require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); process.stdout.write(JSON.stringify({ mode: 'AK', access_key_id: ${JSON.stringify(info.subAccount.accessKeyId)}, access_key_secret: ${JSON.stringify(info.subAccount.accessKeySecret)} }))`,
      );
      const command = `"${process.execPath}" "${script}"`;
      const file = path.join(dir, 'config.json');
      const past = Math.floor(Date.now() / 1000) - 60;
      fs.writeFileSync(
        file,
        JSON.stringify({
          current: 'e2e-base',
          profiles: [
            {
              name: 'e2e-base',
              mode: 'AK',
              access_key_id: info.subAccount.accessKeyId,
              access_key_secret: info.subAccount.accessKeySecret,
              region_id: 'cn-hangzhou',
            },
            {
              name: 'e2e-chain',
              mode: 'ChainableRamRoleArn',
              source_profile: 'e2e-base',
              ram_role_arn: `acs:ram::${info.accountId}:role/${ROLE}`,
              ram_session_name: 'e2e',
              region_id: 'cn-hangzhou',
            },
            { name: 'e2e-ext', mode: 'External', process_command: command, region_id: 'cn-hangzhou' },
            // The same command under other names: new providers, so each run asks the approvals again.
            { name: 'e2e-ext2', mode: 'External', process_command: command, region_id: 'cn-hangzhou' },
            { name: 'e2e-ext3', mode: 'External', process_command: command, region_id: 'cn-hangzhou' },
            {
              name: 'e2e-sso',
              mode: 'CloudSSO',
              cloud_sso_access_token_expire: past + 7200,
              sts_expiration: past,
              region_id: 'cn-hangzhou',
            },
          ],
        }),
        { mode: 0o600 },
      );
      const root = vscode.workspace.getConfiguration('alibabaCloud');
      const endpoints = sandboxEndpoints(info.endpoint);
      await root.update(
        'endpointOverrides',
        { 'e2e-chain': endpoints, 'e2e-ext': endpoints, 'e2e-ext2': endpoints, 'e2e-ext3': endpoints },
        vscode.ConfigurationTarget.Global,
      );
      const before = process.env.ALIBABA_CLOUD_CLI_CONFIG;
      process.env.ALIBABA_CLOUD_CLI_CONFIG = file;
      try {
        const listed = profiles.list().filter((p) => p.source === 'cli');
        assert.deepEqual(
          listed.map((p) => `${p.name}:${p.mode}:${p.supported}`),
          [
            'e2e-base:AK:true',
            'e2e-chain:ChainableRamRoleArn:true',
            'e2e-ext:External:true',
            'e2e-ext2:External:true',
            'e2e-ext3:External:true',
            'e2e-sso:CloudSSO:false',
          ],
        );
        assert.match(
          listed[5].reason ?? '',
          /`aliyun sts GetCallerIdentity --profile e2e-sso`/,
          'says what to run instead',
        );

        // "Use aliyun CLI Profile" → the chained profile; RAM roles listed as the assumed role.
        const prompter = a.useScriptedPrompter();
        prompter.enqueue('e2e-chain');
        await vscode.commands.executeCommand('alibabaCloud.importCliProfile');
        assert.equal(profiles.active()?.id, 'cli:e2e-chain');
        const { cloud } = await a.services.cloud();
        const who = await cloud.whoAmI();
        assert.equal(who.identityType, 'AssumedRoleUser');
        assert.match(who.arn, new RegExp(`role/${ROLE}/e2e$`, 'i'));
        const roles = await waitFor('the roles through the chained profile', async () => {
          const names = (await cloud.ram.listRoles()).items.map((r) => r.roleName);
          return names.includes(ROLE) && names.includes(DEMO.seededRole) ? names : undefined;
        });
        assert.ok(roles.length >= 2);

        // External: asked once, naming the command; the command runs only after that.
        assert.ok(!fs.existsSync(marker));
        prompter.enqueue('e2e-ext', true);
        await vscode.commands.executeCommand('alibabaCloud.importCliProfile');
        const ext = (await a.services.cloud()).cloud;
        assert.equal((await ext.whoAmI()).identityType, 'RAMUser');
        const detail = prompter.details.join('\n');
        assert.ok(
          prompter.asked.includes('confirm:Run the credential command of profile "e2e-ext"?'),
          prompter.asked.join(' | '),
        );
        assert.ok(detail.includes(command), 'the question names the command');
        assert.equal(fs.readFileSync(marker, 'utf8'), 'x');
        // A fresh cloud for the same command does not ask again on this machine.
        await profiles.select('cli:e2e-chain');
        prompter.enqueue('e2e-ext');
        await vscode.commands.executeCommand('alibabaCloud.importCliProfile');
        await (await a.services.cloud()).cloud.whoAmI();
        const asks = () => prompter.asked.filter((q) => q.startsWith('confirm:Run the credential command')).length;
        assert.equal(asks(), 1);
        assert.ok(
          detail.includes(file) && detail.includes(`Program: ${process.execPath}`),
          'the question names the config file and the resolved program',
        );

        // The approval is bound to this machine: one recorded elsewhere (a remote sharing this
        // globalState) does not let the command run here without asking.
        const [mine] = profiles.approvedCommands();
        assert.deepEqual(
          [mine.configPath, mine.program, mine.command, mine.profile],
          [file, process.execPath, command, 'e2e-ext'],
        );
        await a.services.context.globalState.update('alibabaCloud.approvedCredentialCommands', [
          { ...mine, machine: 'ssh-remote|elsewhere|other-id' },
        ]);
        prompter.enqueue('e2e-ext2', true);
        await vscode.commands.executeCommand('alibabaCloud.importCliProfile');
        await (await a.services.cloud()).cloud.whoAmI();
        assert.equal(asks(), 2);
        assert.equal(profiles.approvedCommands().length, 2);

        // Forget Approved Credential Commands lists both (one from another machine), withdraws them,
        // and the next run of the command asks again before it runs.
        prompter.enqueue([command]);
        const forgot = (await vscode.commands.executeCommand('alibabaCloud.forgetApprovedCredentialCommands')) as {
          forgotten: number;
        };
        const offered = prompter.offered.at(-1)!;
        assert.deepEqual(
          offered.map((i) => i.label),
          [command, command],
        );
        assert.deepEqual(
          offered.map((i) => /another machine/.test(i.description ?? '')),
          [true, false],
        );
        assert.equal(forgot.forgotten, 2);
        assert.deepEqual(profiles.approvedCommands(), []);
        const runs = fs.readFileSync(marker, 'utf8').length;
        prompter.enqueue('e2e-ext3', true);
        await vscode.commands.executeCommand('alibabaCloud.importCliProfile');
        await (await a.services.cloud()).cloud.whoAmI();
        assert.equal(asks(), 3);
        assert.equal(fs.readFileSync(marker, 'utf8').length, runs + 1);
      } finally {
        if (before === undefined) {
          delete process.env.ALIBABA_CLOUD_CLI_CONFIG;
        } else {
          process.env.ALIBABA_CLOUD_CLI_CONFIG = before;
        }
        await root.update('endpointOverrides', undefined, vscode.ConfigurationTarget.Global);
        await a.services.context.globalState.update('alibabaCloud.approvedCredentialCommands', undefined);
        await profiles.select('sandbox:Sandbox');
        fs.rmSync(dir, { recursive: true, force: true });
        // The sandbox is shared with later suites: leave alice and the role list as they were.
        await admin.ram
          .detachPolicyFromUser(info.subAccount.userName, 'AliyunSTSAssumeRoleAccess', 'System')
          .catch(() => undefined);
        await admin.ram.detachPolicyFromRole(ROLE, 'AliyunRAMReadOnlyAccess', 'System').catch(() => undefined);
        await admin.ram.deleteRole(ROLE).catch(() => undefined);
      }
    },
  },
];
