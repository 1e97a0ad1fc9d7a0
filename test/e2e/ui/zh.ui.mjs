// The extension in Chinese: the same VSIX, on a server started with `--locale zh-cn` and a
// stub language pack (lib/languagePack.mjs), so vscode.env.language is "zh-cn". Views and commands
// come from package.nls.zh-cn.json, tree rows, tooltips and dialogs from l10n/bundle.l10n.zh-cn.json;
// every expectation is read from those files, and each test fails when the English text shows instead.
// Nothing here changes the sandbox (the dialog is cancelled), so it may share one with the UI run.
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { waitForActivation } from '../lib/server.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';

export const ZH = 'zh-cn';
const t = (message, ...args) => contributes.l10n(ZH, message, ...args);

// From src/sandbox/seed/demo.ts (DEMO).
const INSTANCE = 'i-bp1sandboxvpc000001';
const INSTANCE_NAME = 'demo-web-1';
const CLASSIC = 'legacy-classic-1';
const SEEDED_ROLES = ['DemoEcsLogShipper', 'DemoEcsOssReader', 'DemoFcInvokeRole'];
const BUCKETS = ['demo-data', 'demo-many-keys', 'demo-shanghai-logs'];

const container = (lang = 'en') => contributes.viewContainers(lang).find((c) => c.id === 'alibabaCloud').title;
const view = (id, lang = ZH) => contributes.views('alibabaCloud', lang).find((v) => v.id === id).name;
const paletteLabel = (id, lang = ZH) => contributes.paletteCommands(lang).find((c) => c.id === id).label;
const menuTitle = (manifest, id) =>
  contributes.localize(manifest.contributes.commands.find((c) => c.command === id).title, ZH);

/** Both translations must exist and differ from English, or the test below could not tell them apart. */
function differs(zh, en, what) {
  assert.notEqual(zh, en, `${what}: the zh-cn text equals the English one ("${en}"), so it proves nothing`);
  return zh;
}

