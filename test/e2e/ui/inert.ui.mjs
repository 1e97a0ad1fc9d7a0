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
];
