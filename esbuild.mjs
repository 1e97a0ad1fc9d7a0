// Bundles the extension, the sandbox CLI and each Alibaba SDK as its own file.
// The SDKs are heavy (ECS alone ~600 ms to load), so the extension bundle never contains them:
// src/cloud/sdk.ts requires them by name, and the plugin below points those requires at
// dist/sdk/<name>.js, which Node loads only on the first call that needs it.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

export const SDKS = {
  '@alicloud/ram20150501': 'ram',
  '@alicloud/ecs20140526': 'ecs',
  '@alicloud/sts20150401': 'sts',
  '@alicloud/credentials': 'credentials',
  '@alicloud/openapi-core': 'openapi-core',
  '@darabonba/typescript': 'darabonba',
  'ali-oss': 'ali-oss',
};

/** Resolves SDK imports to the separately bundled files (dir: where they sit relative to the importer). */
const lazySdks = (dir, except) => ({
  name: 'lazy-sdks',
  setup(build) {
    const names = Object.keys(SDKS).filter((n) => n !== except);
    const filter = new RegExp(`^(${names.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `${dir}/${SDKS[args.path]}.js`, external: true }));
  },
});

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'error',
  // Optional requires inside ali-oss's HTTP stack that it guards at run time.
  external: ['proxy-agent'],
};

/** The in-extension sandbox ("Start Sandbox") is its own bundle, loaded only when started. */
const lazySandbox = {
  name: 'lazy-sandbox',
  setup(build) {
    build.onResolve({ filter: /\/sandbox\/server$/ }, () => ({ path: './sandbox-lib.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', 'proxy-agent'], plugins: [lazySdks('./sdk'), lazySandbox] },
  { ...common, entryPoints: ['src/sandbox/server.ts'], outfile: 'dist/sandbox-lib.js' },
  { ...common, entryPoints: ['src/sandbox/main.ts'], outfile: 'dist/sandbox.js' },
  // One bundle per SDK; RAM/ECS/STS share the openapi-core and darabonba bundles, so their
  // classes (Config, errors) are the same objects whichever client loaded them first.
  ...Object.entries(SDKS).map(([pkg, name]) => ({
    ...common, sourcemap: false, minify: true, plugins: [lazySdks('.', pkg)], stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' }, outfile: `dist/sdk/${name}.js`,
  })),
];

if (watch) {
  for (const b of builds) { await (await esbuild.context(b)).watch(); }
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

// The English string bundle (l10n/bundle.l10n.json): every `l10n.t('…')` message in src, so a
// translation (bundle.l10n.zh-cn.json) can be made from it without touching code. The policy
// layer keys its messages by code (lint) or data (condition keys) and the UI translates them with
// `vscode.l10n.t(template)`, which no literal scan sees: those tables are loaded from the source
// (bundled in memory) and their English texts added as keys too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

async function tableMessages() {
  const out = await esbuild.build({
    stdin: { contents: "export { LINT_MESSAGES } from './src/policy/lint'; export { CONDITION_KEYS } from './src/policy/actionCatalog';", resolveDir: '.', loader: 'ts' },
    bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'error',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
  return [...Object.values(mod.exports.LINT_MESSAGES), ...mod.exports.CONDITION_KEYS.map((c) => c.description)];
}

async function exportL10n() {
  const messages = {};
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { walk(p); return; }
    if (!p.endsWith('.ts')) { return; }
    const text = fs.readFileSync(p, 'utf8');
    for (const m of text.matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g)) {
      const message = JSON.parse(`"${m[2].replace(/\\'/g, "'").replace(/(?<!\\)"/g, '\\"')}"`);
      messages[message] = message;
    }
  });
  walk('src');
  for (const message of await tableMessages()) { messages[message] = message; }
  fs.mkdirSync('l10n', { recursive: true });
  const sorted = Object.fromEntries(Object.keys(messages).sort().map((k) => [k, messages[k]]));
  fs.writeFileSync('l10n/bundle.l10n.json', JSON.stringify(sorted, null, 2) + '\n');
}

if (!watch) { await exportL10n(); }