export const zhUiTests = [
  {
    name: 'zh-cn: the workbench and the extension host run in Chinese',
    // The first start of the extension host on a loaded two-core machine can take over a minute.
    timeoutMs: 150_000,
    async run({ page, server, extensionId, log }) {
      // What the server's language pack lookup gave the workbench; the remote extension host gets it as vscode.env.language.
      const language = await page.evaluate(() => globalThis._VSCODE_NLS_LANGUAGE);
      log(`  workbench language: ${language}`);
      assert.equal(language, ZH, 'the server did not resolve the locale to the language pack (still English)');
      await waitForActivation(server, extensionId, 120_000);
    },
  },
  {
    name: 'zh-cn: the four trees show the sandbox in Chinese',
    timeoutMs: 90_000,
    async run({ page, ui, step, log }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map((id) => view(id));
      differs(view('alibabaCloud.ecs'), view('alibabaCloud.ecs', 'en'), 'ECS view name');
      await ui.closeQuickInput(page);
      await ui.openViewContainer(page, differs(container(ZH), container(), 'view container title'));
      await ui.setSidebarWidth(page, 560);
      for (const v of [identity, ram, ecs, oss]) await ui.expandView(page, v); // the panes are found by their zh-cn names

      const roles = differs(t('Roles'), 'Roles', 'RAM "Roles" node');
      if (!(await ui.treeRow(page, ram, SEEDED_ROLES[0]).isVisible())) {
        const r = ui.treeRow(page, ram, roles);
        await r.waitFor({ state: 'visible', timeout: 30_000 });
        if ((await r.getAttribute('aria-expanded')) === 'false') await ui.expandTreeItem(page, ram, roles);
      }
      await waitForRows(page, ram, 'the seeded roles', (rows) =>
        SEEDED_ROLES.every((n) => row(rows, n)) ? rows : undefined,
      );

      const noRole = differs(t('no role'), 'no role', 'ECS "no role"');
      const instances = await waitForRows(page, ecs, INSTANCE_NAME, (rows) =>
        row(rows, INSTANCE_NAME) ? rows : undefined,
      );
      const description = row(instances, INSTANCE_NAME).description;
      log(`  ECS: ${INSTANCE_NAME} [${description}]`);
      const hardened = differs(t('hardened only'), 'hardened only', 'ECS "hardened only"');
      assert.equal(description, `${INSTANCE} · Running · ${hardened} · ${noRole}`);

      await waitForRows(page, oss, 'the buckets', (rows) => (BUCKETS.every((b) => row(rows, b)) ? rows : undefined));

      const problem = differs(
        t('Instance role: {0}', t('No RAM role is attached to {0}', INSTANCE)),
        `Instance role: No RAM role is attached to ${INSTANCE}`,
        'identity problem',
      );
      const sandbox = differs(t('Sandbox'), 'Sandbox', 'sandbox profile');
      const ids = await waitForRows(page, identity, 'the instance problem node', (rows) =>
        row(rows, problem) ? rows : undefined,
      );
      log(`  Identity: ${ids.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(' | ')}`);
      assert.ok(row(ids, sandbox), `the profile row "${sandbox}"`);
      await step('zh-trees');
    },
  },
  {
    name: 'zh-cn: an instance tooltip is in Chinese',
    async run({ page, ui, step, log }) {
      const ecs = view('alibabaCloud.ecs');
      const r = ui.treeRow(page, ecs, INSTANCE_NAME);
      await r.waitFor({ state: 'visible', timeout: 30_000 });
      await r.hover();
      const hover = page.locator('.monaco-hover:visible, .workbench-hover:visible').first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const status = differs(t('Status: {0}', 'Running'), 'Status: Running', 'tooltip status line');
      await hover.filter({ hasText: status }).waitFor({ state: 'visible', timeout: 10_000 });
      const text = (await hover.innerText()).trim();
      log(`  tooltip: ${text.replace(/\n+/g, ' | ')}`);
      const network = differs(t('Network: {0}', 'VPC'), 'Network: VPC', 'tooltip network line');
      assert.ok(text.includes(network.slice(0, network.indexOf('VPC'))), `the network line is not in Chinese: ${text}`);
      await step('zh-tooltip', { keepMouse: true });
      await page.mouse.move(700, 450);
    },
  },
  {
    name: 'zh-cn: the command palette lists our commands in Chinese',
    async run({ page, ui, step, log }) {
      const category = differs(
        contributes.localize('%category%', ZH),
        contributes.localize('%category%'),
        'command category',
      );
      const refresh = differs(
        paletteLabel('alibabaCloud.ecs.refresh'),
        paletteLabel('alibabaCloud.ecs.refresh', 'en'),
        'Refresh ECS View',
      );
      const labels = await ui.paletteCommands(page, `${category}: `, { minCount: 5 });
      log(`  palette (${labels.length} visible): ${labels.slice(0, 6).join(' | ')}`);
      assert.ok(labels.length >= 5, `the palette lists ${labels.length} commands for "${category}: "`);
      assert.ok(
        labels.every((l) => l.startsWith(`${category}: `)),
        `not all in the zh-cn category: ${labels.join(' | ')}`,
      );
      assert.deepEqual(await ui.paletteMissing(page, [refresh]), [], `the palette has no "${refresh}"`);
      await ui.openPalette(page, `${category}: `);
      await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ state: 'visible', timeout: 10_000 });
      await step('zh-palette');
      await ui.closeQuickInput(page);
    },
  },
  {
    name: 'zh-cn: the release confirmation is in Chinese (cancelled)',
    async run({ page, ui, step, log, manifest }) {
      const ecs = view('alibabaCloud.ecs');
      const r = ui.treeRow(page, ecs, CLASSIC);
      await r.waitFor({ state: 'visible', timeout: 30_000 });
      await r.click({ button: 'right' });
      const title = differs(
        menuTitle(manifest, 'alibabaCloud.ecs.releaseInstance'),
        contributes.localize('%command.ecs.releaseInstance%'),
        'release menu entry',
      );
      const item = page
        .locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label', { hasText: title })
        .first();
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.click();
      const menu = page.locator('.context-view .monaco-menu');
      if (
        !(await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(
          () => true,
          () => false,
        ))
      )
        await page.keyboard.press('Enter');
      const dialog = await ui.waitForDialog(page, 30_000);
      log(`  ${dialog.message} | ${dialog.detail.replace(/\n/g, ' | ')} | [${dialog.buttons.join(', ')}]`);
      assert.equal(
        dialog.message,
        differs(t('Release instance {0}?', CLASSIC), `Release instance ${CLASSIC}?`, 'release question'),
      );
      await step('zh-release-confirm');
      await page.keyboard.press('Escape');
      await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 10_000 });
    },
  },
];
