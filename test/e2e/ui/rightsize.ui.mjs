// Right-sizing a role the way a person does it, on AppServerRole (the sandbox runs `--seed activity`:
// 90 days of ActionTrail history, broad system policies attached; src/sandbox/seed/activity.ts):
//   1. Show Activity from the role's context menu: the report per service → action, the denied
//      attempts and the events no RAM action stands for;
//   2. Propose Least-Privilege Policy: the denied calls offered unchecked, the draft (narrow, per
//      bucket) beside the report whose first section is the proof count;
//   3. Apply to Role… from the proof's toast: the diff and the confirmation naming the account and
//      every policy it detaches, then the role holds only the new policy;
//   4. Check Access on the role: an observed call is still allowed, an unobserved one is denied.
// Everything is read from the screen: tree rows, editor text, toasts, quick picks, dialogs.
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';
import { contextMenu, menuTitle, useSandboxProfile } from './destructive.ui.mjs';

// From src/sandbox/seed/activity.ts (ACTIVITY).
const ROLE = 'AppServerRole';
const SYSTEM_POLICIES = ['AliyunOSSFullAccess', 'AliyunECSFullAccess', 'AliyunRAMReadOnlyAccess'];
const DENIED = ['kms:Decrypt', 'ram:AttachPolicyToRole', 'ram:CreatePolicy'];
const BUCKETS = ['demo-data', 'demo-shanghai-logs'];
const POLICY = `${ROLE}-LeastPrivilege`;

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;

/** The editor group whose active tab's label contains `tab`. */
function groupOf(page, tab) {
  return page
    .locator('.part.editor .editor-group-container')
    .filter({ has: page.locator('.tab.active', { hasText: tab }) })
    .first();
}

/**
 * The text of the editor whose active tab's label contains `tab`, read like a person scrolling:
 * Ctrl+Home, then Page Down until nothing new shows. Monaco renders only the lines in view, and
 * wraps long ones (Markdown wraps by default), so each screen's visual lines are ordered by their
 * position, and the whole is returned with every run of whitespace (line ends too) as one space.
 */
