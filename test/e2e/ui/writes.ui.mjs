// A write that fails: ECS/RAM answering 503 to CreateRole. The toast says what failed, that it is
// worth retrying, and offers Retry, which creates the role with what was typed (no prompt again).
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox, sandboxControl } from '../lib/sandbox.mjs';

const ROLE = 'E2eRetriedRole';
const command = (id) => contributes.paletteCommands().find((c) => c.id === id).label;

export const writeTests = [
  {
    name: 'a failed write: 503 on CreateRole names the operation, says Retry may work, and Retry creates the typed role',
    timeoutMs: 90_000,
    async run({ page, ui, step, log, sandbox }) {
      // Every attempt of the client (it retries a 503 itself) is answered 503.
      await controlSandbox(sandbox, 'faults', {
        service: 'ram',
        action: 'CreateRole',
        kind: 'error5xx',
        status: 503,
        count: 3,
      });
      let text;
      try {
        await ui.runCommand(page, command('alibabaCloud.ram.createEcsRole'));
        await ui.waitForPrompt(page, { message: /Role name/ });
        await ui.typeAndEnter(page, ROLE);
        await ui.waitForPrompt(page, { message: /Description/ });
        await ui.typeAndEnter(page, 'typed before the 503');
        text = await ui.waitForNotification(page, new RegExp(`^Creating role ${ROLE} failed\\.`), 45_000);
      } finally {
        await sandboxControl(sandbox, 'faults', { method: 'DELETE' });
      }
      log(`  ${text}`);
      assert.match(text, /\[ServiceUnavailable\]/);
      assert.match(text, /usually temporary: Retry may work/);
      const item = page
        .locator('.notification-list-item')
        .filter({ has: page.locator('.notification-list-item-message', { hasText: /^Creating role / }) })
        .first();
      const buttons = (await item.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
      assert.deepEqual(buttons, ['Retry', 'Show Log']);
      await step('write-failed-503');
      await ui.clickNotificationAction(page, /^Creating role /, 'Retry');
      log(`  ${await ui.waitForNotification(page, new RegExp(`^Role ${ROLE} created`), 30_000)}`);
      assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'Retry asked nothing again');
      await step('write-retried');
      await ui.clearNotifications(page);
    },
  },
];
