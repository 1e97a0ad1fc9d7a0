// The extension ships as two bundles (esbuild.mjs): dist/extension.js, loaded at activation, and
// dist/lazy.js, loaded on the first command or policy document. A module in both would exist twice,
// each copy with its own module-level state: a secret announced to the lazy copy of the redaction
// registry would not be redacted by the main bundle's log. These tests hold the rule that no module
// is in both, and prove over real builds that a secret announced by lazily loaded code is redacted.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Metafile {
  inputs: Record<string, unknown>;
}
interface Built {
  main: Metafile;
  lazy: Metafile;
  shared: string[];
}
type Bundler = (o: {
  outdir?: string;
  minify?: boolean;
  sourcemap?: boolean;
  write?: boolean;
  extraLazyEntries?: string[];
  shareWithMain?: boolean;
}) => Promise<Built>;
let bundleExtension: Bundler;

const ownModules = (m: Metafile) => new Set(Object.keys(m.inputs).filter((f) => f.startsWith('src/')));

/**
 * Module-level state: a top-level `let`/`var`, a `new …` (Map, Set, EventEmitter, a singleton), or
 * a top-level call (a registration such as `onSecret(…)`). Constants and functions are not state.
 */
function statefulDeclarations(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const mutable = !(st.declarationList.flags & ts.NodeFlags.Const);
      for (const d of st.declarationList.declarations) {
        if (mutable || (d.initializer && ts.isNewExpression(d.initializer))) {
          found.push(d.name.getText(sf));
        }
      }
    } else if (ts.isExpressionStatement(st)) {
      found.push(st.getText(sf).slice(0, 40));
    }
  }
  return found;
}

/**
 * Modules that the in-extension sandbox (dist/sandbox-lib.js, the local cloud: a separate program
 * by design) shares with the extension's bundles, and why their state may be duplicated.
 */
const DUPLICATE_OK: Record<string, string> = {
  'src/policy/match.ts': 'a memo of compiled patterns and a constant set: each copy computes the same answers',
  'src/policy/conditions.ts': 'a lookup table built once from constants',
};

/** A host where every vscode API answers an inert value, the output channel records its lines. */
function fakeVscode(lines: string[], commands: Map<string, (...a: unknown[]) => unknown>): unknown {
  const inert: object = new Proxy(function inert() {}, {
    get: (_t, k) => (k === 'then' ? undefined : k === Symbol.iterator ? function* () {} : inert),
    set: () => true,
    apply: () => inert,
    construct: () => inert,
  });
  const channel = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
    show() {},
    dispose() {},
  };
  // A plain object with the API's top-level names, as the real one is (the bundle copies its own names).
  const dts = fs.readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const api: Record<string, unknown> = {};
  for (const m of dts.matchAll(/^\texport (?:namespace|class|enum|function|const|let|var) (\w+)/gm)) {
    api[m[1]] = inert;
  }
  api.window = new Proxy({}, { get: (_w, p) => (p === 'createOutputChannel' ? () => channel : inert) });
  api.workspace = new Proxy(
    {},
    {
      get: (_w, p) =>
        p === 'getConfiguration'
          ? () => ({ get: (_k: string, d: unknown) => d, inspect: () => undefined })
          : p === 'workspaceFolders'
            ? undefined
            : p === 'textDocuments'
              ? []
              : inert,
    },
  );
  api.l10n = { t: (m: string) => m };
  api.commands = new Proxy(
    {},
    {
      get: (_c, p) =>
        p === 'registerCommand'
          ? (id: string, fn: (...a: unknown[]) => unknown) => {
              commands.set(id, fn);
              return { dispose() {} };
            }
          : p === 'executeCommand'
            ? async () => undefined
            : inert,
    },
  );
  return api;
}

