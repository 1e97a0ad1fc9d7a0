// Require Hardened Metadata Mode as a person runs it, against real programs "on" demo-worker-1: the
// sandbox's metadata reader as orders.service (normal mode: no token) and billing.service (token
// mode), started through the control route instance-app. What the screen shows is what is checked:
//   1. the ECS rows say "normal mode allowed" / "hardened only";
//   2. the probe names orders.service (and its command line) and the dialog offers Run Canary and
//      Switch Anyway, not the switch;
//   3. after the canary (orders.service restarted with ALIBABA_CLOUD_IMDSV1_DISABLED=true) the probe is
//      clean, the confirmation names account and profile, the switch and the post-check go through
//      and the row says "hardened only";
//   4. Roll Back from the result is one ModifyInstanceMetadataOptions call and the row says "normal
//      mode allowed" again.
// The probe watches for a chosen number of minutes on the sandbox clock: once its RunCommand is in,
// the test moves that clock past the probe instead of waiting a minute.
import assert from 'node:assert/strict';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox, sandboxControl } from '../lib/sandbox.mjs';
import { rowLabeled as row, waitForRows } from '../lib/ui.mjs';

// From src/sandbox/seed/demo.ts (DEMO).
const WORKER = 'demo-worker-1';
const WORKER_ID = 'i-bp1sandboxvpc000002';
const WEB = 'demo-web-1';
const NORMAL_APP = 'orders.service';
const TOKEN_APP = 'billing.service';

const CONTAINER = () => contributes.viewContainers().find((c) => c.id === 'alibabaCloud').title;
const ECS = () => contributes.views('alibabaCloud').find((v) => v.id === 'alibabaCloud.ecs').name;
const command = (id) => {
  const c = contributes.paletteCommands().find((x) => x.id === id);
  if (!c) throw new Error(`package.json contributes no palette command ${id}`);
  return c.label;
};

async function requests(sandbox) {
  const res = await sandboxControl(sandbox, 'requests');
  if (!res.ok) throw new Error(`GET /__sandbox/requests: HTTP ${res.status}`);
  return (await res.json()).requests;
}

const count = (list, action) => list.filter((r) => r.action === action && r.status === 200).length;

/** Waits until the sandbox answered the `n`-th RunCommand counted from `base`, then moves its clock past the probe. */
async function skipProbeWait(page, sandbox, base, n, log) {
  const deadline = Date.now() + 60_000;
  while (count(await requests(sandbox), 'RunCommand') < base + n) {
    if (Date.now() > deadline) throw new Error(`RunCommand #${n} of this flow never reached the sandbox`);
    await page.waitForTimeout(250);
  }
  await controlSandbox(sandbox, 'clock', { advanceMs: 61_000 });
  log(`  probe ${n}: sandbox clock moved 61 s on`);
}

/** The ECS view's row of `name` once its description matches `re`. */
const rowWhen = (page, name, re) =>
  waitForRows(page, ECS(), `${name} matching ${re}`, (rows) =>
    re.test(row(rows, name)?.description ?? '') ? row(rows, name) : undefined,
  );

let base = 0;

