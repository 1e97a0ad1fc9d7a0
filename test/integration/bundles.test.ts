// The extension ships as two bundles (esbuild.mjs): dist/extension.js, loaded at activation, and
// dist/lazy.js (src/lazy.ts), loaded by src/lazyLoader.ts on the first command or policy document. Each
// bundle holds its own copy of the modules both use, so these tests hold the rules that make that
// safe: a duplicated module with state takes main's instance (handed over by src/lazy.ts) or is a
// reviewed exception, and a class both test with `instanceof` answers it by a shared mark. Over real
// builds they prove that a secret met by lazily loaded code is redacted by main's log, and that no
// other code in the host can get main's state by loading or planting dist/lazy.js first.
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
}
type Bundler = (o: {
  outdir?: string;
  minify?: boolean;
  sourcemap?: boolean;
  write?: boolean;
  lazyEntry?: string;
}) => Promise<Built>;
let bundleExtension: Bundler;

const ownModules = (m: Metafile) => new Set(Object.keys(m.inputs).filter((f) => f.startsWith('src/')));

/**
 * Module-level state: a top-level `let`/`var`, a `new …` (Map, Set, EventEmitter, a singleton), a
 * top-level call (a registration such as `onSecret(…)`), or a writable static field of a class.
 * Constants and functions are not state, nor a `const` typed `ReadonlySet`/`ReadonlyMap` (the type
 * checker refuses every write to it).
 */
