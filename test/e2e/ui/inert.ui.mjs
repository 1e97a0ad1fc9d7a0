// Object keys are written by whoever can write the bucket, and VS Code turns `[label](command:id)`
// in a notification into a link that runs that command (linkedText.ts). An object whose key carries
// such a link, a save that fails: the "Not saved to …" toast names the key as text, with no
// `command:` link in the DOM (src/cloud/inert.ts, applied by showNotice in src/ui/prompt.ts).
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox, ossClient, sandboxControl } from '../lib/sandbox.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;
// From src/sandbox/seed/demo.ts (DEMO): a bucket whose top level no other test lists exactly.
const BUCKET = 'demo-shanghai-logs';
const REGION = 'cn-shanghai';
const NAME = '[run](command:workbench.action.terminal.sendSequence).txt';

const bucket = (sandbox) => ossClient(sandbox, BUCKET, REGION);
/** VS Code draws `$(name)` as an icon in status bar texts and quick picks: a key that would turn into one. */
const ICON_KEY = '$(debug) evil.txt';

export const inertTests = [
  {
    name: 'untrusted text: a key carrying a command link shows as text in the "Not saved" toast, never as a link',
    timeoutMs: 120_000,
    async run({ page, ui, step, log, sandbox }) {
      const client = bucket(sandbox);
      await client.put(NAME, Buffer.from('hello\n'));
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      try {
        await ui.openViewContainer(page, CONTAINER());
        for (const v of [ram, ecs, identity]) await ui.collapseView(page, v).catch(() => {});
        await ui.expandView(page, oss);
        await ui
          .runCommand(page, contributes.paletteCommands().find((x) => x.id === 'alibabaCloud.oss.refresh').label)
          .catch(() => {});
        await waitForRows(page, oss, BUCKET, (r) => row(r, BUCKET));
        const bucketRow = ui.treeRow(page, oss, BUCKET);
        if ((await bucketRow.getAttribute('aria-expanded')) === 'false') await ui.expandTreeItem(page, oss, BUCKET);
        await waitForRows(page, oss, NAME, (r) => row(r, NAME));
        await ui.clickTreeItem(page, oss, NAME);
        const tab = page.locator('.part.editor .tabs-container .tab', { hasText: 'sendSequence' }).first();
        await tab.waitFor({ state: 'visible', timeout: 30_000 });
        const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
        await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('ControlOrMeta+End');
        await page.keyboard.type('x');
        // Every PutObject fails (until cleared), so the save ends in the extension's own error toast.
        await controlSandbox(sandbox, 'faults', { service: 'oss', action: 'PutObject', kind: 'error5xx' });
        await page.keyboard.press('ControlOrMeta+s');
        const text = await ui.waitForNotification(page, /Not saved to/, 90_000);
        log(`  toast: ${text}`);
        const item = page
          .locator('.notification-list-item')
          .filter({ has: page.locator('.notification-list-item-message', { hasText: /Not saved to/ }) })
          .first();
        const links = await item
          .locator('.notification-list-item-message a')
          .evaluateAll((as) =>
            as.map((a) => `${a.textContent} → ${a.getAttribute('href') ?? a.getAttribute('data-href') ?? a.title}`),
          );
        await step('inert-key-toast');
        // A parsed link would show only its label ("run"), with an anchor for the command.
        assert.deepEqual(links, [], 'anchors in the toast');
        assert.match(text, /\[run\] \(command:workbench\.action\.terminal\.sendSequence\)\.txt/);
        assert.equal(
          await page
            .locator('.notifications-toasts a[href^="command:"], .notifications-center a[href^="command:"]')
            .count(),
          0,
        );
      } finally {
        await sandboxControl(sandbox, 'faults', { method: 'DELETE' }).catch(() => {});
        await ui.runCommand(page, 'File: Revert File').catch(() => {});
        await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
        await ui.clearNotifications(page);
        // Leave the OSS view as found: later tests list the buckets' children (this bucket's too, when expanded).
        const open = ui.treeRow(page, oss, BUCKET);
        if ((await open.getAttribute('aria-expanded').catch(() => null)) === 'true')
          await open
            .locator('.monaco-tl-twistie')
            .click()
            .catch(() => {});
        await client.delete(NAME).catch(() => {});
        await ui
          .runCommand(page, contributes.paletteCommands().find((x) => x.id === 'alibabaCloud.oss.refresh').label)
          .catch(() => {});
      }
    },
  },
  {
    name: 'untrusted text: a key like "$(debug) evil" reads as typed in the tree, the quick pick and the status bar, never as an icon',
    timeoutMs: 300_000, // three surfaces on a shared machine (one run took 180 s at load 30)
    async run({ page, ui, step, log, sandbox }) {
      const client = bucket(sandbox);
      await client.put(ICON_KEY, Buffer.from('hello\n'));
      const oss = view('alibabaCloud.oss');
      const copyUri = contributes.paletteCommands().find((x) => x.id === 'alibabaCloud.oss.copyUri').label;
      try {
        await ui.openViewContainer(page, CONTAINER());
        for (const v of ['alibabaCloud.ram', 'alibabaCloud.ecs', 'alibabaCloud.identity'].map(view))
          await ui.collapseView(page, v).catch(() => {});
        await ui.expandView(page, oss);
        await ui
          .runCommand(page, contributes.paletteCommands().find((x) => x.id === 'alibabaCloud.oss.refresh').label)
          .catch(() => {});
        await waitForRows(page, oss, BUCKET, (r) => row(r, BUCKET));
        if ((await ui.treeRow(page, oss, BUCKET).getAttribute('aria-expanded')) === 'false')
          await ui.expandTreeItem(page, oss, BUCKET);
        // The tree: the row's label is the key as typed (custom trees draw no icons in labels).
        await waitForRows(page, oss, 'evil.txt', (r) => r.find((x) => x.label?.includes('evil.txt')));
        const treeRow = ui.treeRow(page, oss, /evil\.txt/);
        const treeLabel = (await treeRow.locator('.label-name').innerText()).trim();
        const treeIcons = await treeRow.locator('.label-name .codicon-debug').count();
        await step('icon-key-tree');
        assert.equal(treeLabel, ICON_KEY, 'the tree row');
        assert.equal(treeIcons, 0, 'no debug icon in the tree row');

        // The quick pick: Copy oss:// URI from the palette browses to the object.
        await ui.runCommand(page, copyUri);
        await ui.typeAndPick(page, BUCKET, new RegExp(`${BUCKET}$`));
        await ui.waitForQuickInput(page);
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.fill('evil');
        const pickRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'evil.txt' }).first();
        await pickRow.waitFor({ state: 'visible', timeout: 30_000 });
        const pickLabel = (await pickRow.locator('.label-name').innerText()).trim();
        const pickIcons = await pickRow.locator('.codicon-debug').count();
        await step('icon-key-quick-pick');
        log(`  quick pick row: ${JSON.stringify(pickLabel)}`);
        assert.equal(pickLabel, ICON_KEY, 'the quick pick row (its own file icon draws no text)');
        assert.equal(pickIcons, 0, 'no debug icon in the quick pick');
        await pickRow.click();

        // The status bar: "Copied oss://…/$(debug) evil.txt" as typed.
        const status = await ui.statusBarItem(page, /Copied oss:\/\//);
        const statusIcons = await page.locator('.part.statusbar .codicon-debug').count();
        await step('icon-key-status-bar');
        log(`  status bar: ${JSON.stringify(status)}`);
        assert.ok(status.includes(`oss://${BUCKET}/${ICON_KEY}`), status);
        assert.equal(statusIcons, 0, 'no debug icon in the status bar');
      } finally {
        await ui.closeQuickInput(page).catch(() => {});
        const open = ui.treeRow(page, oss, BUCKET);
        if ((await open.getAttribute('aria-expanded').catch(() => null)) === 'true')
          await open
            .locator('.monaco-tl-twistie')
            .click()
            .catch(() => {});
        await client.delete(ICON_KEY).catch(() => {});
        await ui
          .runCommand(page, contributes.paletteCommands().find((x) => x.id === 'alibabaCloud.oss.refresh').label)
          .catch(() => {});
      }
    },
  },
];
