// A repository or link the user opens is not the user. The window is reopened on a hostile
// multi-root workspace: a .code-workspace whose oss:// folder names a profile the user never chose
// (a CLI profile signed by the sandbox's sub-account, labelled "Sandbox"), a local folder whose
// .gitignore backtracks catastrophically in a naive matcher (and has an invalid range), and an
// oss:// folder whose objects carry `[x](command:…)` links and `..`/`.` segments. It shows: the
// question names the real profile and nothing is signed with that profile (the sandbox's request
// log records the signer of every request); no `..`/`.` entry in the Explorer; no `command:` link in
// any notification; the extension host answers a command round trip within a bound while the
// AccessKey scan runs. Then a window whose only folder is oss:// asks first, sends nothing before the
// answer and lists the bucket after it.
// Last in the run: it navigates the shared page to other workspaces.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as contributes from '../lib/manifest.mjs';
import { controlSandbox, ossClient, sandboxControl } from '../lib/sandbox.mjs';
import { extensionLogFiles, makeDataDir, workbenchUrl } from '../lib/server.mjs';

// From src/sandbox/seed/demo.ts (DEMO).
const BUCKET = 'demo-data';
const REGION = 'cn-hangzhou';
const PROFILE = 'e2e-prod';
const DIR = 'e2e-hostile';
const LINK = '[x](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D).txt';
const KEYS = [`${DIR}/${LINK}`, `${DIR}/../escape.txt`, `${DIR}/./dot.txt`, `${DIR}/sub/../up.txt`, `${DIR}/ok.txt`];
/**
 * A round trip through the extension host (command chosen → its quick pick of profiles shown) within
 * this, on a shared 2-core machine; a host blocked by the scan (minutes) misses it.
 */
const ROUND_TRIP_MS = 3000;

/**
 * Extra settings for the UI run: the CLI profile the hostile workspace names reaches the sandbox
 * (endpoints as src/cloud/profile.ts sandboxEndpoints), so without the binding trust its requests
 * would be in the sandbox's log. The profile itself exists only while the test runs.
 */
export function hostileSettings(sandbox) {
  const { hostname, port } = new URL(sandbox.url);
  const hostPort = `${hostname}:${port}`;
  return {
    'alibabaCloud.endpointOverrides': {
      [PROFILE]: {
        protocol: 'http',
        ram: hostPort,
        sts: hostPort,
        ecs: hostPort,
        oss: `http://oss-{region}.aliyuncs.com:${port}`,
        ossResolveTo: hostname,
      },
    },
  };
}

/**
 * Puts `key` as given: ali-oss and URL parsers collapse "." and ".." segments, so the request is
 * presigned (virtual-host name, as the extension reaches the sandbox) and sent with its raw path.
 */
