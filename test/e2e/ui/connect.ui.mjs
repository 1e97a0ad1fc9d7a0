// From the instance node to the instance, as a person does it (runs after flow 1, while demo-web-1
// still has no role and the sandbox profile is the identity):
//   1. "Verify Role on Instance" from the palette on demo-worker-1 with bucket demo-data: the
//      identity view shows the role, its expiry and that listing works; on demo-web-1: no role;
//   2. "Connect with Remote-SSH" on demo-web-1: the confirmation shows the entry, which is then
//      written to the run's temp ssh config (alibabaCloud.ssh.configFile, never ~/.ssh/config);
//      A browser build cannot install Remote-SSH, so the ssh command is offered instead;
//   3. the same on demo-worker-1, which has no public IP, through Session Manager: the pre-flight
//      (with its fixes, and turning Session Manager on), the entry with our bridge as ProxyCommand
//      in the confirmation, then shown in the editor ("Show the Entry").
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as contributes from '../lib/manifest.mjs';
import { sandboxControl } from '../lib/sandbox.mjs';

const WEB = 'i-bp1sandboxvpc000001';
const WORKER = 'i-bp1sandboxvpc000002';
const ROLE = 'DemoEcsOssReader';
let sshDir;

/** The UI run's ssh config: a file in a fresh temp directory. */
export function connectSettings() {
  sshDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ui-ssh-'));
  fs.writeFileSync(path.join(sshDir, 'config'), 'Host github.com\n    User git\n', { mode: 0o600 });
  return { 'alibabaCloud.ssh.configFile': path.join(sshDir, 'config') };
}

const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;
const command = (id) => contributes.paletteCommands().find((x) => x.id === id).label;
const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;

async function waitForRow(page, ui, viewName, re, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await ui.treeItems(page, viewName, { minCount: 0 }).catch(() => []);
    const hit = rows.find((r) => re.test(r.label ?? ''));
    if (hit) return { hit, rows };
    if (Date.now() > deadline)
      throw new Error(`no row ${re} in ${viewName}: ${JSON.stringify(rows.map((r) => r.label))}`);
    await page.waitForTimeout(200);
  }
}

/** Collapses an expanded tree row (by its twistie). */
async function collapseRow(page, ui, viewName, label) {
  const row = ui.treeRow(page, viewName, label);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
  await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'false', await row.elementHandle(), {
    timeout: 5000,
  });
}

