// README pictures from the UI e2e run, in one command: `npm run screenshots` runs the UI suite
// (`--skip-run` reuses test-results/ui), then renders the chosen steps at half size into
// media/screenshots/, and the 128×128 Marketplace icon from media/icon.svg (`--icon-only`: just that).
// `--zh`: the Chinese pictures instead (zh-*.png), from the ui-zh run (`--only ui-zh`). Rendering is done by
// the e2e run's own headless Chromium (no image library needed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { ensureTools } from './lib/install.mjs';
import { REPO, RESULTS_DIR } from './lib/paths.mjs';

/** test-results/ui step name → README picture name. */
const CHOSEN = {
  'flow-container-trees': 'trees',
  'flow-wizard-plan': 'wizard-plan',
  'flow-instance-identity': 'instance-identity',
  'flow-oss-save-denied': 'access-denied',
  palette: 'palette',
  'ram-refused': 'refused-tree',
  'ecs-http-500-empty-body': 'http-500',
};
/** test-results/ui-zh step name → README picture name (`--zh`). */
const CHOSEN_ZH = {
  'zh-trees': 'zh-trees',
  'zh-palette': 'zh-palette',
  'zh-release-confirm': 'zh-release-confirm',
};
const SCALE = 0.5;
const OUT = path.join(REPO, 'media', 'screenshots');

const iconOnly = process.argv.includes('--icon-only');
const zh = process.argv.includes('--zh');
const suite = zh ? 'ui-zh' : 'ui';
if (!iconOnly && !process.argv.includes('--skip-run')) {
  const run = spawnSync(process.execPath, [path.join(REPO, 'test', 'e2e', 'run.mjs'), '--only', suite], {
    stdio: 'inherit',
    env: process.env,
  });
  if (run.status !== 0) {
    console.error(`screenshots: the UI run failed (exit ${run.status}); pictures not updated`);
    process.exit(run.status ?? 1);
  }
}

const dir = path.join(RESULTS_DIR, suite);
const files = iconOnly ? [] : fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
const browser = await launchBrowser(await ensureTools());
try {
  const page = await browser.newPage();
  fs.mkdirSync(OUT, { recursive: true });
  for (const [step, name] of iconOnly ? [] : Object.entries(zh ? CHOSEN_ZH : CHOSEN)) {
    // Steps are numbered (NN-name.png); the last one of that name wins.
    const file = files
      .filter((f) => f.replace(/^\d+-/, '') === `${step}.png`)
      .sort()
      .pop();
    if (!file) {
      throw new Error(`no screenshot "${step}" in ${dir}`);
    }
    const data = fs.readFileSync(path.join(dir, file)).toString('base64');
    await page.setContent(`<body style="margin:0"><img id="i" src="data:image/png;base64,${data}"></body>`);
    const size = await page.evaluate(async () => {
      const i = document.getElementById('i');
      await i.decode();
      return { w: i.naturalWidth, h: i.naturalHeight };
    });
    const w = Math.round(size.w * SCALE);
    const h = Math.round(size.h * SCALE);
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(
      ([ww, hh]) => {
        const i = document.getElementById('i');
        i.style.width = `${ww}px`;
        i.style.height = `${hh}px`;
      },
      [w, h],
    );
    await page.screenshot({ path: path.join(OUT, `${name}.png`), clip: { x: 0, y: 0, width: w, height: h } });
    console.log(
      `screenshots: ${file} → media/screenshots/${name}.png (${w}×${h}, ${fs.statSync(path.join(OUT, `${name}.png`)).size} bytes)`,
    );
  }
  if (!zh) {
    // the icon does not depend on the language
    const svg = fs.readFileSync(path.join(REPO, 'media', 'icon.svg'), 'utf8');
    await page.setViewportSize({ width: 128, height: 128 });
    await page.setContent(`<body style="margin:0;background:transparent">${svg}</body>`);
    await page.screenshot({
      path: path.join(REPO, 'media', 'icon.png'),
      clip: { x: 0, y: 0, width: 128, height: 128 },
      omitBackground: true,
    });
    console.log('screenshots: media/icon.svg → media/icon.png (128×128)');
  }
} finally {
  await browser.close();
}
