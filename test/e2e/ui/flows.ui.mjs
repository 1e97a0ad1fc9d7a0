// What a person does with the extension, in the workbench, against the sandbox's demo account:
//   1. open the Alibaba Cloud container and see roles, instances and buckets;
//   2. run "Set Up Instance Role" from the palette and answer it by typing: a new role, the OSS
//      read-only template, the instance demo-web-1, the plan (a modal dialog);
//   3. see the role on the instance in the ECS view; then (3b) edit the new policy's version, deploy
//      it through the diff and the confirmation, and roll it back from the version node;
//   4. "Detect Instance Role": the window runs "on" demo-web-1 (alibabaCloud.metadata.endpoint is the
//      sandbox IMDS of that instance, see flowSettings); its role is offered and, once picked, is the identity;
//   5. browse OSS as that role and open an object;
//   6. edit and save it: the read-only role may not, and the AccessDenied explanation says why.
// Every step asserts what it shows and takes a numbered screenshot (test-results/ui/NN-*.png).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox } from '../lib/sandbox.mjs';
import { extensionLogFiles } from '../lib/server.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';

// From src/sandbox/seed/demo.ts (DEMO).
const INSTANCE = 'i-bp1sandboxvpc000001';
const INSTANCE_NAME = 'demo-web-1';
const REGION = 'cn-hangzhou';
const SEEDED_ROLES = ['DemoEcsLogShipper', 'DemoEcsOssReader', 'DemoFcInvokeRole'];
const BUCKETS = [
  ['demo-data', 'cn-hangzhou'],
  ['demo-many-keys', 'cn-hangzhou'],
  ['demo-shanghai-logs', 'cn-shanghai'],
];
const BUCKET = 'demo-data';
const FOLDER = 'config';
const OBJECT = 'app.json';
const OBJECT_KEY = `${FOLDER}/${OBJECT}`;

// What this flow creates (a fresh sandbox per run).
const NEW_ROLE = 'E2eOssReader';
const NEW_POLICY = 'E2eOssReadOnly';
const WAITING_ROLE = 'E2eWaitingRole';
const WORKER = 'demo-worker-1';
const WORKER_ID = 'i-bp1sandboxvpc000002';
/** RAM propagation for flow 3b: long enough to see the wait, short enough for the run. */
const PROPAGATION_MS = 6000;

/** The UI run's server starts "on" demo-web-1: the extension probes that instance's (sandbox) IMDS. */
export function flowSettings(sandbox) {
  const imds = sandbox?.imds?.[INSTANCE];
  if (!imds) throw new Error(`the sandbox info has no IMDS URL for ${INSTANCE}`);
  return {
    'alibabaCloud.metadata.endpoint': imds,
    // VS Code for the Web saves 1 s after typing by default (files.autoSave: afterDelay); flow 6 saves
    // with Ctrl+S like a desktop user, so exactly one save is refused.
    'files.autoSave': 'off',
  };
}

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;
const command = (id) => {
  const c = contributes.paletteCommands().find((x) => x.id === id);
  if (!c) throw new Error(`package.json contributes no palette command ${id}`);
  return c.label;
};

/**
 * Clicks a notification's button and checks that the document it opens is read-only:
 * typing in it leaves it clean, and closing it asks nothing (no "Save changes?" dialog).
 */