export const connectUiTests = [
  {
    name: 'connect 1: "Verify Role on Instance" shows demo-worker-1\'s role and expiry, and "no role" for demo-web-1',
    // Two Cloud Assistant runs with realistic delays: 85 s once at load average 27, so more room.
    timeoutMs: 150_000,
    async run({ page, ui, step, log }) {
      const identity = view('alibabaCloud.identity');
      await ui.openViewContainer(page, CONTAINER());
      await ui.expandView(page, identity);
      // Room for the results, which come last in the identity view (only rendered rows are seen).
      await collapseRow(page, ui, identity, /^\s*Instance role: /);
      await collapseRow(page, ui, identity, 'Sandbox');
      await ui.runCommand(page, command('alibabaCloud.ecs.verifyRole'));
      await ui.waitForPrompt(page, { placeholder: /Select an ECS instance/ });
      await ui.typeAndPick(page, 'demo-worker-1', /demo-worker-1$/);
      await ui.waitForPrompt(page, { placeholder: /list a bucket/ });
      await ui.typeAndPick(page, 'demo-data', /^demo-data$/);
      const done = await ui.waitForNotification(page, /^demo-worker-1 has role /, 60_000);
      log(`  ${done}`);
      assert.match(
        done,
        new RegExp(
          `^demo-worker-1 has role ${ROLE}; its credentials expire at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\S*; listing demo-data works\\.$`,
        ),
      );
      const { hit, rows } = await waitForRow(page, ui, identity, new RegExp(`^Role on demo-worker-1: ${ROLE}$`));
      log(`  identity: ${rows.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(' | ')}`);
      assert.match(hit.description ?? '', /^expires \d{4}-/);
      // The result's summary row (rows further down may be outside the view's visible height).
      assert.ok(
        rows.some((r) => /; listing demo-data works\.$/.test(r.label ?? '')),
        'the summary row under the result',
      );
      await step('connect-verify-role-worker');
      await ui.clearNotifications(page);

      await ui.runCommand(page, command('alibabaCloud.ecs.verifyRole'));
      await ui.waitForPrompt(page, { placeholder: /Select an ECS instance/ });
      await ui.typeAndPick(page, 'demo-web-1', /demo-web-1$/);
      await ui.waitForPrompt(page, { placeholder: /list a bucket/ });
      await ui.typeAndPick(page, 'Skip the OSS', /^Skip the OSS check$/);
      const none = await ui.waitForNotification(page, /^demo-web-1 has no RAM role\./, 60_000);
      log(`  ${none}`);
      await waitForRow(page, ui, identity, /^No role on demo-web-1$/);
      await step('connect-verify-role-none');
      await ui.clearNotifications(page);
    },
  },
  {
    name: 'connect 2: "Connect with Remote-SSH" on demo-web-1 confirms, writes the entry, and (no Marketplace in a browser build) offers the ssh command',
    timeoutMs: 90_000,
    async run({ page, ui, step, log }) {
      await ui.runCommand(page, command('alibabaCloud.ecs.connectRemoteSsh'));
      await ui.waitForPrompt(page, { placeholder: /Select an ECS instance/ });
      await ui.typeAndPick(page, 'demo-web-1', /demo-web-1$/);
      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  ${dialog.message} | ${dialog.detail.replace(/\n/g, ' | ')}`);
      assert.equal(dialog.message, 'Write an SSH entry for demo-web-1 and open it with Remote-SSH?');
      assert.match(dialog.detail, new RegExp(`Host demo-web-1\\.${WEB}`));
      assert.match(dialog.detail, /HostName 47\.96\.0\.10/);
      assert.match(dialog.detail, /The private key of key pair demo-key is not on this machine\./);
      await step('connect-confirm');
      await ui.answerDialog(page, 'Connect');
      const missing = await ui.waitForDialog(page, 30_000);
      // A browser build has no Microsoft Marketplace: the ssh command instead of an install that cannot work.
      assert.equal(missing.message, 'Remote - SSH needs desktop Visual Studio Code.');
      assert.ok(
        missing.buttons.includes('Copy ssh Command') && missing.buttons.includes('Open in Terminal'),
        missing.buttons.join(', '),
      );
      assert.ok(!missing.buttons.includes('Install Remote - SSH'), missing.buttons.join(', '));
      await step('connect-remote-ssh-missing');
      await ui.answerDialog(page, 'Cancel');
      const text = fs.readFileSync(path.join(sshDir, 'config'), 'utf8');
      log(`  ssh config now:\n${text.replace(/^/gm, '    ')}`);
      assert.ok(text.startsWith('Host github.com\n    User git\n'));
      assert.match(
        text,
        new RegExp(`Host demo-web-1\\.${WEB}\\n(?:.*\\n)*? {4}HostName 47\\.96\\.0\\.10\\n {4}User root`),
      );
    },
  },
  {
    name: 'connect 3: "Connect with Remote-SSH" on demo-worker-1 (no public IP) through Session Manager: the pre-flight, the entry with the bridge, read from the screen',
    timeoutMs: 180_000,
    async run({ page, ui, step, log, sandbox }) {
      // The instance's host key, which the extension reads on it through Cloud Assistant.
      const raw = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x, 'base64url');
      const str = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
      const hostKey = `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')}`;
      const mapped = await sandboxControl(sandbox, 'instance-port', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ map: `${WORKER}:22=127.0.0.1:9`, hostKey }),
      });
      assert.equal(mapped.status, 200);

      // Whatever an earlier test left open would hide the palette.
      await ui.closeQuickInput(page).catch(() => {});
      await ui.runCommand(page, command('alibabaCloud.ecs.connectRemoteSsh'));
      await ui.waitForPrompt(page, { placeholder: /Select an ECS instance/ });
      await ui.typeAndPick(page, 'demo-worker-1', /demo-worker-1$/);
      const noIp = await ui.waitForDialog(page, 30_000);
      log(`  ${noIp.message} | ${noIp.buttons.join(', ')}`);
      assert.equal(noIp.message, 'demo-worker-1 has no public IP address.');
      assert.ok(noIp.buttons.includes('Connect through Session Manager'), noIp.buttons.join(', '));
      // The dialog focuses its default button: the way that needs no address and bills nothing.
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
      assert.equal(focused, 'Connect through Session Manager');
      assert.match(noIp.detail, /Fix: /);
      assert.match(noIp.detail, /Session Manager needs neither/);
      await step('connect-sm-preflight');
      await ui.answerDialog(page, 'Connect through Session Manager');

      let next = await ui.waitForDialog(page, 60_000);
      // Off in a new account; the in-host suite may have turned it on already in this sandbox.
      if (/^Enable Session Manager for account/.test(next.message)) {
        log(`  ${next.message} | ${next.detail.replace(/\n/g, ' | ')}`);
        assert.match(next.detail, /ModifyCloudAssistantSettings/);
        await step('connect-sm-enable');
        await ui.answerDialog(page, 'Enable Session Manager');
        next = await ui.waitForDialog(page, 60_000);
      }
      log(`  ${next.message} | ${next.detail.replace(/\n/g, ' | ')}`);
      assert.equal(next.message, 'Write an SSH entry for demo-worker-1 and open it with Remote-SSH?');
      assert.match(next.detail, new RegExp(`Host demo-worker-1\\.${WORKER}`));
      assert.match(next.detail, new RegExp(`HostName ${WORKER}`));
      assert.match(next.detail, /ProxyCommand env ELECTRON_RUN_AS_NODE=1 ".+" ".+sessionBridge\.js" --channel /);
      assert.match(next.detail, /config_ecs_instance_connect/);
      assert.doesNotMatch(next.detail, /wss?:\/\/|token/i);
      await step('connect-sm-confirm');
      await ui.answerDialog(page, 'Connect');

      const missing = await ui.waitForDialog(page, 60_000);
      assert.equal(missing.message, 'Remote - SSH needs desktop Visual Studio Code.');
      assert.ok(missing.buttons.includes('Show the Entry'), missing.buttons.join(', '));
      await ui.answerDialog(page, 'Show the Entry');
      // The written entry, as the editor shows the user's ssh config.
      let shown = '';
      for (let i = 0; i < 50 && !/ProxyCommand/.test(shown); i++) {
        await page.waitForTimeout(200);
        shown = await ui.activeEditorText(page);
      }
      log(`  editor:\n${shown.replace(/^/gm, '    ')}`);
      assert.match(shown, new RegExp(`Host demo-worker-1\\.${WORKER}`));
      assert.match(shown, /ProxyCommand env ELECTRON_RUN_AS_NODE=1 /);
      assert.match(shown, /User ecs-user/);
      assert.doesNotMatch(shown, /wss?:\/\/|token/i);
      await step('connect-sm-entry');
      const text = fs.readFileSync(path.join(sshDir, 'config'), 'utf8');
      assert.match(text, new RegExp(`Host demo-worker-1\\.${WORKER}\\n(?:.*\\n)*? {4}HostName ${WORKER}\\n`));
      await ui.runCommand(page, 'View: Close Editor');
      fs.rmSync(sshDir, { recursive: true, force: true });
    },
  },
];