async function editorText(page, tab) {
  const group = groupOf(page, tab);
  await group.waitFor({ state: 'visible', timeout: 30_000 });
  const lines = group.locator('.monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout: 10_000 });
  const screen = () =>
    lines
      .evaluate((el) =>
        [...el.querySelectorAll('.view-line')]
          .map((l) => ({ top: parseFloat(l.style.top) || 0, text: l.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text)
          .join('\n'),
      )
      .catch(() => '');
  // Monaco renders a frame after the tab: wait for text.
  for (let i = 0; i < 25 && !(await screen()).trim(); i++) await page.waitForTimeout(200);
  await lines.click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ControlOrMeta+Home');
  const screens = [];
  for (let same = 0, i = 0; same < 2 && i < 40; i++) {
    await page.waitForTimeout(150);
    const s = await screen();
    same = s === screens.at(-1) ? same + 1 : 0;
    if (!same) screens.push(s);
    await page.keyboard.press('PageDown');
  }
  await page.keyboard.press('ControlOrMeta+Home');
  return screens.join('\n').replace(/[\s\u00a0]+/g, ' ');
}

/** Waits for the editor tab whose label contains `name`. */
async function tabNamed(page, name, timeout = 60_000) {
  const tab = page.locator('.part.editor .tabs-container .tab', { hasText: name }).first();
  await tab.waitFor({ state: 'visible', timeout });
  return tab;
}

/** Closes every editor; a draft that asks to be saved is not. */
async function closeEditors(page, ui) {
  await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
  const asked = await page
    .locator('.monaco-dialog-box')
    .waitFor({ state: 'visible', timeout: 1500 })
    .then(
      () => true,
      () => false,
    );
  if (asked) await ui.answerDialog(page, "Don't Save").catch(() => {});
}

/** Clicks a notification's button, from the Notification Center when its toast has hidden meanwhile. */
async function clickAction(page, ui, re, button) {
  try {
    await ui.clickNotificationAction(page, re, button, 3000);
  } catch {
    await ui.runCommand(page, 'Notifications: Show Notifications');
    await ui.clickNotificationAction(page, re, button, 10_000);
  }
}

/** Check Access on the role's row, answered by typing: action, resource, no context. */
async function checkAccess(page, ui, manifest, ram, action, resource) {
  await contextMenu(page, ui, ram, ROLE, menuTitle(manifest, 'alibabaCloud.ram.checkAccess'));
  await ui.waitForPrompt(page, { message: /^Action, e\.g\./ });
  await ui.typeAndEnter(page, action);
  await ui.waitForPrompt(page, { message: /^Resource ARN/ });
  await ui.typeAndEnter(page, resource);
  await ui.waitForPrompt(page, { message: /^Request context/ });
  await ui.typeAndEnter(page, '');
}

export const rightsizeTests = [
  {
    name: `right-size ${ROLE}: Show Activity, Propose (proof in the report), Apply through the diff and the confirmation, then Check Access`,
    timeoutMs: 300_000, // 200 s seen under a load average of 30
    async run({ page, ui, step, log, manifest, sandbox }) {
      const [ram, ecs, oss] = ['alibabaCloud.ram', 'alibabaCloud.ecs', 'alibabaCloud.oss'].map(view);
      // An earlier test's Output panel would take half the editor area from the screenshots.
      await ui.hidePanel(page);
      await ui.closeQuickInput(page);
      await ui.clearNotifications(page);
      await closeEditors(page, ui);
      await useSandboxProfile(page, ui, log);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [ecs, oss]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, ram);
      const roles = ui.treeRow(page, ram, 'Roles');
      await roles.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await roles.getAttribute('aria-expanded')) === 'false') await ui.expandTreeItem(page, ram, 'Roles');
      const rows = await waitForRows(page, ram, ROLE, (r) => (row(r, ROLE) ? r : undefined));
      assert.equal(row(rows, ROLE).description, 'ECS');

      // 1. Show Activity: three 30-day windows read, the report opens read-only.
      await contextMenu(page, ui, ram, ROLE, menuTitle(manifest, 'alibabaCloud.ram.showActivity'));
      await tabNamed(page, `${ROLE}.activity.md`);
      const text = await editorText(page, `${ROLE}.activity.md`);
      log(`  activity: ${text.slice(0, 160)}`);
      assert.match(text, new RegExp(`^# Activity of role ${ROLE} `));
      const read = text.match(/(\d+) events over (\d) of (\d) 30-day windows \((\d+) ActionTrail requests\)/);
      assert.ok(read, text);
      assert.ok(Number(read[1]) >= 500, `${read[1]} events`);
      assert.equal(read[2], '3');
      assert.equal(read[3], '3');
      assert.match(text, /OSS object calls \(GetObject, PutObject, ListObjects…\) are data events/);
      assert.match(text, /\| ecs:DescribeInstances \| \d+ \|/);
      assert.match(text, /Events that map to no RAM action/);
      assert.match(text, /AasSub ConsoleSignin × \d+/);
      for (const d of DENIED)
        assert.match(text, new RegExp(`\\| ${d} \\| (NoPermission|Forbidden\\.RAM) \\| \\d+ \\|`));
      await step('rightsize-activity');
      // The end of the report: the refused calls and the events that map to no RAM action.
      await groupOf(page, `${ROLE}.activity.md`).locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('ControlOrMeta+End');
      await step('rightsize-activity-denied-unmapped');
      await closeEditors(page, ui);
      // Show Activity offered a log dump for the bucket without one; not taken here.
      await ui.clearNotifications(page);

      // 2. Propose: the refused calls are offered, none checked; accepting none adds none.
      await contextMenu(page, ui, ram, ROLE, menuTitle(manifest, 'alibabaCloud.ram.proposeLeastPrivilege'));
      const prompt = await ui.waitForPrompt(
        page,
        { title: new RegExp(`^Role ${ROLE} was refused these calls`) },
        60_000,
      );
      log(`  ${prompt.title} · ${prompt.placeholder}`);
      const offered = await ui.quickPickItems(page);
      assert.deepEqual(offered.map((i) => i.label.trim()).sort(), DENIED);
      const checked = await page.locator('.quick-input-widget .monaco-list-row').evaluateAll((els) =>
        els.map((e) => {
          const box = e.querySelector('input[type=checkbox], .quick-input-list-checkbox, [role=checkbox]');
          return !!box && (box.checked === true || box.getAttribute('aria-checked') === 'true');
        }),
      );
      assert.ok(
        checked.every((c) => !c),
        `a refused call is checked by default: ${JSON.stringify(checked)}`,
      );
      await step('rightsize-denied-offered');
      await ui.answerQuickInput(page, { pick: [] });

      // The draft in the editor, the report beside it with the proof first.
      const proof = await ui.waitForNotification(page, /^Proof: all \d+ observed allowed calls of /, 30_000);
      log(`  ${proof}`);
      const [, proved, removed, current] = proof.match(/^Proof: all (\d+) .* it removes (\d+) of (\d+) actions\./);
      assert.ok(Number(proved) >= 500, proof);
      assert.ok(Number(removed) > 0 && Number(removed) < Number(current), proof);
      await tabNamed(page, POLICY);
      const draft = await editorText(page, POLICY);
      assert.match(draft, /"oss:GetObject"/);
      assert.match(draft, /"ecs:DescribeInstances"/);
      for (const b of BUCKETS) assert.ok(draft.includes(`:${b}`), `the draft names bucket ${b}`);
      assert.doesNotMatch(draft, /"(oss|ecs|ram):\*"/, 'no service-wide wildcard');
      assert.doesNotMatch(draft, /"ecs:DeleteInstance"|"kms:Decrypt"/, 'nothing unobserved, no refused call');
      const report = await editorText(page, `${ROLE}.proposal.md`);
      assert.match(report, new RegExp(`^# Least-privilege proposal for role ${ROLE} `));
      const inReport = report.match(/Proof: (\d+) of (\d+) observed allowed calls are allowed by the draft/);
      assert.ok(inReport, report);
      assert.equal(inReport[1], inReport[2]);
      assert.equal(inReport[2], proved, 'the report and the toast count the same calls');
      // demo-data's access log dump narrowed its objects to prefixes; the Shanghai bucket has none.
      assert.match(report, /demo-data \(cn-hangzhou\): narrowed to prefixes from its access log dump/);
      // (Read off the screen: a soft wrap may put a space anywhere in a long line.)
      assert.match(report, /demo-shanghai-logs \(cn-shanghai\): no access log dump/);
      assert.ok(draft.replace(/\s+/g, '').includes('demo-data/reports/2026/*'), draft);
      await step('rightsize-proposal-proof');

      // 3. Apply: the diff against the current policies, then the confirmation naming the account.
      await clickAction(page, ui, /^Proof: all /, 'Apply to Role…');
      const dialog = await ui.waitForDialog(page, 30_000);
      log(
        `  confirmation: ${dialog.message} | ${dialog.detail.replace(/\n+/g, ' | ')} | [${dialog.buttons.join(', ')}]`,
      );
      assert.equal(
        dialog.message,
        `Replace the policies of role ${ROLE} in account ${sandbox.accountId} (profile Sandbox) with ${POLICY}?`,
      );
      assert.match(dialog.detail, new RegExp(`Creates custom policy ${POLICY} and attaches it to role ${ROLE}\\.`));
      for (const p of SYSTEM_POLICIES) assert.ok(dialog.detail.includes(`${p} (System)`), `detaches ${p}`);
      await page
        .locator('.part.editor .editor-group-container.active .monaco-diff-editor')
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      await step('rightsize-apply-diff-confirm');
      log(`  answered with ${await ui.answerDialog(page, 'Apply Least Privilege')}`);
      const applied = await ui.waitForNotification(page, new RegExp(`^Role ${ROLE} now holds only ${POLICY}`), 30_000);
      log(`  ${applied}`);
      assert.ok(applied.includes(sandbox.accountId));
      await step('rightsize-applied');
      await closeEditors(page, ui);
      await ui.clearNotifications(page);

      // 4. Check Access on the role as it now is (no draft open): observed allowed, unobserved denied.
      const object = `acs:oss:*:${sandbox.accountId}:demo-data/reports/2026/03/r7.csv`;
      await checkAccess(page, ui, manifest, ram, 'oss:GetObject', object);
      const allowed = await ui.waitForNotification(page, /^Allowed: /, 30_000);
      log(`  ${allowed}`);
      assert.match(allowed, new RegExp(`of policy ${POLICY} lets role ${ROLE} do oss:GetObject on `));
      await step('rightsize-check-observed-allowed');
      await closeEditors(page, ui);
      await ui.clearNotifications(page);

      await checkAccess(page, ui, manifest, ram, 'oss:DeleteObject', object);
      const denied = await ui.waitForDialog(page, 30_000);
      log(`  ${denied.message} | [${denied.buttons.join(', ')}]`);
      assert.equal(
        denied.message,
        `Implicitly denied: no statement lets role ${ROLE} do oss:DeleteObject on ${object}.`,
      );
      assert.match(denied.detail, new RegExp(`Policies evaluated: ${POLICY}\\.`));
      await step('rightsize-check-unobserved-denied');
      await ui.answerDialog(page, 'Cancel');

      await closeEditors(page, ui);
      await ui.clearNotifications(page);
    },
  },
];