async function opensReadOnly(page, ui, log, { notification, button, tab, step }) {
  await ui.clickNotificationAction(page, notification, button);
  const t = page.locator('.part.editor .tabs-container .tab', { hasText: tab }).first();
  await t.waitFor({ state: 'visible', timeout: 20_000 });
  log(`  "${button}" opened: ${(await t.innerText()).trim()}`);
  await t.click();
  // A text editor (not a preview), and typing into it is refused: the text stays, VS Code says why.
  const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  const text = editor.locator('.view-lines').first();
  await text.waitFor({ state: 'visible', timeout: 10_000 });
  const before = await text.innerText();
  await text.click({ position: { x: 5, y: 5 } });
  await page.keyboard.type('x');
  const refused = editor.locator('.monaco-editor-overlaymessage').first();
  await refused.waitFor({ state: 'visible', timeout: 5000 });
  const why = (await refused.innerText()).trim();
  log(`  typing into ${tab}: "${why}"`);
  assert.match(why, /read-only/i);
  if (step)
    await step(
      `readonly-${String(button)
        .toLowerCase()
        .replace(/[^a-z]+/g, '-')}`,
    );
  assert.equal(await text.innerText(), before, `${tab}: typing changed the text`);
  assert.ok(!(await t.evaluate((el) => el.classList.contains('dirty'))), `${tab}: typing made it dirty`);
  await ui.runCommand(page, 'View: Close Editor');
  const asked = await page
    .locator('.monaco-dialog-box')
    .waitFor({ state: 'visible', timeout: 2000 })
    .then(
      () => true,
      () => false,
    );
  assert.ok(
    !asked,
    `closing ${tab} asked something: ${asked && (await page.locator('.monaco-dialog-box').innerText())}`,
  );
  await t.waitFor({ state: 'detached', timeout: 10_000 });
}

/** Expands a row when it is collapsed (no-op if already expanded). */
async function expand(page, ui, viewName, label) {
  const r = ui.treeRow(page, viewName, label);
  await r.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') await ui.expandTreeItem(page, viewName, label);
}