function statefulDeclarations(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const st of sf.statements) {
    if (ts.isClassDeclaration(st)) {
      for (const m of st.members) {
        const mods = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
        const isStatic = mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        const readonly = mods.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);
        if (ts.isPropertyDeclaration(m) && isStatic && !readonly) {
          found.push(`${st.name?.getText(sf)}.${m.name.getText(sf)}`);
        }
      }
      continue;
    }
    if (ts.isVariableStatement(st)) {
      const mutable = !(st.declarationList.flags & ts.NodeFlags.Const);
      for (const d of st.declarationList.declarations) {
        const readonlyType = d.type && /^Readonly(Set|Map)</.test(d.type.getText(sf));
        if (mutable || (d.initializer && ts.isNewExpression(d.initializer) && !readonlyType)) {
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

/**
 * Modules with state that both extension bundles hold, and why that is safe. "handed over": src/lazy.ts
 * installs main's instance in dist/lazy.js before any of its code runs.
 */
const BOTH_BUNDLES_STATE: Record<string, string> = {
  'src/cloud/secretValues.ts':
    "handed over: the secret registry (adoptSecretRegistry), so main's log redacts what lazy code met",
  'src/ui/redact.ts': "its listener moves to main's registry with adoptSecretRegistry, so it knows every secret",
  'src/cloud/clock.ts': 'handed over: the server clock (useServerClock)',
  'src/ui/errorFunnel.ts': "handed over: the error notes (useErrorNotes) that main's funnel reads",
  'src/views/node.ts': 'handed over: ErrorNode.identity',
  'src/cloud/l10n.ts': 'the translator: src/lazy.ts sets the same one (vscode.l10n.t)',
  'src/ui/trustedSettings.ts': 'which workspace settings were warned about: at worst one more warning in the log',
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

type Loader = { _load: (request: unknown, ...rest: unknown[]) => unknown };
const moduleLoader = Module as unknown as Loader;
const originalLoad = moduleLoader._load;
/** The fake `vscode` of the last loaded main bundle; dist/lazy.js gets the same when main loads it later. */
let currentHost: unknown;

/** Loads a built main bundle in a fake host (test mode) and activates it. */
function load(dir: string) {
  const lines: string[] = [];
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  currentHost = fakeVscode(lines, commands);
  moduleLoader._load = function (request: unknown, ...rest: unknown[]) {
    return request === 'vscode' ? currentHost : originalLoad.call(this, request, ...rest);
  };
  const memento = { get: (_k: string, d: unknown) => d, update: async () => undefined, keys: () => [] };
  const file = path.join(dir, 'extension.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const main = require(file);
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
  /** The copy of dist/lazy.js main loaded (main keeps it out of require's cache; a test finds it this way). */
  const lazyOfMain = () => require.cache[file]?.children.find((m) => m.filename === path.join(dir, 'lazy.js'))?.exports;
  return { main, api, lines, commands, lazyOfMain };
}

/** Whatever another extension could hand dist/lazy.js: a registry of its own, which records what it hears. */
function foreignShared(heard: string[]) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SecretRegistry } = require('../../src/cloud/secretValues') as typeof import('../../src/cloud/secretValues');
  const secrets = new SecretRegistry();
  secrets.onSecret((v) => heard.push(v));
  return {
    secrets,
    clock: {},
    errorNotes: { operations: new WeakMap(), retryArgs: new WeakMap() },
    refusedIdentity: async () => undefined,
  };
}

describe('bundles: dist/extension.js and dist/lazy.js', () => {
  let tmp: string;
  let built: Built;
  before(async () => {
    ({ bundleExtension } = (await import(path.join(root, 'esbuild.mjs'))) as { bundleExtension: Bundler });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
    built = await bundleExtension({ write: false, minify: true, sourcemap: false });
  });
  after(() => {
    moduleLoader._load = originalLoad;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a module in both bundles holds no state, or its state is handed over or reviewed (BOTH_BUNDLES_STATE)', () => {
    const main = ownModules(built.main);
    const lazy = ownModules(built.lazy);
    const both = [...main].filter((f) => lazy.has(f));
    const unreviewed = both
      .filter((f) => statefulDeclarations(f).length && !BOTH_BUNDLES_STATE[f])
      .map((f) => `${f}: ${statefulDeclarations(f).join(', ')}`);
    assert.deepEqual(unreviewed, []);
    // The scanner sees the state that matters (or this test could not fail).
    for (const f of ['src/cloud/secretValues.ts', 'src/ui/redact.ts', 'src/cloud/clock.ts', 'src/views/node.ts']) {
      assert.ok(statefulDeclarations(f).length, `${f} has module-level state`);
      assert.ok(both.includes(f), `${f} is in both bundles`);
    }
    // A reviewed entry that no longer applies is dropped, so the list stays true.
    assert.deepEqual(
      Object.keys(BOTH_BUNDLES_STATE).filter((f) => !both.includes(f) || !statefulDeclarations(f).length),
      [],
    );
    // Command implementations, the policy catalogue, lint and the cloud clients are not loaded at activation.
    for (const f of [
      'src/commands/catalog.ts',
      'src/policy/actionCatalogData.ts',
      'src/policy/lint.ts',
      'src/cloud/ecs.ts',
    ]) {
      assert.ok(lazy.has(f) && !main.has(f), `${f} is lazy`);
    }
  });

  test('a class in both bundles that code tests with instanceof answers it by a shared mark', () => {
    const main = ownModules(built.main);
    const both = [...ownModules(built.lazy)].filter((f) => main.has(f));
    const srcText = (dir: string): string =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .map((e) =>
          e.isDirectory()
            ? srcText(path.join(dir, e.name))
            : e.name.endsWith('.ts')
              ? fs.readFileSync(path.join(dir, e.name), 'utf8')
              : '',
        )
        .join('\n');
    const all = srcText(path.join(root, 'src'));
    const unmarked: string[] = [];
    let marked = 0;
    for (const f of both) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      for (const m of text.matchAll(/^export (?:abstract )?class (\w+)/gm)) {
        if (!new RegExp(`instanceof ${m[1]}\\b`).test(all)) {
          continue;
        }
        const body = text.slice(m.index);
        if (/^\s*static \[Symbol\.hasInstance\]/m.test(body.slice(0, body.indexOf('\n}')))) {
          marked++;
        } else {
          unmarked.push(`${f}: ${m[1]}`);
        }
      }
    }
    assert.deepEqual(unmarked, []);
    assert.ok(marked >= 4, `CloudError, SetupError, UserCancelled, GoBack are found (${marked})`);
  });

  test('the main bundle imports no Node built-in that costs milliseconds to load; its modules require() them on first use', () => {
    const heavy = /^copy-once:node:(http|https|http2|net|tls|child_process|crypto|perf_hooks|zlib|dns)$/;
    const inputs = built.main.inputs as Record<string, { imports: { path: string; kind: string }[] }>;
    const found = Object.entries(inputs).flatMap(([file, i]) =>
      i.imports.filter((im) => heavy.test(im.path)).map((im) => `${file} -> ${im.path.slice('copy-once:'.length)}`),
    );
    assert.deepEqual(found, [], 'each is loaded when the bundle loads, i.e. during activation');
  });

  test('a module the sandbox bundle shares with the extension holds no state, or is a reviewed exception', async () => {
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

  test("a secret met by code in dist/lazy.js is redacted by main's log; a copy main did not activate would leak it", async () => {
    const dir = path.join(tmp, 'probe');
    await bundleExtension({
      outdir: dir,
      minify: true,
      sourcemap: false,
      lazyEntry: 'test/integration/fixtures/lazyProbe.ts',
    });
    const { api, lines, commands, lazyOfMain } = load(dir);
    assert.equal(lazyOfMain(), undefined, 'activation loads no dist/lazy.js');
    await commands.get('alibabaCloud.showLog')!(); // the first command loads dist/lazy.js
    const secret = `lazy-${'s3cr3t'.repeat(4)}`;
    lazyOfMain().announceSecret(secret);
    api.services.log.info(`token=${secret} in a message`);
    assert.ok(lines.length, 'the log wrote a line');
    assert.ok(
      lines.every((l) => !l.includes(secret)),
      lines.join('\n'),
    );
    // Control: the same bundle loaded again, not activated by main, has a registry of its own.
    delete require.cache[path.join(dir, 'lazy.js')];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const other = require(path.join(dir, 'lazy.js'));
    const leak = `lazy-${'l3ak'.repeat(5)}`;
    other.announceSecret(leak);
    api.services.log.info(`token=${leak} in a message`);
    assert.ok(
      lines.some((l) => l.includes(leak)),
      'a registry main did not hand over misses it',
    );
  });

  test("other code in the host cannot link dist/lazy.js: it gets neither main's state nor its secrets, whatever it loads or plants first", async () => {
    const dir = path.join(tmp, 'sealed');
    await bundleExtension({
      outdir: dir,
      minify: true,
      sourcemap: false,
      lazyEntry: 'test/integration/fixtures/lazyProbe.ts',
    });
    const lazyFile = path.join(dir, 'lazy.js');
    // Another extension activated first: it loads dist/lazy.js, links it with its own state ...
    const heard: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const early = require(lazyFile);
    early.activateLazy(foreignShared(heard));
    assert.throws(() => early.activateLazy(foreignShared(heard)), /already activated/, 'once per loaded copy');
    // ... cannot make that export call it instead (read-only, as esbuild emits exports) ...
    assert.throws(() => {
      'use strict';
      early.activateLazy = () => undefined;
    }, TypeError);
    assert.throws(() => Object.defineProperty(early, 'activateLazy', { value: () => undefined }), TypeError);
    // ... and plants a module of its own in require's cache, to receive what main hands over.
    const planted: unknown[] = [];
    const fake = new Module(lazyFile);
    fake.filename = lazyFile;
    fake.loaded = true;
    fake.exports = { activateLazy: (shared: unknown) => planted.push(shared) };
    require.cache[lazyFile] = fake;

    const { main, api, lines, commands, lazyOfMain } = load(dir);
    assert.deepEqual(Object.keys(main).sort(), ['activate', 'deactivate'], 'main exports nothing else');
    await commands.get('alibabaCloud.showLog')!();
    assert.deepEqual(planted, [], 'main never called a planted dist/lazy.js');
    const mine = lazyOfMain();
    assert.ok(mine && mine !== early && mine !== fake.exports, 'main loaded a copy of its own');
    assert.deepEqual(
      Object.keys(mine).sort(),
      ['activateLazy', 'announceSecret'],
      'the probe entry exports only these',
    );
    assert.equal(require.cache[lazyFile], undefined, "main's copy is not left in require's cache");
    assert.throws(() => mine.activateLazy(foreignShared(heard)), /already activated/, "nobody can re-link main's copy");
    // A secret met by main's lazy code reaches main's log redaction, never the other registry.
    const secret = `sealed-${'s3cr3t'.repeat(4)}`;
    mine.announceSecret(secret);
    api.services.log.info(`token=${secret}`);
    assert.ok(lines.every((l) => !l.includes(secret)));
    assert.deepEqual(heard, []);
    // Control: the foreign registry does hear what its own copy announces.
    early.announceSecret(`foreign-${'x'.repeat(10)}`);
    assert.equal(heard.length, 1);
  });
});
