// What a person reads when there is no tree to give context: the palette (titles that say what
// they act on), a tree refused by access policy (who may not do what, and what to do about it), and
// a server that answers HTTP 500 with an empty body (said in plain words, not a JSON parse error).
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox, sandboxControl } from '../lib/sandbox.mjs';

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const view = (id) => contributes.views('alibabaCloud').find((v) => v.id === id).name;
const command = (id) => contributes.paletteCommands().find((x) => x.id === id).label;
// flows.ui.mjs leaves the window on this instance role (OSS read-only), which may not read RAM.
const INSTANCE_ROLE = 'E2eOssReader';

async function waitForRow(page, ui, viewName, re, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await ui.treeItems(page, viewName, { minCount: 0 }).catch(() => []);
    const hit = rows.find((r) => re.test(r.label ?? ''));
    if (hit) return { hit, rows };
    if (Date.now() > deadline)
      throw new Error(
        `view "${viewName}": no row ${re} within ${timeout} ms; rows: ${JSON.stringify(rows.map((r) => r.label))}`,
      );
    await page.waitForTimeout(200);
  }
}

export const paletteUiTests = [
  {
    name: 'palette: "Alibaba Cloud: Refresh" lists one refresh per view, each naming its view',
    async run({ page, ui, step, log }) {
      const category = contributes.paletteCommands()[0].label.split(': ')[0];
      const labels = await ui.paletteCommands(page, `${category}: Refresh`, { minCount: 4 });
      log(`  ${labels.join(' | ')}`);
      for (const v of ['Identity', 'RAM', 'ECS', 'OSS'])
        assert.ok(labels.includes(`${category}: Refresh ${v} View`), `Refresh ${v} View in ${labels}`);
      assert.ok(!labels.includes(`${category}: Refresh`), 'no bare "Refresh"');
      assert.equal(new Set(labels).size, labels.length, 'no two rows read the same');
      await ui.openPalette(page, `${category}: Refresh`);
      await page.locator('.quick-input-widget .monaco-list-row').nth(3).waitFor({ state: 'visible', timeout: 10_000 });
      await step('palette-refresh');
      await ui.closeQuickInput(page);
    },
  },
];

export const stateUiTests = [
  {
    name: `refused tree: as instance role ${INSTANCE_ROLE} the RAM view says who may not do what, with Switch Profile, Check Access and Show Log`,
    timeoutMs: 60_000,
    async run({ page, ui, step, log }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [oss, ecs, identity]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, ram);
      await ui.runCommand(page, command('alibabaCloud.ram.refresh'));
      const { hit, rows } = await waitForRow(page, ui, ram, /may not list RAM roles/);
      log(`  ${rows.map((r) => `${r.label}${r.description ? ` (${r.description})` : ''}`).join(' | ')}`);
      assert.equal(hit.label.trim(), `Instance role ${INSTANCE_ROLE} may not list RAM roles`);
      assert.equal(hit.description?.trim(), 'ram:ListRoles');
      assert.match(hit.ariaLabel ?? '', /^Refused: Instance role E2eOssReader may not list RAM roles/);
      assert.doesNotMatch(rows.map((r) => r.label).join('\n'), /Your identity is not allowed|^Error:/m);
      const below = rows.filter((r) => r.level === hit.level + 1).map((r) => r.label.trim());
      for (const action of ['Switch Profile…', 'Check Access for ram:ListRoles…', 'Show Log'])
        assert.ok(below.includes(action), `"${action}" under the refusal: ${below}`);
      await step('ram-refused');
      // Show Log opens the extension's output channel, where the refused call is logged.
      await ui.clickTreeItem(page, ram, 'Show Log');
      await page
        .locator('.part.panel .monaco-editor .view-lines', { hasText: /ListRoles/ })
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 });
      await ui.hidePanel(page);
    },
  },
  {
    name: 'HTTP 500 with an empty body: the ECS view says which endpoint answered what, in plain words, with Retry',
    timeoutMs: 90_000,
    async run({ page, ui, step, sandbox, log }) {
      const [identity, ram, ecs, oss] = [
        'alibabaCloud.identity',
        'alibabaCloud.ram',
        'alibabaCloud.ecs',
        'alibabaCloud.oss',
      ].map(view);
      await ui.openViewContainer(page, CONTAINER());
      for (const v of [oss, ram, identity]) await ui.collapseView(page, v).catch(() => {});
      await ui.expandView(page, ecs);
      await controlSandbox(sandbox, 'faults', { service: 'ecs', kind: 'error5xx', emptyBody: true, requestId: '' });
      try {
        await ui.runCommand(page, command('alibabaCloud.ecs.refresh'));
        const { hit, rows } = await waitForRow(page, ui, ecs, /answered HTTP 500/, 45_000);
        log(`  ${rows.map((r) => r.label).join(' | ')}`);
        assert.equal(hit.label.trim(), 'ecs.cn-hangzhou answered HTTP 500 with an empty body.');
        assert.doesNotMatch(rows.map((r) => r.label).join('\n'), /JSON|Unknow error|SyntaxError/);
        const below = rows.filter((r) => r.level === hit.level + 1).map((r) => r.label.trim());
        assert.deepEqual(below, ['Retry', 'Show Log']);
        await step('ecs-http-500-empty-body');
      } finally {
        await sandboxControl(sandbox, 'faults', { method: 'DELETE' }).catch(() => {});
      }
      // The server healthy again, Retry loads the view.
      await ui.clickTreeItem(page, ecs, 'Retry');
      await waitForRow(page, ui, ecs, /cn-hangzhou|No instances|may not/, 45_000);
    },
  },
];