/** Loads a built main bundle in a fake host (test mode), then its lazy bundle. */
function load(dir: string) {
  const lines: string[] = [];
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  const vscode = fakeVscode(lines, commands);
  const original = (Module as unknown as { _load: (...a: unknown[]) => unknown })._load;
  (Module as unknown as { _load: (...a: unknown[]) => unknown })._load = function (
    request: unknown,
    ...rest: unknown[]
  ) {
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  try {
    const memento = { get: (_k: string, d: unknown) => d, update: async () => undefined, keys: () => [] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(path.join(dir, 'extension.js'));
    const api = main.activate({
      subscriptions: [],
      extensionMode: 3,
      extension: { packageJSON: pkg },
      globalState: memento,
      workspaceState: memento,
      secrets: {
        get: async () => undefined,
        store: async () => undefined,
        delete: async () => undefined,
        onDidChange: () => ({ dispose() {} }),
      },
      extensionUri: {},
      globalStorageUri: {},
      logUri: {},
      asAbsolutePath: (p: string) => p,
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lazy = require(path.join(dir, 'lazy.js'));
    return { main, api, lazy, lines, commands };
  } finally {
    (Module as unknown as { _load: unknown })._load = original;
  }
}

describe('bundles: one instance of every module', () => {
  let tmp: string;
  before(async () => {
    ({ bundleExtension } = (await import(path.join(root, 'esbuild.mjs'))) as { bundleExtension: Bundler });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('no module is in both the main and the lazy bundle; stateful ones live in main', async () => {
    const built = await bundleExtension({ write: false, minify: true, sourcemap: false });
    const main = ownModules(built.main);
    const lazy = ownModules(built.lazy);
    assert.deepEqual(
      [...main].filter((f) => lazy.has(f)),
      [],
      'modules in both bundles',
    );
    // The scanner sees the state that matters (or this test could not fail).
    for (const f of ['src/cloud/secretValues.ts', 'src/cloud/l10n.ts', 'src/ui/redact.ts', 'src/cloud/clock.ts']) {
      assert.ok(statefulDeclarations(f).length, `${f} has module-level state`);
      assert.ok(main.has(f), `${f} is in the main bundle`);
    }
    // What the lazy bundle takes from main is exported by main (else it would read undefined).
    assert.ok(
      built.shared.includes('src/cloud/secretValues.ts') && built.shared.includes('src/cloud/l10n.ts'),
      built.shared.join(', '),
    );
    assert.ok(built.shared.every((f) => main.has(f)));
    // Command implementations, the policy catalogue and lint are not loaded at activation.
    for (const f of [
      'src/commands/catalog.ts',
      'src/policy/actionCatalogData.ts',
      'src/policy/lint.ts',
      'src/cloud/ecs.ts',
    ]) {
      assert.ok(lazy.has(f) && !main.has(f), `${f} is lazy`);
    }
  });

  test('the main bundle imports no Node built-in that costs milliseconds to load; its modules require() them on first use', async () => {
    const built = await bundleExtension({ write: false, minify: true, sourcemap: false });
    const heavy = /^copy-once:node:(http|https|http2|net|tls|child_process|crypto|perf_hooks|zlib|dns)$/;
    const inputs = built.main.inputs as Record<string, { imports: { path: string; kind: string }[] }>;
    const found = Object.entries(inputs).flatMap(([file, i]) =>
      i.imports.filter((im) => heavy.test(im.path)).map((im) => `${file} -> ${im.path.slice('copy-once:'.length)}`),
    );
    assert.deepEqual(found, [], 'each is loaded when the bundle loads, i.e. during activation');
  });

  test('a module the sandbox bundle shares with the extension holds no state, or is a reviewed exception', async () => {
    const built = await bundleExtension({ write: false, minify: true, sourcemap: false });
    const sandbox = await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['src/sandbox/server.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      outfile: 'x.js',
      external: ['proxy-agent'],
      logLevel: 'error',
    });
    const extension = new Set([...ownModules(built.main), ...ownModules(built.lazy)]);
    const both = [...ownModules(sandbox.metafile as Metafile)].filter((f) => extension.has(f));
    const stateful = both
      .filter((f) => statefulDeclarations(f).length && !DUPLICATE_OK[f])
      .map((f) => `${f}: ${statefulDeclarations(f).join(', ')}`);
    assert.deepEqual(stateful, []);
  });

  test("a secret announced by code in the lazy bundle is redacted by the main bundle's log", async () => {
    const dir = path.join(tmp, 'shared');
    await bundleExtension({
      outdir: dir,
      minify: true,
      sourcemap: false,
      extraLazyEntries: ['test/integration/fixtures/lazyAnnouncer.ts'],
    });
    const { api, lazy, lines, commands } = load(dir);
    await commands.get('alibabaCloud.showLog')!(); // the first command loads (and links) the lazy bundle
    const secret = `lazy-${'s3cr3t'.repeat(4)}`;
    lazy['test/integration/fixtures/lazyAnnouncer.ts'].announceFromLazyBundle(secret);
    api.services.log.info(`token=${secret} in a message`);
    assert.ok(lines.length, 'the log wrote a line');
    assert.ok(
      lines.every((l) => !l.includes(secret)),
      lines.join('\n'),
    );
  });

  test('other code in the host reaches no shared module: main exports only activate/deactivate; the lazy bundle is linked once, by main', async () => {
    const dir = path.join(tmp, 'sealed');
    const fixture = 'test/integration/fixtures/lazyAnnouncer.ts';
    await bundleExtension({ outdir: dir, minify: true, sourcemap: false, extraLazyEntries: [fixture] });
    const { main, lazy, commands } = load(dir);
    assert.deepEqual(Object.keys(main).sort(), ['activate', 'deactivate']);
    await commands.get('alibabaCloud.showLog')!();
    assert.equal(lazy.__link({ 'src/cloud/secretValues.ts': {} }), false, 'a second link is refused');
    // Nobody can wrap __link to receive what main hands over: it is read-only and the exports frozen.
    const original = lazy.__link;
    assert.throws(() => {
      'use strict';
      lazy.__link = () => true;
    }, TypeError);
    assert.throws(() => Object.defineProperty(lazy, '__link', { value: () => true }), TypeError);
    assert.equal(lazy.__link, original);
    assert.ok(Object.isFrozen(lazy));
    assert.equal(typeof lazy[fixture].announceFromLazyBundle, 'function', 'linked by main, it runs');
    // Linked first by someone else: the extension refuses to run the lazy bundle with their modules.
    const pre = path.join(tmp, 'prelinked');
    await bundleExtension({ outdir: pre, minify: true, sourcemap: false, extraLazyEntries: [fixture] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const early = require(path.join(pre, 'lazy.js'));
    assert.throws(() => early[fixture], /used before the extension linked it/, 'nothing runs unlinked');
    assert.equal(early.__link({}), true);
    const victim = load(pre);
    await victim.commands.get('alibabaCloud.showLog')!();
    await new Promise((r) => setTimeout(r, 50)); // the views' first load runs on a timer after activation
    assert.ok(
      victim.lines.some((l) => /linked by other code/.test(l)),
      victim.lines.join('\n'),
    );
  });

  test('control: were the lazy bundle to carry its own registry, the same secret would leak', async () => {
    const dir = path.join(tmp, 'duplicated');
    await bundleExtension({
      outdir: dir,
      minify: true,
      sourcemap: false,
      extraLazyEntries: ['test/integration/fixtures/lazyAnnouncer.ts'],
      shareWithMain: false,
    });
    const { api, lazy, lines, commands } = load(dir);
    await commands.get('alibabaCloud.showLog')!();
    const secret = `lazy-${'l3ak'.repeat(5)}`;
    lazy['test/integration/fixtures/lazyAnnouncer.ts'].announceFromLazyBundle(secret);
    api.services.log.info(`token=${secret} in a message`);
    assert.ok(
      lines.some((l) => l.includes(secret)),
      'the duplicated registry misses it',
    );
  });
});