async function putRaw(sandbox, key, body) {
  const { hostname, port } = new URL(sandbox.url);
  const signer = ossClient(sandbox, BUCKET, REGION, `http://oss-${REGION}.aliyuncs.com:${port}`);
  const signed = signer.signatureUrl(key, { method: 'PUT', expires: 600 });
  const start = signed.indexOf('/', signed.indexOf('//') + 2);
  await new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method: 'PUT',
        path: signed.slice(start),
        headers: { host: signed.slice(signed.indexOf('//') + 2, start), 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode < 300 ? resolve() : reject(new Error(`PUT ${key}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const requests = async (sandbox) => (await (await sandboxControl(sandbox, 'requests')).json()).requests;

/** The Explorer's visible rows: label, and whether expanded. */
async function explorerRows(page) {
  return page.locator('.explorer-folders-view .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => ({
      label: r.querySelector('.label-name')?.textContent ?? '',
      expanded: r.getAttribute('aria-expanded'),
      level: Number(r.getAttribute('aria-level')),
    })),
  );
}

async function expandExplorerRow(page, label, timeout = 30_000) {
  const row = page
    .locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) })
    .first();
  await row.waitFor({ state: 'visible', timeout });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
}

async function waitForExplorer(page, what, pick, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await explorerRows(page);
    const hit = pick(rows);
    if (hit) return hit;
    await page.waitForTimeout(300);
  }
  throw new Error(`Explorer: no ${what} within ${timeout} ms; rows: ${JSON.stringify(rows)}`);
}

/**
 * The anchors in any notification (toasts and the Notification Center) that run a command or come
 * from the hostile key (VS Code's own messages may carry https links).
 */
const notificationLinks = (page) =>
  page
    .locator('.notifications-toasts a, .notifications-center a')
    .evaluateAll((as) =>
      as
        .map((a) => `${a.textContent} → ${a.getAttribute('href') ?? a.getAttribute('data-href') ?? a.title}`)
        .filter((t) => /command:|sendSequence|\(x\)|^x →/.test(t)),
    );

async function openWindow(page, ui, server, workspace) {
  await page.goto(workbenchUrl(server, { workspace }), { timeout: 60_000 });
  await ui.waitForWorkbench(page);
  return Date.now();
}

export const hostileTests = [
  {
    name: 'hostile workspace: a foreign oss: binding signs nothing, no ".." entry, no command: link in a toast, the host answers during the scan',
    timeoutMs: 240_000,
    async run({ page, ui, step, log, sandbox, server, extensionId, env }) {
      const cliConfig = env?.ALIBABA_CLOUD_CLI_CONFIG;
      assert.ok(cliConfig, 'the UI run points ALIBABA_CLOUD_CLI_CONFIG at a private file');
      const sub = sandbox.subAccount;
      assert.ok(sub?.accessKeyId, 'the sandbox has a sub-account key');
      fs.writeFileSync(
        cliConfig,
        JSON.stringify({
          profiles: [
            {
              name: PROFILE,
              mode: 'AK',
              access_key_id: sub.accessKeyId,
              access_key_secret: sub.accessKeySecret,
              region_id: REGION,
            },
          ],
        }),
        { mode: 0o600 },
      );
      const client = ossClient(sandbox, BUCKET, REGION);
      for (const k of KEYS) await putRaw(sandbox, k, Buffer.from(`${k}\n`));
      const dir = makeDataDir('e2e-hostile-ws-');
      const project = path.join(dir, 'project');
      fs.mkdirSync(project);
      // A naive glob-to-regex turns this into nested wildcards: minutes per 40-character name.
      fs.writeFileSync(path.join(project, '.gitignore'), '*a*a*a*a*a*a*a*a*a*a*a*a*b\n[z-a]\nnode_modules/\n');
      // In a subfolder, so the Explorer shows the other roots without scrolling.
      fs.mkdirSync(path.join(project, 'names'));
      for (let i = 0; i < 2000; i++)
        fs.writeFileSync(path.join(project, 'names', `${'a'.repeat(36)}${String(i).padStart(4, '0')}`), 'x\n');
      fs.writeFileSync(path.join(project, 'big.txt'), 'const region = "cn-hangzhou";\n'.repeat(36_000));
      const foreign = `oss://${BUCKET}/?${JSON.stringify({ profile: `cli:${PROFILE}`, name: 'Sandbox' })}`;
      const hostileWs = path.join(dir, 'hostile.code-workspace');
      fs.writeFileSync(
        hostileWs,
        JSON.stringify({
          folders: [{ path: 'project' }, { uri: foreign }, { uri: `oss://${BUCKET}/${DIR}/`, name: 'hostile-keys' }],
        }),
      );
      const ossOnlyWs = path.join(dir, 'oss-only.code-workspace');
      const bySub = (rs) => rs.filter((r) => r.accessKeyId === sub.accessKeyId);
      const subBefore = bySub(await requests(sandbox)).length;
      try {
        // 1. The hostile workspace: the binding question names the real profile, before any request.
        const opened = await openWindow(page, ui, server, hostileWs);
        const dialog = await ui.waitForDialog(page, 60_000);
        log(`  ${dialog.message} | ${dialog.detail} | [${dialog.buttons.join(', ')}]`);
        await step('hostile-binding-question');
        assert.equal(dialog.message, `Use profile ${PROFILE} on bucket ${BUCKET}?`);
        assert.match(dialog.detail, new RegExp(`with profile ${PROFILE} \\(cli:${PROFILE}\\)`));
        assert.deepEqual(bySub(await requests(sandbox)).length, subBefore, 'requests signed by the unchosen profile');
        await ui.answerDialog(page, 'Cancel');

        // 2. The host answers while the AccessKey scan (5 s after the folder opens) runs.
        const trips = [];
        const selectProfile = contributes.paletteCommands().find((c) => c.id === 'alibabaCloud.selectProfile').label;
        const logs = () =>
          extensionLogFiles(server, extensionId)
            .map((f) => fs.readFileSync(f, 'utf8'))
            .join('\n');
        while (Date.now() - opened < 4000) await page.waitForTimeout(200);
        /** From choosing the command (the palette's row) to the extension's quick pick listing profiles. */
        const roundTrip = async (bound) => {
          await ui.openPalette(page, selectProfile);
          const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: selectProfile }).first();
          await row.waitFor({ state: 'visible', timeout: 30_000 });
          const t0 = Date.now();
          await row.click();
          let items = [];
          while (!items.some((it) => /Sandbox/.test(it.label)) && Date.now() - t0 < bound) {
            await page.waitForTimeout(25);
            items = await ui.quickPickItems(page, bound).catch(() => []);
          }
          assert.ok(
            items.some((it) => /Sandbox/.test(it.label)),
            `no profile list within ${bound} ms: ${JSON.stringify(items)}`,
          );
          await ui.closeQuickInput(page);
          return Date.now() - t0;
        };
        // The first run of a command loads its code (the lazy bundle): not what is measured.
        log(`  first round trip (loads the commands): ${await roundTrip(30_000)} ms`);
        // A scan on demand (the one after opening may be over by now); its summary is logged at the end.
        const summaries = () => (logs().match(/AccessKey scan: \d+ of \d+ files in \d+ ms/g) ?? []).length;
        const summariesBefore = summaries();
        await ui.runCommand(
          page,
          contributes.paletteCommands().find((c) => c.id === 'alibabaCloud.scanAccessKeys').label,
        );
        let during = 0;
        for (let i = 0; i < 12 && (i < 3 || summaries() === summariesBefore); i++) {
          if (summaries() === summariesBefore) during++;
          trips.push(await roundTrip(ROUND_TRIP_MS));
        }
        log(
          `  ${during} of ${trips.length} started while the scan ran; ${logs()
            .match(/AccessKey scan: \d+ of \d+ files in \d+ ms/g)
            ?.at(-1)}`,
        );
        // Not asserted: a small scan may end before the first trip. Without the worker and the linear
        // .gitignore matcher, each of these names would block the host for minutes, so no trip returns.
        log(`  round trips during the scan: ${trips.join(', ')} ms`);
        assert.ok(Math.max(...trips) < ROUND_TRIP_MS, `round trips ${trips}`);
        // The scan reached the .gitignore (its invalid range is skipped and logged, not fatal).
        assert.match(logs(), /AccessKey scan: skipped the \.gitignore rule .*\[z-a\]/);

        // 3. The Explorer: the hostile keys' folder lists names, never "..", "." or a path.
        await ui.runCommand(page, 'View: Show Explorer');
        await expandExplorerRow(page, 'hostile-keys');
        const rows = await waitForExplorer(page, 'hostile keys', (rs) =>
          rs.some((r) => r.label === LINK) && rs.some((r) => r.label === 'ok.txt') ? rs : undefined,
        );
        await expandExplorerRow(page, 'sub');
        await page.waitForTimeout(1500);
        const all = await explorerRows(page);
        log(`  Explorer: ${all.map((r) => r.label).join(' | ')}`);
        await step('hostile-explorer');
        for (const bad of ['..', '.', '', 'escape.txt', 'up.txt', 'dot.txt'])
          assert.ok(!all.some((r) => r.label === bad), `Explorer row ${JSON.stringify(bad)}: ${JSON.stringify(rows)}`);

        // 4. A toast that names the hostile key: its save fails. No anchor in any notification.
        await page
          .locator('.explorer-folders-view .monaco-list-row')
          .filter({ has: page.locator('.label-name', { hasText: 'sendSequence' }) })
          .first()
          .click();
        const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
        await editor.locator('.view-lines').waitFor({ state: 'visible', timeout: 30_000 });
        await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('ControlOrMeta+End');
        await page.keyboard.type('x');
        await controlSandbox(sandbox, 'faults', { service: 'oss', action: 'PutObject', kind: 'error5xx' });
        await page.keyboard.press('ControlOrMeta+s');
        const toast = await ui.waitForNotification(page, /Not saved to/, 90_000);
        log(`  toast: ${toast}`);
        await page
          .locator('#status\\.notifications')
          .click()
          .catch(() => {});
        await step('hostile-toasts');
        assert.match(toast, /\[x\] \(command:workbench\.action\.terminal\.sendSequence/);
        assert.deepEqual(await notificationLinks(page), [], 'command anchors in notifications');
        assert.deepEqual(bySub(await requests(sandbox)).length, subBefore, 'requests signed by the unchosen profile');
        await sandboxControl(sandbox, 'faults', { method: 'DELETE' });
        await ui.runCommand(page, 'File: Revert File').catch(() => {});
        await ui.runCommand(page, 'View: Close All Editors').catch(() => {});
        await ui.clearNotifications(page);

        // 5. A window whose only folder is oss:// (bound by a file, not by us): asked first, nothing
        // about the bucket sent before the answer, the listing after it.
        const before = (await requests(sandbox)).length;
        // Written just before it is opened, and checked: one CI run opened it as a workspace with
        // no folder ("Unable to resolve nonexistent file"), which left no way to tell why.
        fs.writeFileSync(
          ossOnlyWs,
          JSON.stringify({
            folders: [{ uri: `oss://${BUCKET}/?${JSON.stringify({ profile: 'sandbox:Sandbox', name: 'Sandbox' })}` }],
          }),
        );
        await openWindow(page, ui, server, ossOnlyWs);
        assert.ok(fs.existsSync(ossOnlyWs), `${ossOnlyWs} is gone after the window opened`);
        const q = await ui.waitForDialog(page, 60_000);
        log(`  ${q.message}`);
        await step('oss-only-question');
        assert.equal(q.message, `Use profile Sandbox on bucket ${BUCKET}?`);
        await page.waitForTimeout(2000);
        const early = (await requests(sandbox))
          .slice(before)
          .filter((r) => r.service === 'oss' && r.action !== 'ListBuckets');
        assert.deepEqual(early, [], 'OSS requests before the answer');
        await ui.answerDialog(page, 'Allow for This Session');
        await ui.runCommand(page, 'View: Show Explorer');
        await waitForExplorer(page, 'the bucket listing', (rs) => {
          // The root, if VS Code left it collapsed after the failed first resolve.
          if (rs.length === 1 && rs[0].expanded === 'false')
            void page
              .locator('.explorer-folders-view .monaco-list-row')
              .first()
              .click()
              .catch(() => {});
          return rs.some((r) => r.label === 'README.md') && rs.some((r) => r.label === 'config') ? rs : undefined;
        });
        await step('oss-only-listed');
        const after = (await requests(sandbox)).slice(before).filter((r) => r.service === 'oss');
        assert.ok(
          after.some((r) => r.action !== 'ListBuckets' && r.accessKeyId === sandbox.accessKeyId),
          JSON.stringify(after),
        );
      } finally {
        await sandboxControl(sandbox, 'faults', { method: 'DELETE' }).catch(() => {});
        fs.rmSync(cliConfig, { force: true });
        await client.deleteMulti(KEYS, { quiet: true }).catch(() => {});
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
