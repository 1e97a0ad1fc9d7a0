// UI tests of the installed extension as a user sees it in the workbench. Each test gets ctx:
//   { page, ui, step(name), server, sandbox, manifest, extensionId, log }
// step(name) takes a numbered screenshot and saves + leak-scans the visible text.
import assert from 'node:assert/strict';
import { waitForActivation } from '../lib/server.mjs';
import * as contributes from '../lib/manifest.mjs';

/** @type {{ name: string, timeoutMs?: number, run(ctx: any): Promise<void> }[]} */
export const workbenchTests = [
  {
    name: 'workbench loads',
    async run({ step }) {
      await step('workbench');
    },
  },
  {
    name: 'the extension activates from the VSIX',
    // The first start of the extension host on a loaded two-core machine can take over a minute.
    timeoutMs: 150_000,
    async run({ server, extensionId }) {
      await waitForActivation(server, extensionId, 120_000);
    },
  },
  {
    name: 'the Extensions view lists the extension by its display name',
    async run({ page, ui, step, extensionId }) {
      await ui.runCommand(page, 'Extensions: Show Installed Extensions');
      const item = page.locator(`.extensions-viewlet .monaco-list-row[data-extension-id="${extensionId}"]`);
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      const name = (await item.locator('.name').first().innerText()).trim();
      await step('extensions-view');
      assert.equal(name, contributes.displayName());
      assert.doesNotMatch(name, /^%.*%$/, 'the display name is an unresolved %placeholder%');
    },
  },
  {
    name: 'the command palette lists every contributed command',
    async run({ page, ui, step, log }) {
      const labels = contributes.paletteCommands().map((c) => c.label);
      log(`  checking ${labels.length} palette commands`);
      assert.deepEqual(await ui.paletteMissing(page, labels), []);
      const category = labels[0]?.split(': ')[0];
      if (category) {
        await ui.openPalette(page, `${category}: `);
        await step('palette');
        await ui.closeQuickInput(page);
      }
    },
  },
  {
    name: 'each activity-bar container opens and shows its views',
    async run({ page, ui, step }) {
      for (const container of contributes.viewContainers()) {
        await ui.openViewContainer(page, container.title);
        for (const view of contributes.views(container.id).filter((v) => !v.when)) {
          await ui.viewPane(page, view.name).waitFor({ state: 'attached', timeout: 15_000 });
        }
        // For the screenshot: give the first view a moment to show rows or its welcome content.
        const first = contributes.views(container.id)[0];
        if (first) {
          await ui
            .viewPane(page, first.name)
            .locator('.monaco-list-row, .welcome-view-content')
            .first()
            .waitFor({ state: 'visible', timeout: 10_000 })
            .catch(() => {});
        }
        await step(`container-${container.id}`);
      }
    },
  },
];