export const flowTests = [
  {
    name: "flow 1: the Alibaba Cloud container shows the sandbox's roles, instances and buckets",
    timeoutMs: 90_000,
    async run({ page, ui, step, log }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.closeQuickInput(page);
      await ui.openViewContainer(page, CONTAINER());
      await ui.setSidebarWidth(page, 560); // room for descriptions such as "i-… · Running · role: …"
      for (const v of [identity, ram, ecs, oss]) await ui.expandView(page, v);

      // RAM: Roles → the seeded roles (trusted services in the description).
      if (!(await ui.treeRow(page, ram, SEEDED_ROLES[0]).isVisible())) await expand(page, ui, ram, 'Roles');
      const roles = await waitForRows(page, ram, 'the seeded roles', (rows) =>
        SEEDED_ROLES.every((n) => row(rows, n)) ? rows : undefined,
      );
      log(`  RAM: ${roles.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(', ')}`);
      assert.equal(row(roles, 'DemoEcsOssReader').description, 'ECS');

      // ECS: the region, its instances with id, status and role.
      const instances = await waitForRows(page, ecs, `${INSTANCE_NAME}`, (rows) =>
        row(rows, INSTANCE_NAME) && row(rows, 'demo-worker-1') ? rows : undefined,
      );
      log(`  ECS: ${instances.map((r) => `${r.label} [${r.description ?? ''}]`).join(', ')}`);
      assert.ok(row(instances, REGION), `region row ${REGION}`);
      assert.equal(row(instances, INSTANCE_NAME).description, `${INSTANCE} · Running · hardened only · no role`);
      assert.match(
        row(instances, 'demo-worker-1').description,
        /^i-bp1sandboxvpc000002 · Running · normal mode allowed · role: DemoEcsOssReader$/,
      );
      assert.match(row(instances, 'legacy-classic-1')?.description ?? '', /classic$/);

      // OSS: Buckets → the three buckets with their regions.
      const buckets = await waitForRows(page, oss, 'the buckets', (rows) =>
        BUCKETS.every(([b]) => row(rows, b)) ? rows : undefined,
      );
      log(`  OSS: ${buckets.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(', ')}`);
      for (const [b, region] of BUCKETS) assert.equal(row(buckets, b).description, region, `region of ${b}`);

      // Identity: the sandbox profile, and (the window "runs on" demo-web-1, which has no role yet)
      // the explanation of why there is no instance role.
      const ids = await waitForRows(page, identity, 'the instance problem node', (rows) =>
        rows.some((r) => /^Instance role: /.test(r.label ?? '')) ? rows : undefined,
      );
      log(`  Identity: ${ids.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(' | ')}`);
      assert.equal(
        ids.find((r) => /^Instance role: /.test(r.label)).label,
        `Instance role: No RAM role is attached to ${INSTANCE}`,
      );
      assert.ok(
        ids.some((r) => /Attach a role to i-bp1sandboxvpc000001/.test(r.label ?? '')),
        'the fix is shown',
      );
      assert.ok(
        ids.some((r) => r.label === 'Sandbox' && /local sandbox · cn-hangzhou/.test(r.description ?? '')),
        'the sandbox profile is the identity',
      );
      await step('flow-container-trees');
    },
  },
  {
    name: 'flow 2: "Set Up Instance Role" from the palette, answered by typing: new role, OSS read-only policy, demo-web-1, the plan',
    timeoutMs: 120_000,
    async run({ page, ui, step, log }) {
      const t0 = Date.now();
      await ui.runCommand(page, command('alibabaCloud.setupInstanceRole'));

      // 1: role — "Create a new role…", then its name.
      const p = await ui.waitForPrompt(page, { placeholder: /Select a role that ECS instances can assume/ });
      assert.match(p.title, /^Set Up Instance Role \(1\/\d\)$/);
      const rolesOffered = await waitForItems(
        page,
        ui,
        (items) =>
          items.some((i) => /Create a new role/.test(i.label)) && items.some((i) => i.label === 'DemoEcsOssReader'),
      );
      assert.ok(!rolesOffered.some((i) => i.label === 'DemoFcInvokeRole'), 'a role ECS cannot assume is not offered');
      await step('flow-wizard-role');
      await ui.typeAndPick(page, 'Create a new role', /Create a new role…$/);
      await ui.waitForPrompt(page, { message: /Role name/ });
      await ui.typeAndEnter(page, NEW_ROLE);

      // 2: policy — the OSS read-only template, then its name.
      await ui.waitForPrompt(page, { placeholder: /What may programs on the instance do\?/ });
      await ui.typeAndPick(page, 'OSS read-only (all', 'OSS read-only (all buckets)');
      await ui.waitForPrompt(page, { message: /Policy name/ });
      assert.equal(
        await page.locator('.quick-input-widget .quick-input-box input').inputValue(),
        'OssReadOnly',
        "the template's default name",
      );
      await ui.typeAndEnter(page, NEW_POLICY);

      // 3: instance — demo-web-1 (VPC, no role).
      await ui.waitForPrompt(page, { placeholder: /Which instance gets the role\?/ });
      const web = await ui.typeAndPick(page, INSTANCE_NAME, new RegExp(`${INSTANCE_NAME}$`));
      assert.equal(web.description, `${INSTANCE} · ${REGION}`);
      assert.match(web.detail, /Running · no role/);

      // The plan, in a modal dialog, before anything changes.
      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  plan: ${dialog.message} | ${dialog.detail.replace(/\n/g, ' | ')} | buttons ${dialog.buttons.join(', ')}`);
      assert.equal(dialog.message, `Set up role ${NEW_ROLE} on ${INSTANCE}?`);
      for (const re of [new RegExp(NEW_ROLE), new RegExp(NEW_POLICY), new RegExp(INSTANCE)])
        assert.match(dialog.detail, re);
      assert.ok(dialog.buttons.includes('Apply'), `buttons: ${dialog.buttons}`);
      assert.ok(!/costs money/.test(dialog.detail), 'no billable step on an existing instance');
      await step('flow-wizard-plan');
      log(`  answered the plan with ${await ui.answerDialog(page, 'Apply')} on "Apply"`);

      const done = await ui.waitForNotification(page, /^Done: role /, 60_000);
      log(`  ${done} (${Date.now() - t0} ms from the palette)`);
      assert.equal(
        done,
        `Done: role ${NEW_ROLE} is on instance ${INSTANCE}. Programs on it get temporary credentials from the metadata service, with no AccessKey on the machine.`,
      );
      const item = page
        .locator('.notification-list-item')
        .filter({ has: page.locator('.notification-list-item-message', { hasText: /^Done: role / }) })
        .first();
      const buttons = (await item.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
      assert.deepEqual(
        buttons.filter((b) => b === 'How to Connect' || b === 'Copy Instance ID'),
        ['How to Connect', 'Copy Instance ID'],
      );
      await step('flow-wizard-done');
      await opensReadOnly(page, ui, log, {
        notification: /^Done: role /,
        button: 'How to Connect',
        tab: `${INSTANCE}.md`,
        step,
      });
      await ui.clearNotifications(page);
    },
  },
  {
    name: 'flow 3: the ECS view shows the role on demo-web-1, and the RAM view the new role',
    timeoutMs: 60_000,
    async run({ page, ui, step, log }) {
      const [ram, ecs] = [view('alibabaCloud.ram'), view('alibabaCloud.ecs')];
      await ui.openViewContainer(page, CONTAINER());
      const want = `${INSTANCE} · Running · hardened only · role: ${NEW_ROLE}`;
      const t0 = Date.now();
      const rows = await waitForRows(
        page,
        ecs,
        `"${want}"`,
        (r) => (row(r, INSTANCE_NAME)?.description === want ? r : undefined),
        15_000,
      ).catch((e) => e);
      if (rows instanceof Error) {
        // The wizard refreshes the ECS view itself (refreshAfter); a person would press Refresh.
        log(`  NOTE: the ECS view did not update by itself within 15 s (${rows.message}); refreshing`);
        await ui.runCommand(
          page,
          `${contributes.paletteCommands().find((c) => c.id === 'alibabaCloud.ecs.refresh').label}`,
        );
        await waitForRows(page, ecs, `"${want}"`, (r) => (row(r, INSTANCE_NAME)?.description === want ? r : undefined));
        throw new Error(`the ECS view showed "${want}" only after a manual refresh (the wizard should refresh it)`);
      }
      log(
        `  ECS view updated ${Date.now() - t0} ms after the wizard: ${INSTANCE_NAME} [${row(rows, INSTANCE_NAME).description}]`,
      );
      const roles = await waitForRows(page, ram, NEW_ROLE, (r) => (row(r, NEW_ROLE) ? r : undefined));
      assert.equal(row(roles, NEW_ROLE).description, 'ECS');
      await step('flow-ecs-role-attached');
    },
  },
  {
    name: "flow 3b: edit the new policy's version, deploy it through the diff and the confirmation, then roll back",
    timeoutMs: 120_000,
    async run({ page, ui, step, log, sandbox, manifest }) {
      const ram = view('alibabaCloud.ram');
      const title = (id) => contributes.localize(manifest.contributes.commands.find((c) => c.command === id).title);
      const others = ['alibabaCloud.ecs', 'alibabaCloud.oss'].map(view);
      await ui.openViewContainer(page, CONTAINER());
      // Room for the policy's versions: the role list folds away too.
      for (const v of others) {
        await ui.collapseView(page, v);
      }
      const roles = ui.treeRow(page, ram, 'Roles');
      await roles.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await roles.getAttribute('aria-expanded')) === 'true') {
        await roles.locator('.monaco-tl-twistie').click();
      }
      await expand(page, ui, ram, 'Policies');
      await expand(page, ui, ram, 'Custom');
      await expand(page, ui, ram, NEW_POLICY);
      await waitForRows(page, ram, 'v1 (default)', (r) => row(r, 'v1 (default)'));
      await ui.clickTreeItem(page, ram, 'v1 (default)');
      const tab = page
        .locator('.part.editor .tabs-container .tab', { hasText: `${NEW_POLICY}.v1.policy.json` })
        .first();
      await tab.waitFor({ state: 'visible', timeout: 30_000 });

      // Add one read action after "oss:List*" (the template's last action), typing like a user.
      const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
      await editor.locator('.view-line', { hasText: '"oss:List*"' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.type(',');
      await page.keyboard.press('Enter');
      // The closing quote either closes the string or types over an auto-closed one.
      await page.keyboard.type('"oss:GetObjectAcl"');
      // Monaco renders typed text a frame later: read until it shows (or 5 s).
      let text = await ui.activeEditorText(page);
      for (let i = 0; i < 25 && !/"oss:GetObjectAcl"/.test(text); i++) {
        await page.waitForTimeout(200);
        text = await ui.activeEditorText(page);
      }
      // Monaco renders lines in any DOM order: check the line, not the sequence.
      assert.match(text, /"oss:GetObjectAcl"/, text);
      await page.keyboard.press('ControlOrMeta+s');
      await page.waitForFunction((el) => !el.classList.contains('dirty'), await tab.elementHandle(), {
        timeout: 10_000,
      });
      log('  saved: the edit is kept in the editor, nothing was sent to RAM');

      // Deploy: the editor title action opens the diff against the live default, then the confirmation.
      await page
        .locator(
          `.part.editor .editor-group-container.active .editor-actions a.action-label[aria-label="${title('alibabaCloud.ram.setAsDefaultVersion')}"]`,
        )
        .click({ timeout: 10_000 });
      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  confirmation: ${dialog.message} | ${dialog.detail} | [${dialog.buttons.join(', ')}]`);
      assert.equal(
        dialog.message,
        `Make your edit the new default version of ${NEW_POLICY} in account ${sandbox.accountId} (profile Sandbox)?`,
      );
      assert.match(dialog.detail, new RegExp(`attached to 1 role \\(${NEW_ROLE}\\)`));
      await page
        .locator('.part.editor .editor-group-container.active .monaco-diff-editor')
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 });
      await step('flow-policy-deploy-diff-confirm');
      log(`  answered with ${await ui.answerDialog(page, 'Deploy as Default Version')} on "Deploy as Default Version"`);
      const done = await ui.waitForNotification(page, new RegExp(`${NEW_POLICY} is now at version v2`), 30_000);
      log(`  ${done}`);
      await waitForRows(page, ram, 'v2 (default)', (r) => row(r, 'v2 (default)') && row(r, 'v1'));
      await step('flow-policy-deployed');

      // Roll back from the version node: its own confirmation, then v1 is the default again.
      await ui.clickTreeItemAction(page, ram, 'v1', title('alibabaCloud.ram.rollBackPolicyVersion'));
      const back = await ui.waitForDialog(page, 30_000);
      log(`  roll back: ${back.message} | ${back.detail}`);
      assert.equal(
        back.message,
        `Make v1 the default version of ${NEW_POLICY} in account ${sandbox.accountId} (profile Sandbox)?`,
      );
      await step('flow-policy-rollback-confirm');
      await ui.answerDialog(page, 'Roll Back');
      await waitForRows(page, ram, 'v1 (default)', (r) => row(r, 'v1 (default)') && row(r, 'v2'));
      await step('flow-policy-rolled-back');

      await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
      await ui.clearNotifications(page);
      await ui.treeRow(page, ram, 'Policies').locator('.monaco-tl-twistie').click();
      await expand(page, ui, ram, 'Roles');
      // ECS and OSS stay folded: flow 4 needs the room for the identity view, flow 5 opens OSS itself.
    },
  },
  {
    name: 'flow 3c: with RAM propagation on, "Set Up Instance Role" waits for RAM to reach ECS and shows it, then succeeds',
    timeoutMs: 120_000,
    async run({ page, ui, step, log, sandbox }) {
      // Only for this step: a role reaches ECS 6 s after it is created, as on a real account.
      await controlSandbox(sandbox, 'realism', { propagationMs: PROPAGATION_MS });
      try {
        await ui.runCommand(page, command('alibabaCloud.setupInstanceRole'));
        await ui.waitForPrompt(page, { placeholder: /Select a role that ECS instances can assume/ });
        await waitForItems(page, ui, (items) => items.some((i) => /Create a new role/.test(i.label)));
        await ui.typeAndPick(page, 'Create a new role', /Create a new role…$/);
        await ui.waitForPrompt(page, { message: /Role name/ });
        await ui.typeAndEnter(page, WAITING_ROLE);
        await ui.waitForPrompt(page, { placeholder: /What may programs on the instance do\?/ });
        await ui.typeAndPick(page, 'OSS read-only (all', 'OSS read-only (all buckets)');
        await ui.waitForPrompt(page, { message: /Policy name/ });
        await ui.typeAndEnter(page, `${WAITING_ROLE}-OssRead`);
        await ui.waitForPrompt(page, { placeholder: /Which instance gets the role\?/ });
        await ui.typeAndPick(page, WORKER, new RegExp(`${WORKER}$`));
        // demo-worker-1 has the seeded role: replace it, then the plan.
        const replace = await ui.waitForDialog(page, 30_000);
        assert.match(replace.message, new RegExp(`${WORKER_ID} already has the role DemoEcsOssReader`));
        await ui.answerDialog(page, 'Replace');
        const plan = await ui.waitForDialog(page, 30_000);
        assert.equal(plan.message, `Set up role ${WAITING_ROLE} on ${WORKER_ID}?`);
        const t0 = Date.now();
        await ui.answerDialog(page, 'Apply');

        // The progress notification says what it waits for, counting seconds.
        // Screenshot once it has counted a few seconds.
        const waiting = await ui.waitForNotification(page, /waiting for RAM to reach ECS… [2-9] s/, 30_000);
        log(`  progress ${Date.now() - t0} ms after Apply: ${waiting}`);
        assert.match(
          waiting,
          new RegExp(`Attach ${WAITING_ROLE} to ${WORKER_ID}: waiting for RAM to reach ECS… \\d+ s`),
        );
        await step('flow-wizard-waiting-for-ram');

        const done = await ui.waitForNotification(page, new RegExp(`^Done: role ${WAITING_ROLE} `), 90_000);
        log(`  ${done.slice(0, 60)}… ${Date.now() - t0} ms after Apply`);
        assert.ok(Date.now() - t0 >= PROPAGATION_MS - 1500, 'it waited for the propagation delay');
        await ui.clearNotifications(page);
      } finally {
        await controlSandbox(sandbox, 'realism', { propagationMs: 0 });
      }
    },
  },
  {
    name: 'flow 4: "Detect Instance Role" offers the instance role; picked, it is the identity (view and status bar)',
    timeoutMs: 60_000,
    async run({ page, ui, step, log }) {
      const identity = view('alibabaCloud.identity');
      await ui.openViewContainer(page, CONTAINER());
      // Room for every row of the instance role (the tree is virtualised: only rows in view exist).
      for (const v of ['alibabaCloud.ram', 'alibabaCloud.ecs', 'alibabaCloud.oss'])
        await ui.collapseView(page, view(v));
      await ui.expandView(page, identity);
      const t0 = Date.now();
      await ui.runCommand(page, command('alibabaCloud.instance.detect'));
      const found = (r) => r.find((x) => x.label === `Instance role: ${NEW_ROLE}`);
      let rows = await waitForRows(
        page,
        identity,
        'the instance role',
        (r) => (found(r) ? r : undefined),
        15_000,
      ).catch((e) => e);
      if (rows instanceof Error) {
        // The metadata client's timeout is 1 s; a cold first request under load can exceed it.
        log(`  detect did not find the role at first (${rows.message}); detecting once more`);
        await ui.runCommand(page, command('alibabaCloud.instance.detect'));
        rows = await waitForRows(page, identity, 'the instance role', (r) => (found(r) ? r : undefined));
      }
      log(
        `  detected in ${Date.now() - t0} ms: ${rows.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(' | ')}`,
      );
      assert.match(found(rows).description, new RegExp(`^${INSTANCE} · ${REGION} · expires in \\d+ (h|min)`));
      for (const label of [`Role: ${NEW_ROLE}`, `Instance: ${INSTANCE}`]) assert.ok(row(rows, label), `row "${label}"`);
      assert.ok(
        rows.some((r) => /^Credentials: expires in \d+ (h|min)/.test(r.label ?? '')),
        'expiry countdown row',
      );
      assert.ok(
        rows.some((r) => /^Metadata: .*\/imds\/i-bp1sandboxvpc000001 \(hardened mode\)$/.test(r.label ?? '')),
        'metadata row',
      );
      assert.ok(!rows.some((r) => /No RAM role is attached/.test(r.label ?? '')), 'the problem node is gone');
      // Found through a non-default metadata URL (the sandbox's): offered, never made active on its own.
      const USE = 'Use the instance role as the active profile';
      assert.ok(
        rows.some((r) => r.label === USE),
        'the "use it" hint is offered (so the role is not active yet)',
      );
      await ui.clickTreeItem(page, identity, USE);
      // A switch of identity is always confirmed, naming the profile.
      const confirm = await ui.waitForDialog(page, 15_000);
      log(`  confirmation: ${confirm.message} | [${confirm.buttons.join(', ')}]`);
      await ui.answerDialog(page, 'Switch');
      rows = await waitForRows(page, identity, 'the instance role as the active profile', (r) =>
        !r.some((x) => x.label === USE) && r.some((x) => x.label === 'Instance role') ? r : undefined,
      );
      assert.ok(
        rows.some((r) => r.label === 'Instance role' && /ECS instance role · cn-hangzhou/.test(r.description ?? '')),
        'profile node "Instance role"',
      );
      const status = await ui.statusBarItem(page, new RegExp(`Instance role · ${REGION} · ${NEW_ROLE} · `));
      log(`  status bar: ${status}`);
      assert.match(status, new RegExp(`Instance role · ${REGION} · ${NEW_ROLE} · \\d+ (h|min)`));
      await step('flow-instance-identity');
    },
  },
  {
    name: 'flow 5: as the instance role, browse demo-data/config/ in the OSS view and open app.json',
    timeoutMs: 60_000,
    async run({ page, ui, step, log }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.openViewContainer(page, CONTAINER());
      // Room for the OSS tree (it is virtualised: only rows in view exist).
      for (const v of [ram, ecs, identity]) await ui.collapseView(page, v);
      await ui.expandView(page, oss);
      await waitForRows(page, oss, BUCKET, (r) => row(r, BUCKET));
      await expand(page, ui, oss, BUCKET);
      const top = await waitForRows(page, oss, `${BUCKET}'s folders`, (r) =>
        row(r, FOLDER) && row(r, 'README.md') ? r : undefined,
      );
      log(
        `  ${BUCKET}: ${top
          .filter((r) => r.level === 3)
          .map((r) => r.label)
          .join(', ')}`,
      );
      assert.deepEqual(
        top.filter((r) => r.level === 3).map((r) => r.label),
        ['config', 'data', 'images', 'logs', 'reports', 'README.md'],
      );
      await expand(page, ui, oss, FOLDER);
      const inFolder = await waitForRows(page, oss, `${FOLDER}/${OBJECT}`, (r) => (row(r, OBJECT) ? r : undefined));
      assert.match(row(inFolder, OBJECT).description, /^\d+ B · /);
      const t0 = Date.now();
      await ui.clickTreeItem(page, oss, OBJECT);
      const tab = page.locator('.part.editor .tabs-container .tab', { hasText: OBJECT }).first();
      await tab.waitFor({ state: 'visible', timeout: 30_000 });
      const deadline = Date.now() + 30_000;
      let text = '';
      while (!/"replicas": 2/.test(text) && Date.now() < deadline) {
        await page.waitForTimeout(200);
        text = await ui.activeEditorText(page);
      }
      log(`  opened oss://${BUCKET}/${OBJECT_KEY} in ${Date.now() - t0} ms`);
      assert.match(text, /"name": "demo"/);
      assert.match(text, /"env": "sandbox"/);
      assert.match(text, /"replicas": 2/);
      // A single click opens a preview and leaves the focus in the tree, as the Explorer does.
      const focus = await page.evaluate(() => ({
        sidebar: !!document.activeElement?.closest('.part.sidebar'),
        editor: !!document.activeElement?.closest('.part.editor'),
      }));
      assert.deepEqual(focus, { sidebar: true, editor: false }, 'the click left the focus in the OSS tree');
      await step('flow-oss-object-open');
    },
  },
  {
    name: 'flow 6: saving the edited object is refused for the read-only role, with the AccessDenied explanation (oss:PutObject)',
    timeoutMs: 90_000,
    async run({ page, ui, step, log, server, extensionId }) {
      const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
      await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.type(' ');
      const tab = page.locator('.part.editor .tabs-container .tab', { hasText: OBJECT }).first();
      await page.waitForFunction((el) => el.classList.contains('dirty'), await tab.elementHandle(), {
        timeout: 10_000,
      });
      const t0 = Date.now();
      await page.keyboard.press('ControlOrMeta+s');

      const explanation = await ui.waitForNotification(page, /OSS refused oss:PutObject/, 30_000);
      log(`  explanation (${Date.now() - t0} ms after Ctrl+S): ${explanation}`);
      assert.match(
        explanation,
        new RegExp(
          `OSS refused oss:PutObject on acs:oss:\\*:\\d+:${BUCKET}/${OBJECT_KEY.replace('.', '\\.')} for role ${NEW_ROLE}`,
        ),
      );
      assert.match(explanation, /profile "Instance role"/);
      assert.match(explanation, /A statement allowing oss:PutObject on .* would let it through/);
      const item = page
        .locator('.notification-list-item')
        .filter({ has: page.locator('.notification-list-item-message', { hasText: /OSS refused oss:PutObject/ }) })
        .first();
      const buttons = (await item.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
      log(`  its buttons: ${buttons.join(', ')}`);
      assert.ok(buttons.includes('Show Statement to Add'), `buttons: ${buttons}`);
      assert.ok(buttons.includes('Add to Role…'), `buttons: ${buttons}`);

      // One message, ours: Ctrl+S in an oss: editor uploads before VS Code saves, so VS Code's own
      // "Failed to save …" never comes (it would for any failed writeFile).
      assert.ok(await tab.evaluate((el) => el.classList.contains('dirty')), 'the edit is still unsaved');
      // One Ctrl+S, one refused PutObject (the extension's log has a line per refused write).
      const refusals = () =>
        extensionLogFiles(server, extensionId)
          .map((f) => fs.readFileSync(f, 'utf8'))
          .join('\n')
          .split('\n')
          .filter((l) => /\[error\] oss:PutObject oss:\/\/demo-data\/config\/app\.json: /.test(l)).length;
      await page.waitForTimeout(3000);
      assert.equal(refusals(), 1, 'PutObject attempts logged for one Ctrl+S');
      const all = await ui.notifications(page);
      log(`  notifications: ${all.map((n) => n.slice(0, 60)).join(' | ')}`);
      assert.ok(!all.some((n) => /Failed to save/.test(n)), `VS Code's save error shown too: ${all.join(' | ')}`);
      assert.equal(all.filter((n) => /OSS refused oss:PutObject/.test(n)).length, 1, 'ours, once');
      const ours = page
        .locator('.notifications-toasts .notification-toast-container', { hasText: /OSS refused oss:PutObject/ })
        .first();
      const shown = await ours.waitFor({ state: 'visible', timeout: 5000 }).then(
        () => true,
        () => false,
      );
      assert.equal(
        await page
          .locator('.notifications-toasts .notification-toast-container', { hasText: /Failed to save/ })
          .count(),
        0,
        'no VS Code save toast',
      );
      if (!shown && !(await page.locator('.notifications-center.visible').count()))
        await page.locator('#status\\.notifications').click();
      await page.waitForTimeout(500); // toast animation
      await step('flow-oss-save-denied');
      await opensReadOnly(page, ui, log, {
        notification: /OSS refused oss:PutObject/,
        button: 'Show Statement to Add',
        tab: /AllowOssPutObject-.*\.json/,
      });

      // Leave the page usable: drop the edit, close the editor and the notifications.
      await ui.runCommand(page, 'File: Revert File').catch(() => {});
      await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
      await ui.clearNotifications(page);
    },
  },
];

/** Polls the open quick pick's items until `ok(items)`; returns them. */
async function waitForItems(page, ui, ok, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const items = await ui.quickPickItems(page, 5000).catch(() => []);
    if (ok(items)) return items;
    if (Date.now() > deadline)
      throw new Error(
        `quick pick items not as expected within ${timeout} ms: ${JSON.stringify(items.map((i) => i.label))}`,
      );
    await page.waitForTimeout(200);
  }
}
