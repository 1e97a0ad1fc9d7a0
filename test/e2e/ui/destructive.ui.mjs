// What cannot be undone, done the way a person does it: from the tree's context menu, answering the
// confirmation and typing the name. Releasing an instance, deleting a bucket (one this flow
// creates with Create Bucket first), and moving two objects by dragging them onto a folder. These
// run after the other flows and depend on none of their state: each switches to the sandbox profile
// first (flows leave the window on an instance role).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as contributes from '../lib/manifest.mjs';
import { sandboxControl } from '../lib/sandbox.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';
import { REPO } from '../lib/paths.mjs';

// From src/sandbox/seed/demo.ts (DEMO): no other flow uses this instance.
const RELEASED = 'legacy-classic-1';
const RELEASED_ID = 'i-bp1sandboxclassic01';
const NEW_BUCKET = 'e2e-doomed-bucket';
const REGION = 'cn-hangzhou';

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;
const paletteLabel = (id) => contributes.paletteCommands().find((x) => x.id === id).label;
/** A command's title as context menus show it (no category). */
export const menuTitle = (manifest, id) =>
  contributes.localize(manifest.contributes.commands.find((c) => c.command === id).title);

/** Right-clicks a tree row and runs the context menu entry `title`. */
export async function contextMenu(page, ui, viewName, label, title) {
  const r = ui.treeRow(page, viewName, label);
  await r.waitFor({ state: 'visible', timeout: 30_000 });
  await r.click({ button: 'right' });
  const item = page
    .locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label', { hasText: title })
    .first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await item.click();
  // A click that lands while the tree redraws under the menu can be swallowed (the entry stays
  // highlighted and the menu open): the highlighted entry then runs with Enter, as a user would.
  const menu = page.locator('.context-view .monaco-menu');
  if (
    !(await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(
      () => true,
      () => false,
    ))
  ) {
    await page.keyboard.press('Enter');
  }
}

/**
 * Types the whole name over the partial one, waits until the (debounced) validation no longer
 * refuses it, then presses Enter: checking right after typing can still see the old refusal.
 */
