// Bundles the extension (dist/extension.js for activation, dist/lazy.js for what is needed on
// first use, see bundleExtension), the sandbox CLI and each Alibaba SDK as its own file.
// The SDKs are heavy (ECS alone ~600 ms to load), so the extension bundles never contain them:
// src/cloud/sdk.ts requires them by name, and the plugin below points those requires at
// dist/sdk/<name>.js, which Node loads only on the first call that needs it.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));
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

/** `src/x/y.ts` for a relative import of our own code, undefined for anything else. */
function ownModule(resolveDir, spec) {
  if (!spec.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(resolveDir, spec);
  for (const f of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    const rel = path.relative(ROOT, f).split(path.sep).join('/');
    if (rel.startsWith('src/') && f.endsWith('.ts') && fs.existsSync(f) && fs.statSync(f).isFile()) {
      return rel;
    }
  }
  return undefined;
}

/**
 * Load on demand (main bundle): a `require()` of one of our own modules (not an import) is the
 * boundary. The module and everything only it needs go to dist/lazy.js, which Node loads on that
 * first call, after activation. Collects the required modules in `entries`.
 *
 * The first load hands dist/lazy.js the modules main holds (`shared`, see fromMain) through its
 * `__link`, once: nothing is exported for other code to pick up (another extension in the same
 * host can require our files). Had other code linked the lazy bundle first, it refuses to run.
 */
const onDemand = (entries, shared = []) => ({
  name: 'on-demand',
  setup(build) {
    build.onResolve({ filter: /^lazy-loader$/ }, () => ({ path: 'loader', namespace: 'lazy-loader' }));
    build.onResolve({ filter: /^lazy-slot$/ }, () => ({ path: 'slot', namespace: 'lazy-slot' }));
    // The shims reach the loader through this slot, not by requiring it: a required module and all
    // it imports become lazily initialised wrappers, which costs activation time.
    build.onLoad({ filter: /.*/, namespace: 'lazy-slot' }, () => ({
      contents: 'export const slot = {};',
      loader: 'js',
    }));
    build.onResolve({ filter: /^\./ }, (args) => {
      if (args.namespace === 'on-demand' || (args.namespace === 'lazy-loader' && args.path === './lazy.js')) {
        return { path: args.path, external: true };
      }
      if (args.kind !== 'require-call' || /\/sandbox\/server$/.test(args.path)) {
        return undefined;
      }
      const file = ownModule(args.resolveDir, args.path);
      if (!file) {
        return undefined;
      }
      entries.add(file);
      return { path: file, namespace: 'on-demand' };
    });
    build.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => ({
      contents: `module.exports = require('lazy-slot').slot.load()[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-loader' }, () => ({
      resolveDir: ROOT,
      loader: 'js',
      contents: [
        "import { slot } from 'lazy-slot';",
        ...shared.map((f, i) => `import * as m${i} from './${f}';`),
        `const shared = { ${shared.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')} };`,
        'let lazy;',
        'slot.load = () => {',
        "  if (!lazy) { const m = require('./lazy.js'); if (!m.__link(shared)) { throw new Error('dist/lazy.js was linked by other code before this extension loaded it; refusing to run it.'); } lazy = m; }",
        '  return lazy;',
        '};',
      ].join('\n'),
    }));
  },
});

/**
 * One instance of every module (lazy bundle): a module the main bundle already holds is not bundled
 * again but taken from main, which hands them over once through `__link` (see onDemand). So
 * module-level state (the secret registry of the log's redaction, the translator, caches, event
 * emitters) exists once, whichever bundle uses it. test/integration/bundles.test.ts fails if a module
 * lands in both bundles.
 */
const fromMain = (mainModules, shared) => ({
  name: 'from-main',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      const file = ownModule(args.resolveDir, args.path);
      if (!file || !mainModules.has(file)) {
        return undefined;
      }
      shared.add(file);
      return { path: file, namespace: 'from-main' };
    });
    build.onLoad({ filter: /.*/, namespace: 'from-main' }, (args) => ({
      contents: `module.exports = require('lazy-link').take(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
});

/** The lazy bundle's end of the link: main's modules, given once (by main's first on-demand load). */
const lazyLink = {
  name: 'lazy-link',
  setup(build) {
    build.onResolve({ filter: /^lazy-link$/ }, () => ({ path: 'link', namespace: 'lazy-link' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-link' }, () => ({
      loader: 'js',
      contents: [
        'let shared;',
        'exports.link = (s) => { if (shared) { return false; } shared = s; return true; };',
        "exports.take = (f) => { if (!shared) { throw new Error('dist/lazy.js used before the extension linked it'); } return shared[f]; };",
      ].join('\n'),
    }));
  },
};

const srcInputs = (metafile) => new Set(Object.keys(metafile.inputs).filter((f) => f.startsWith('src/')));

/**
 * The extension: dist/extension.js (activation: services, views, the command registry) and
 * dist/lazy.js (command implementations, policy lint and catalogue, scanners: loaded on first use).
 * Three steps: the main bundle, to learn what it holds and what it requires on demand; the lazy
 * bundle, taking what main holds from main; main again, exporting what the lazy bundle takes.
 * `extraLazyEntries` and `shareWithMain` exist for test/integration/bundles.test.ts.
 */
export async function bundleExtension({
  outdir = 'dist',
  minify = production,
  sourcemap = !production,
  write = true,
  extraLazyEntries = [],
  shareWithMain = true,
} = {}) {
  const base = {
    ...common,
    absWorkingDir: ROOT,
    minify,
    sourcemap,
    write,
    metafile: true,
    external: ['vscode', 'proxy-agent'],
  };
  const entries = new Set(extraLazyEntries);
  // The loader is imported by the entry (after the extension), so it and the modules it hands over
  // are plain top-level code of the bundle.
  const entry = {
    contents: "export * from './src/extension';\nimport 'lazy-loader';",
    resolveDir: ROOT,
    loader: 'ts',
    sourcefile: 'extension-entry.ts',
  };
  const mainOptions = {
    ...base,
    outfile: `${outdir}/extension.js`,
    stdin: entry,
    plugins: [copyOnce, lazySdks('./sdk'), lazySandbox, onDemand(entries)],
  };
  const first = await esbuild.build({ ...mainOptions, write: false });
  const mainModules = srcInputs(first.metafile);
  const statically = [...entries].filter((e) => mainModules.has(e));
  if (statically.length) {
    throw new Error(`required on demand but also imported by the main bundle: ${statically.join(', ')}`);
  }

  const shared = new Set();
  const lazy = await esbuild.build({
    ...base,
    outfile: `${outdir}/lazy.js`,
    stdin: {
      contents: [
        // Read-only and frozen: other code that loads this file first cannot wrap __link to receive
        // what main hands over (the secret registry, Services).
        "Object.defineProperty(exports, '__link', { enumerable: true, value: require('lazy-link').link });",
        // Getters: each module runs on first use, after main linked the bundle.
        ...[...entries]
          .sort()
          .map(
            (e) =>
              `Object.defineProperty(exports, ${JSON.stringify(e)}, { enumerable: true, get: () => require(${JSON.stringify(`./${e}`)}) });`,
          ),
        'Object.freeze(exports);',
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'js',
      sourcefile: 'lazy-entries.js',
    },
    plugins: [
      copyOnce,
      lazySdks('./sdk'),
      lazySandbox,
      lazyLink,
      ...(shareWithMain ? [fromMain(mainModules, shared)] : []),
    ],
  });

  const names = [...shared].sort();
  const main = await esbuild.build({
    ...mainOptions,
    plugins: [copyOnce, lazySdks('./sdk'), lazySandbox, onDemand(new Set(entries), names)],
  });
  const changed = [...srcInputs(main.metafile)].filter((f) => !mainModules.has(f));
  if (changed.length) {
    throw new Error(`the main bundle grew while exporting shared modules: ${changed.join(', ')}`);
  }
  return {
    main: main.metafile,
    lazy: lazy.metafile,
    shared: names,
    outputs: write ? undefined : { main: main.outputFiles, lazy: lazy.outputFiles },
  };
}

const others = [
  { ...common, entryPoints: ['src/sandbox/server.ts'], outfile: 'dist/sandbox-lib.js' },
  { ...common, entryPoints: ['src/sandbox/main.ts'], outfile: 'dist/sandbox.js' },
  // Session Manager's ProxyCommand: ssh runs it under VS Code's runtime (src/cloud/sessionBridge.ts).
  { ...common, entryPoints: ['src/cloud/sessionBridge.ts'], outfile: 'dist/sessionBridge.js' },
  // The workspace AccessKey scan runs in this worker thread, off the extension host's (scanInWorker).
  { ...common, entryPoints: ['src/setup/accessKeyScanWorker.ts'], outfile: 'dist/accessKeyScanWorker.js' },
  // One bundle per SDK; RAM/ECS/STS share the openapi-core and darabonba bundles, so their
  // classes (Config, errors) are the same objects whichever client loaded them first.
  ...Object.entries(SDKS).map(([pkg, name]) => ({
    ...common,
    sourcemap: false,
    minify: true,
    plugins: [lazySdks('.', pkg)],
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.', loader: 'js' },
    outfile: `dist/sdk/${name}.js`,
  })),
];

const invoked = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked && watch) {
  for (const b of others) {
    await (await esbuild.context(b)).watch();
  }
  // The extension's bundles depend on each other (see bundleExtension), so any change rebuilds both.
  let timer;
  const rebuild = () =>
    bundleExtension().then(
      () => console.log('[watch] extension rebuilt'),
      (e) => console.error(e.message),
    );
  await rebuild();
  fs.watch('src', { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, 100);
  });
} else if (invoked) {
  await Promise.all([bundleExtension(), ...others.map((b) => esbuild.build(b))]);
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
