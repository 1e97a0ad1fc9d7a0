// The UI helpers (lib/ui.mjs) against the real extension and the sandbox's seeded account: a tree
// row, a quick pick, a notification toast. Feature tests (trees, wizard, OSS) build on the same calls.
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';

const command = (id) => {
  const c = contributes.paletteCommands().find((x) => x.id === id);
  if (!c) throw new Error(`package.json contributes no palette command ${id}`);
  return c.label;
};
const container = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud');
const viewName = (id) => contributes.views('alibabaCloud').find((v) => v.id === id)?.name;

/** From src/sandbox/seed/demo.ts: a role of the demo account. */
const SEEDED_ROLE = 'DemoEcsOssReader';

export const helperTests = [
  {
    name: 'tree rows: the RAM view shows a seeded role of the sandbox account',
    async run({ page, ui, step, log }) {
      await ui.openViewContainer(page, container().title);
      const ram = viewName('alibabaCloud.ram');
      await ui.expandView(page, ram);
      if (!(await ui.treeRow(page, ram, SEEDED_ROLE).isVisible())) await ui.expandTreeItem(page, ram, 'Roles');
      await ui.treeRow(page, ram, SEEDED_ROLE).waitFor({ state: 'visible', timeout: 30_000 });
      const items = await ui.treeItems(page, ram);
      log(`  RAM view rows: ${items.map((i) => i.label).join(', ')}`);
      assert.ok(items.some((i) => i.label === SEEDED_ROLE));
      await step('ram-tree');
    },
  },
  {
    name: 'quick pick: Select Profile offers the sandbox profile',
    async run({ page, ui, step }) {
      await ui.runCommand(page, command('alibabaCloud.selectProfile'));
      const items = await ui.quickPickItems(page);
      const sandbox = items.find((i) => /sandbox/i.test(`${i.label} ${i.description}`));
      assert.ok(sandbox, `no sandbox profile among ${JSON.stringify(items.map((i) => i.label))}`);
      await step('select-profile');
      await ui.answerQuickInput(page, { pick: sandbox.label });
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    },
  },
  {
    name: 'notification: Remove Profile without own profiles shows a toast',
    async run({ page, ui, step }) {
      await ui.runCommand(page, command('alibabaCloud.removeProfile'));
      const text = await ui.waitForNotification(page, /no AccessKey profiles/i);
      assert.match(text, /added by this extension/);
      await step('notification');
      await ui.clearNotifications(page);
    },
  },
];