export const metadataUiTests = [
  {
    name: 'metadata 1: rows show the mode; the probe names the normal-mode app and the dialog does not offer the switch',
    timeoutMs: 120_000,
    async run({ page, ui, step, log, sandbox }) {
      // The sandbox is shared with the in-host run, whose metadata tests switch modes too.
      const modifiesBefore = count(await requests(sandbox), 'ModifyInstanceMetadataOptions');
      const pids = {};
      for (const [unit, mode] of [
        [NORMAL_APP, 'normal'],
        [TOKEN_APP, 'token'],
      ]) {
        const { pid } = await controlSandbox(sandbox, 'instance-app', { instanceId: WORKER_ID, unit, mode });
        pids[unit] = pid;
        log(`  ${unit} (${mode} mode) runs on ${WORKER_ID} as pid ${pid}`);
      }
      await ui.openViewContainer(page, CONTAINER());
      await ui.setSidebarWidth(page, 620);
      await ui.expandView(page, ECS());
      const worker = await rowWhen(page, WORKER, /· normal mode allowed ·/);
      const web = await rowWhen(page, WEB, /· hardened only ·/);
      log(`  ECS: ${WORKER} [${worker.description}] | ${WEB} [${web.description}]`);
      await step('metadata-rows');

      base = count(await requests(sandbox), 'RunCommand');
      await ui.runCommand(page, command('alibabaCloud.ecs.requireHardenedMetadata'));
      await ui.waitForPrompt(page, { placeholder: /^Require hardened metadata mode on which instance\?/ });
      const offered = await ui.quickPickItems(page);
      const webItem = offered.find((i) => i.label.includes(WEB));
      assert.match(`${webItem?.description} ${webItem?.detail}`, /unavailable.*already hardened only/s);
      await ui.typeAndPick(page, WORKER_ID, new RegExp(WORKER));
      await ui.waitForPrompt(page, { placeholder: /^Probe for how long\?/ });
      await ui.typeAndPick(page, '1 min');
      const probing = await ui.waitForNotification(page, new RegExp(`Probing ${WORKER_ID}`), 30_000);
      log(`  ${probing}`);
      await step('metadata-probing');
      await skipProbeWait(page, sandbox, base, 1, log);

      const dialog = await ui.waitForDialog(page, 60_000);
      log(`  ${dialog.message} | ${dialog.detail.split('\n')[0]} | [${dialog.buttons.join(', ')}]`);
      assert.equal(dialog.message, `The probe found processes that may read metadata without a token: ${NORMAL_APP}`);
      assert.match(
        dialog.detail,
        new RegExp(
          `${WORKER_ID}: ${NORMAL_APP} \\(pid ${pids[NORMAL_APP]}\\) — \\S*node\\S* \\S+metadata-reader\\.mjs normal`,
        ),
      );
      assert.ok(!dialog.detail.includes(TOKEN_APP), 'the token-mode app is no blocker');
      assert.match(dialog.detail, /cannot see a connection opened and closed between two samples/);
      assert.ok(
        dialog.buttons.includes('Run Canary…') && dialog.buttons.includes('Switch Anyway…'),
        `${dialog.buttons}`,
      );
      assert.ok(!dialog.buttons.some((b) => /Require Hardened Mode/.test(b)), 'no switch while a caller is named');
      assert.equal(
        count(await requests(sandbox), 'ModifyInstanceMetadataOptions'),
        modifiesBefore,
        'nothing switched yet',
      );
      await step('metadata-probe-blocks');
    },
  },
  {
    name: 'metadata 2: the canary, a clean probe, the confirmation, the switch and post-check, then Roll Back from the result',
    timeoutMs: 150_000,
    async run({ page, ui, step, log, sandbox }) {
      try {
        await ui.answerDialog(page, 'Run Canary…');
        await ui.waitForPrompt(page, { placeholder: /Restart which service with ALIBABA_CLOUD_IMDSV1_DISABLED=true/ });
        await ui.typeAndPick(page, NORMAL_APP);
        // RunCommand 2 is the canary, 3 the second probe.
        await skipProbeWait(page, sandbox, base, 3, log);

        const confirm = await ui.waitForDialog(page, 60_000);
        log(`  ${confirm.message} | [${confirm.buttons.join(', ')}]`);
        assert.match(
          confirm.message,
          /^Require hardened metadata mode on demo-worker-1 \(i-\w+\) in account \d+ \(profile Sandbox\)\?$/,
        );
        assert.match(confirm.detail, new RegExp(WORKER_ID));
        assert.match(confirm.detail, /The probe \(60 s\) found no process reading metadata without a token/);
        await step('metadata-confirm');
        const modifies = count(await requests(sandbox), 'ModifyInstanceMetadataOptions');
        await ui.answerDialog(page, 'Require Hardened Mode');

        const post = await ui.waitForNotification(page, /^Post-check: /, 60_000);
        log(`  ${post}`);
        assert.match(
          post,
          new RegExp(`^Post-check: Role \\w+ on ${WORKER_ID}: credentials come through a token and renew`),
        );
        const hardened = await rowWhen(page, WORKER, /· hardened only ·/);
        log(`  ECS: ${WORKER} [${hardened.description}]`);
        assert.equal(count(await requests(sandbox), 'ModifyInstanceMetadataOptions'), modifies + 1);
        await step('metadata-switched');

        await ui.clickNotificationAction(page, /^Post-check: /, 'Roll Back');
        const back = await rowWhen(page, WORKER, /· normal mode allowed ·/);
        log(`  after Roll Back: ${WORKER} [${back.description}]`);
        log(`  ${await ui.waitForNotification(page, /^Normal mode is allowed again on /, 30_000)}`);
        assert.equal(count(await requests(sandbox), 'ModifyInstanceMetadataOptions'), modifies + 2, 'one call');
        await step('metadata-rolled-back');
      } finally {
        await sandboxControl(sandbox, 'instance-app', { method: 'DELETE' }).catch(() => {});
        await ui.closeQuickInput(page).catch(() => {});
        if (await page.locator('.monaco-dialog-box').isVisible()) await page.keyboard.press('Escape');
        await ui.clearNotifications(page);
      }
    },
  },
];