async function finishName(page, name) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.focus();
  await input.press('ControlOrMeta+a');
  await page.keyboard.type(name, { delay: 10 });
  await page
    .locator('.quick-input-widget .quick-input-message', { hasText: 'exactly' })
    .waitFor({ state: 'hidden', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The sandbox profile as the identity, whatever earlier flows chose (asked like any switch). */
export async function useSandboxProfile(page, ui, log) {
  await ui.runCommand(page, paletteLabel('alibabaCloud.selectProfile'));
  await ui.waitForPrompt(page, { placeholder: /Which identity should the extension use\?/ });
  const picked = await ui.typeAndPick(page, 'Sandbox', 'Sandbox');
  log(`  profile: ${picked.label} (${picked.description})`);
  await ui.statusBarItem(page, /Sandbox/, 30_000).catch(() => {});
}

/**
 * The sandbox's own view of a bucket, read with ali-oss (a real signed ListObjects/GetObject; the
 * IP endpoint makes it path-style), independent of what the tree shows.
 */
function bucketReader(sandbox, bucket) {
  const OSS = createRequire(`${REPO}/package.json`)('ali-oss');
  const client = new OSS({
    endpoint: sandbox.url,
    accessKeyId: sandbox.accessKeyId,
    accessKeySecret: sandbox.accessKeySecret,
    bucket,
    region: `oss-${REGION}`,
    timeout: 10_000,
  });
  return {
    keys: async (prefix) => ((await client.list({ prefix, 'max-keys': 1000 })).objects ?? []).map((o) => o.name),
    text: async (key) => (await client.get(key)).content.toString('utf8'),
  };
}

/** The labels of the rows under the row labelled `parent` (its subtree as rendered), or undefined. */
function childrenOf(rows, parent) {
  const i = rows.findIndex((x) => x.label?.trim() === parent);
  if (i < 0) return undefined;
  const after = rows.slice(i + 1);
  const end = after.findIndex((x) => x.level <= rows[i].level);
  return (end < 0 ? after : after.slice(0, end)).map((x) => x.label?.trim());
}

/** The actions the sandbox has answered so far, oldest first. */
async function actions(sandbox) {
  return (await (await sandboxControl(sandbox, 'requests')).json()).requests.map((r) => r.action);
}

export const destructiveTests = [
  {
    name: `destructive 1: release ${RELEASED} from its context menu: the loss is spelled out, its name must be typed, then it leaves the tree`,
    timeoutMs: 120_000,
    async run({ page, ui, step, log, manifest, sandbox }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.closeQuickInput(page);
      await ui.clearNotifications(page);
      await useSandboxProfile(page, ui, log);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [oss, ram, identity]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, ecs);
      await ui.runCommand(page, paletteLabel('alibabaCloud.ecs.refresh'));
      await waitForRows(
        page,
        ecs,
        RELEASED,
        (r) => (row(r, RELEASED)?.description?.startsWith(`${RELEASED_ID} · Running`) ? r : undefined),
        45_000,
      );

      await contextMenu(page, ui, ecs, RELEASED, menuTitle(manifest, 'alibabaCloud.ecs.releaseInstance'));
      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  ${dialog.message} | ${dialog.detail.replace(/\n/g, ' | ')} | [${dialog.buttons.join(', ')}]`);
      assert.equal(dialog.message, `Release instance ${RELEASED}?`);
      assert.match(dialog.detail, new RegExp(`Releasing ${RELEASED} \\(${RELEASED_ID}, ${REGION}\\) cannot be undone`));
      assert.match(dialog.detail, /system disk .* erased/);
      assert.match(dialog.detail, /public IP 118\.31\.0\.5 is given back/);
      assert.match(dialog.detail, /It is running: ECS releases a running instance only by force/);
      assert.ok(
        dialog.buttons.includes('Stop, then Release…') && dialog.buttons.includes('Force Release…'),
        `buttons: ${dialog.buttons}`,
      );
      await step('destructive-release-confirm');
      await ui.answerDialog(page, 'Stop, then Release…');

      // The name must be typed exactly: a wrong one is refused in place, nothing is sent.
      const prompt = await ui.waitForPrompt(page, { message: new RegExp(`Type the instance name "${RELEASED}"`) });
      log(`  asks: ${prompt.message}`);
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.focus();
      await page.keyboard.type('legacy-classic', { delay: 10 });
      await page
        .locator('.quick-input-widget .quick-input-message', { hasText: `Type the instance name exactly: ${RELEASED}` })
        .waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.waitForTimeout(300);
      assert.ok(await page.locator('.quick-input-widget').isVisible(), 'Enter with a wrong name does not release');
      const before = (await actions(sandbox)).length;
      await finishName(page, RELEASED);
      await step('destructive-release-typed');

      const done = await ui.waitForNotification(
        page,
        new RegExp(`Instance ${RELEASED} \\(${RELEASED_ID}\\) released`),
        60_000,
      );
      log(`  ${done}`);
      const writes = (await actions(sandbox)).slice(before).filter((a) => /^(Stop|Delete)Instance$/.test(a));
      log(`  writes after the name was typed: ${writes.join(', ')}`);
      assert.deepEqual(writes, ['StopInstance', 'DeleteInstance'], 'stopped first, then released (not forced)');
      await waitForRows(
        page,
        ecs,
        `${RELEASED} gone`,
        (r) => (row(r, 'demo-web-1') && !row(r, RELEASED) ? r : undefined),
        30_000,
      );
      await step('destructive-release-done');
      await ui.clearNotifications(page);
    },
  },
  {
    name: `destructive 2: create bucket ${NEW_BUCKET}, then delete it from its context menu after typing its name`,
    timeoutMs: 120_000,
    async run({ page, ui, step, log, manifest }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.closeQuickInput(page);
      await useSandboxProfile(page, ui, log);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [ecs, ram, identity]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, oss);

      // Create Bucket: name, region, storage class; private by default.
      await ui.runCommand(page, paletteLabel('alibabaCloud.oss.createBucket'));
      await ui.waitForPrompt(page, { message: /Bucket name/ });
      await ui.typeAndEnter(page, NEW_BUCKET);
      await ui.waitForPrompt(page, { placeholder: /Region of the bucket/ });
      await ui.typeAndPick(page, REGION, REGION);
      await ui.waitForPrompt(page, { placeholder: /Default storage class/ });
      await ui.typeAndPick(page, 'Standard', 'Standard');
      const created = await ui.waitForNotification(
        page,
        new RegExp(`Bucket ${NEW_BUCKET} created in ${REGION}`),
        30_000,
      );
      log(`  ${created}`);
      await waitForRows(
        page,
        oss,
        NEW_BUCKET,
        (r) => (row(r, NEW_BUCKET)?.description === REGION ? r : undefined),
        30_000,
      );
      await step('destructive-bucket-created');
      await ui.clearNotifications(page);

      await contextMenu(page, ui, oss, NEW_BUCKET, menuTitle(manifest, 'alibabaCloud.oss.deleteBucket'));
      const prompt = await ui.waitForPrompt(page, {
        message: new RegExp(`Type the bucket name "${NEW_BUCKET}" to delete it`),
      });
      log(`  asks: ${prompt.message}`);
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.focus();
      await page.keyboard.type('e2e-doomed', { delay: 10 });
      await page
        .locator('.quick-input-widget .quick-input-message', { hasText: `Type the bucket name exactly: ${NEW_BUCKET}` })
        .waitFor({ state: 'visible', timeout: 10_000 });
      await step('destructive-bucket-wrong-name');
      await finishName(page, NEW_BUCKET);
      const deleted = await ui.waitForNotification(page, new RegExp(`Bucket ${NEW_BUCKET} deleted\\.`), 30_000);
      log(`  ${deleted}`);
      await waitForRows(
        page,
        oss,
        `${NEW_BUCKET} gone`,
        (r) => (row(r, 'demo-data') && !row(r, NEW_BUCKET) ? r : undefined),
        30_000,
      );
      await step('destructive-bucket-deleted');
      await ui.clearNotifications(page);
    },
  },
  {
    name: 'destructive 3: select two objects in demo-data/reports/, drag them onto config/: one confirmation, then they move',
    timeoutMs: 120_000,
    async run({ page, ui, step, log, sandbox }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      const bucket = bucketReader(sandbox, 'demo-data');
      const moving = ['q1.csv', 'q2.csv'];
      const bodies = await Promise.all(moving.map((n) => bucket.text(`reports/${n}`)));
      assert.deepEqual(await bucket.keys('config/q'), [], 'config/ holds no q*.csv before the drag');
      await ui.closeQuickInput(page);
      await ui.clearNotifications(page);
      await useSandboxProfile(page, ui, log);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [ecs, ram, identity]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, oss);
      await ui.runCommand(page, paletteLabel('alibabaCloud.oss.refresh'));
      await ui.expandTreeItem(page, oss, 'demo-data');
      await ui.expandTreeItem(page, oss, 'reports');
      await waitForRows(
        page,
        oss,
        'reports/q1.csv and q2.csv',
        (r) => (childrenOf(r, 'reports')?.includes('q2.csv') && row(r, 'q1.csv') && row(r, 'config') ? r : undefined),
        30_000,
      );

      // Two rows selected the way a person does it (click, then Ctrl/Cmd+click), then dragged by the
      // second onto the config folder row. Playwright's dragTo is a real HTML5 drag in Chromium
      // (dragstart, dragenter/dragover on the target, drop), through the workbench's own list DnD.
      await ui.treeRow(page, oss, 'q1.csv').click();
      await ui.treeRow(page, oss, 'q2.csv').click({ modifiers: ['ControlOrMeta'] });
      await page.waitForFunction(
        (names) => {
          const selected = [...document.querySelectorAll('.monaco-list-row[aria-selected=true] .label-name')].map((e) =>
            e.textContent.trim(),
          );
          return names.every((n) => selected.includes(n));
        },
        moving,
        { timeout: 10_000 },
      );
      await step('destructive-dnd-selected');
      const before = (await actions(sandbox)).length;
      await ui.treeRow(page, oss, 'q2.csv').dragTo(ui.treeRow(page, oss, 'config'), { timeout: 15_000 });

      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  ${dialog.message} | ${dialog.detail.replace(/\n/g, ' | ')} | [${dialog.buttons.join(', ')}]`);
      // A tree drop gets no modifier keys, so the dialog asks Move or Copy.
      assert.equal(dialog.message, 'Move or copy 2 objects to oss://demo-data/config/?');
      assert.deepEqual(
        dialog.detail.split('\n').filter((l) => l.startsWith('oss://')),
        moving.map((n) => `oss://demo-data/reports/${n}`),
      );
      assert.match(dialog.detail, /Profile: Sandbox\./);
      assert.match(dialog.detail, /Move deletes each source only after its copy succeeded/);
      assert.deepEqual([...dialog.buttons].sort(), ['Cancel', 'Copy', 'Move']);
      assert.deepEqual(
        (await actions(sandbox)).slice(before).filter((a) => /^(Copy|Delete|Put)/.test(a)),
        [],
        'nothing written before the answer',
      );
      assert.deepEqual(
        await bucket.keys('reports/'),
        moving.map((n) => `reports/${n}`),
        'nothing moved before the answer',
      );
      await step('destructive-dnd-confirm');
      await ui.answerDialog(page, 'Move');

      const done = await ui.waitForNotification(page, /Moved 2 objects to oss:\/\/demo-data\/config\//, 30_000);
      log(`  ${done}`);
      const writes = (await actions(sandbox))
        .slice(before)
        .filter((a) => /^(CopyObject|DeleteObject|DeleteMultipleObjects|PutObject)$/.test(a));
      log(`  writes after the answer: ${writes.join(', ')}`);
      assert.deepEqual(
        writes,
        ['CopyObject', 'DeleteObject', 'CopyObject', 'DeleteObject'],
        'each source deleted only after its own copy',
      );
      // Over the wire: the keys moved, with their bytes.
      assert.deepEqual(
        await bucket.keys('config/q'),
        moving.map((n) => `config/${n}`),
      );
      assert.deepEqual(await bucket.keys('reports/'), [], 'the sources are gone');
      assert.deepEqual(
        await Promise.all(moving.map((n) => bucket.text(`config/${n}`))),
        bodies,
        'the moved objects hold the same bytes',
      );

      // In the tree: both under config/, none left anywhere else (reports/ was only these two, so it goes).
      await ui.expandTreeItem(page, oss, 'config');
      await waitForRows(
        page,
        oss,
        'q1.csv and q2.csv under config/ only',
        (r) => {
          const under = childrenOf(r, 'config');
          const everywhere = r.filter((x) => moving.includes(x.label?.trim())).length;
          return under && moving.every((n) => under.includes(n)) && everywhere === moving.length && !row(r, 'reports')
            ? r
            : undefined;
        },
        30_000,
      );
      await step('destructive-dnd-moved');
      await ui.clearNotifications(page);
    },
  },
];
