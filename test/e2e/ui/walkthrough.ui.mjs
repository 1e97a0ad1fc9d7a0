// The walkthrough as VS Code shows it: its steps' ticks (the checkboxes of the walkthrough page),
// after the wizard (flow 2, run before the walkthrough was ever opened in this window) and after the
// step's own "Create ECS Role" button.
import { localize } from '../lib/manifest.mjs';
import { MANIFEST } from '../lib/paths.mjs';

const WALKTHROUGH = 'instanceRole';
const ROLE = 'E2eWalkthroughRole';

const walkthrough = () => MANIFEST.contributes.walkthroughs.find((w) => w.id === WALKTHROUGH);
const stepId = (extensionId, step) => `${extensionId}#${WALKTHROUGH}#${step}`;
/** The step's checkbox on the walkthrough page (aria-checked is what a screen reader announces). */
const tick = (page, extensionId, step) => page.locator(`[data-done-step-id="${stepId(extensionId, step)}"]`);

async function waitChecked(page, extensionId, step, want, timeout = 20_000) {
  const box = tick(page, extensionId, step);
  const deadline = Date.now() + timeout;
  let seen;
  while (Date.now() < deadline) {
    seen = await box.getAttribute('aria-checked', { timeout: 2000 }).catch(() => undefined);
    if (seen === String(want)) return;
    await page.waitForTimeout(250);
  }
  throw new Error(`walkthrough step ${step}: aria-checked is ${seen}, expected ${want}`);
}

export const walkthroughTests = [
  {
    name: 'walkthrough: the wizard ticked steps 1–3, and the step\'s own "Create ECS Role" button ticks step 1',
    timeoutMs: 90_000,
    async run({ page, ui, step, log, extensionId }) {
      const wt = walkthrough();
      await ui.runCommand(page, 'Welcome: Open Walkthrough...');
      await ui.answerQuickInput(page, { pick: localize(wt.title) });
      await tick(page, extensionId, 'createRole').waitFor({ state: 'attached', timeout: 20_000 });
      // Flow 2's "Set Up Instance Role" created the role and the policy and attached the role.
      for (const s of ['createRole', 'createPolicy', 'attachRole']) await waitChecked(page, extensionId, s, true);
      await waitChecked(page, extensionId, 'onInstance', false, 1000);
      await step('walkthrough-after-wizard');

      // Untick step 1 by hand, then do it again with its button.
      await tick(page, extensionId, 'createRole').click();
      await waitChecked(page, extensionId, 'createRole', false);
      const row = page.locator(`.getting-started-step[data-step-id="${stepId(extensionId, 'createRole')}"]`);
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      await row.getByRole('button', { name: 'Create ECS Role' }).click();
      await ui.waitForPrompt(page, { message: /Role name/ });
      await ui.typeAndEnter(page, ROLE);
      await ui.waitForPrompt(page, { message: /Description/ });
      // Enter on the box itself: the walkthrough page takes focus back while the box opens, and a
      // keystroke sent to the page (seen under CPU load) leaves the prompt open.
      await ui.typeAndEnter(page, '');
      log(`  ${await ui.waitForNotification(page, new RegExp(`^Role ${ROLE} created`), 30_000)}`);
      await waitChecked(page, extensionId, 'createRole', true);
      await step('walkthrough-after-button');
      await ui.clearNotifications(page);
      await ui.runCommand(page, 'View: Close Editor').catch(() => {});
    },
  },
];
