// Bundles the extension and its helpers, one esbuild entry each (ENTRIES below). The extension is
// two plain CommonJS bundles: dist/extension.js (activation) and dist/lazy.js (what is needed on first
// use), which src/lazyLoader.ts loads with an ordinary require and a call, handing it the process-wide
// state it needs (docs/ARCHITECTURE.md, "The bundles").
// The SDKs are heavy (ECS alone ~600 ms to load), so no bundle contains them: src/cloud/sdk.ts
// requires them by name, and the plugin below points those requires at dist/sdk/<name>.js, which
// Node loads only on the first call that needs it.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Every bundle of the build: one line each. */
export const ENTRIES = [
  // Activation: services, views, the command registry. Exports only activate/deactivate.
  { in: 'src/extension.ts', out: 'dist/extension.js' },
  // First use (src/lazyLoader.ts): command implementations, the views' nodes, cloud clients, policy lint.
  { in: 'src/lazy.ts', out: 'dist/lazy.js' },
  // The workspace AccessKey scan runs in this worker thread, off the extension host's (scanInWorker).
  { in: 'src/setup/accessKeyScanWorker.ts', out: 'dist/accessKeyScanWorker.js' },
  // Session Manager's ProxyCommand: ssh runs it under VS Code's runtime (src/cloud/sessionBridge.ts).
  { in: 'src/cloud/sessionBridge.ts', out: 'dist/sessionBridge.js' },
  // The in-extension sandbox ("Start Sandbox"), loaded only when started, and the sandbox CLI.
  { in: 'src/sandbox/server.ts', out: 'dist/sandbox-lib.js' },
  { in: 'src/sandbox/main.ts', out: 'dist/sandbox.js' },
];

export const SDKS = {
  '@alicloud/ram20150501': 'ram',
  '@alicloud/ecs20140526': 'ecs',
  '@alicloud/sts20150401': 'sts',
  '@alicloud/credentials': 'credentials',
  '@alicloud/openapi-core': 'openapi-core',
  '@darabonba/typescript': 'darabonba',
  'ali-oss': 'ali-oss',
};

/**
 * Separately bundled dependencies, external to every bundle: each SDK (dir: where dist/sdk sits
 * relative to the importer) and the in-extension sandbox (src/commands/identity/startSandbox.ts).
 */
const externalBundles = (dir, except) => ({
  name: 'external-bundles',
  setup(build) {
    const names = Object.keys(SDKS).filter((n) => n !== except);
    const filter = new RegExp(`^(${names.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `${dir}/${SDKS[args.path]}.js`, external: true }));
    build.onResolve({ filter: /\/sandbox\/server$/ }, () => ({ path: './sandbox-lib.js', external: true }));
  },
});

/**
 * `import * as vscode from 'vscode'` in a CommonJS bundle copies every property of the API object
 * (hundreds of getters) once per importing file; the same for `node:` modules. One in-bundle module
 * per such module that re-exports it makes that a single copy per bundle (activation time).
 */
const HOST_MODULES = new Set(['vscode', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const copyOnce = {
  name: 'copy-once',
  setup(build) {
    build.onResolve({ filter: /^[\w:/]+$/ }, (args) => {
      if (!HOST_MODULES.has(args.path) || args.kind !== 'import-statement') {
        return undefined;
      }
      return args.namespace === 'copy-once'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'copy-once' };
    });
    build.onLoad({ filter: /.*/, namespace: 'copy-once' }, (args) => ({
      contents: `export * from ${JSON.stringify(args.path)};`,
      loader: 'js',
    }));
  },
};

/** The options of every entry's bundle. */
const options = ({ minify = production, sourcemap = !production, write = true } = {}) => ({
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify,
  sourcemap,
  write,
  metafile: true,
  logLevel: 'error',
  // `vscode` is the host's; `proxy-agent` an optional require inside ali-oss's HTTP stack that it
  // guards at run time.
  external: ['vscode', 'proxy-agent'],
  plugins: [copyOnce, externalBundles('./sdk')],
});

/**
 * Builds the extension's two bundles (dist/extension.js, dist/lazy.js) into `outdir`; returns their
 * metafiles. `lazyEntry` replaces src/lazy.ts (test/integration/bundles.test.ts adds a probe).
 */
export async function bundleExtension({ outdir = 'dist', lazyEntry = 'src/lazy.ts', ...o } = {}) {
  const [main, lazy] = await Promise.all([
    esbuild.build({ ...options(o), entryPoints: ['src/extension.ts'], outfile: `${outdir}/extension.js` }),
    esbuild.build({ ...options(o), entryPoints: [lazyEntry], outfile: `${outdir}/lazy.js` }),
  ]);
  return { main: main.metafile, lazy: lazy.metafile };
}

const builds = [
  ...ENTRIES.map((e) => ({ ...options(), entryPoints: [e.in], outfile: e.out })),
  // One bundle per SDK; RAM/ECS/STS share the openapi-core and darabonba bundles, so their
  // classes (Config, errors) are the same objects whichever client loaded them first.
  ...Object.entries(SDKS).map(([pkg, name]) => ({
    ...options(),
    sourcemap: false,
    minify: true,
    plugins: [externalBundles('.', pkg)],
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' },
    outfile: `dist/sdk/${name}.js`,
  })),
];

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked && watch) {
  for (const b of builds) {
    await (await esbuild.context(b)).watch();
  }
} else if (invoked) {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

// The English string bundle (l10n/bundle.l10n.json): every `l10n.t('…')` message in src, so a
// translation (bundle.l10n.zh-cn.json) can be made from it without touching code. The policy
// layer keys its messages by code (lint) or data (condition keys) and the UI translates them with
// `vscode.l10n.t(template)`, which no literal scan sees: those tables are loaded from the source
// (bundled in memory) and their English texts added as keys too.
async function tableMessages() {
  const out = await esbuild.build({
    stdin: {
      contents:
        "export { LINT_MESSAGES } from './src/policy/lint'; export { CONDITION_KEYS } from './src/policy/actionCatalog';",
      resolveDir: '.',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    logLevel: 'error',
  });
  const mod = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(
    mod,
    mod.exports,
    createRequire(import.meta.url),
  );
  return [...Object.values(mod.exports.LINT_MESSAGES), ...mod.exports.CONDITION_KEYS.map((c) => c.description)];
}

async function exportL10n() {
  const messages = {};
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        return;
      }
      if (!p.endsWith('.ts')) {
        return;
      }
      const text = fs.readFileSync(p, 'utf8');
      for (const m of text.matchAll(/l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g)) {
        const message = JSON.parse(`"${m[2].replace(/\\'/g, "'").replace(/(?<!\\)"/g, '\\"')}"`);
        messages[message] = message;
      }
    });
  walk('src');
  for (const message of await tableMessages()) {
    messages[message] = message;
  }
  fs.mkdirSync('l10n', { recursive: true });
  const sorted = Object.fromEntries(
    Object.keys(messages)
      .sort()
      .map((k) => [k, messages[k]]),
  );
  fs.writeFileSync('l10n/bundle.l10n.json', JSON.stringify(sorted, null, 2) + '\n');
}

if (invoked && !watch) {
  await exportL10n();
}
