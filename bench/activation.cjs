// Run in a fresh process by bench/run.ts: `node bench/activation.cjs main <dist>` times require of the
// main bundle plus activate() against a minimal host (every vscode API answers an inert object);
// `node bench/activation.cjs sdks <dist>` times require of every shipped SDK bundle. Prints JSON.
// `main-warm` is `main` with what VS Code's extension host has loaded before any extension activates
// loaded before the clock starts (src/vs/workbench/api/node/proxyResolver.ts imports http, https, tls
// and net to patch them; its startup marks use `performance`): the share of `main` that a bare Node
// charges and the real host does not.
const Module = require('module');
const path = require('path');
const fs = require('fs');
const [mode, dist] = process.argv.slice(2);

/** A stand-in for any API value: callable, constructible, takes fields, and answers more stand-ins. */
function stub() {
  const fields = new Map();
  return new Proxy(function inert() {}, {
    get: (_t, k) => {
      if (fields.has(k)) {
        return fields.get(k);
      }
      if (k === 'then') {
        return undefined;
      }
      if (k === Symbol.iterator) {
        return function* () {};
      }
      if (k === Symbol.toPrimitive) {
        return () => '';
      }
      return stub();
    },
    set: (_t, k, v) => {
      fields.set(k, v);
      return true;
    },
    apply: () => stub(),
    construct: () => stub(),
  });
}
const inert = stub();
const config = { get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => undefined };
// The bundle copies the module's own names (esbuild's ESM interop), so list the API's top-level names.
const names = new Set();
const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
for (const m of dts.matchAll(/^\texport (?:namespace|class|enum|function|const|let|var) (\w+)/gm)) {
  names.add(m[1]);
}
const vscode = {};
for (const n of names) {
  vscode[n] = inert;
}
vscode.workspace = new Proxy(
  {},
  {
    get: (_w, p) =>
      p === 'getConfiguration' ? () => config : p === 'workspaceFolders' ? undefined : p === 'isTrusted' ? true : inert,
  },
);
vscode.l10n = { t: (m) => (typeof m === 'string' ? m : m.message) };
vscode.ExtensionMode = { Production: 1, Development: 2, Test: 3 };
const loaded = [];
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request === 'vscode') {
    return vscode;
  }
  const out = load.call(this, request, parent, ...rest);
  if (/sdk[\\/]|lazy\.js$/.test(request)) {
    loaded.push(request);
  }
  return out;
};

// The host has parsed the manifest before activation (context.extension.packageJSON).
const packageJSON = JSON.parse(fs.readFileSync(path.join(dist, '..', 'package.json'), 'utf8'));

if (mode === 'main-warm') {
  for (const m of ['node:http', 'node:https', 'node:tls', 'node:net']) {
    require(m);
  }
  performance.now();
}

const t0 = process.hrtime.bigint();
if (mode === 'main' || mode === 'main-warm') {
  const ext = require(path.join(dist, 'extension.js'));
  const memento = { get: (_k, d) => d, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined };
  const context = {
    subscriptions: [],
    extensionMode: 1,
    extensionUri: inert,
    extensionPath: dist,
    globalState: memento,
    workspaceState: memento,
    secrets: {
      get: async () => undefined,
      store: async () => undefined,
      delete: async () => undefined,
      onDidChange: inert,
    },
    extension: { packageJSON },
    globalStorageUri: inert,
    storageUri: undefined,
    logUri: inert,
    environmentVariableCollection: inert,
    asAbsolutePath: (p) => p,
  };
  ext.activate(context);
} else {
  for (const f of fs.readdirSync(path.join(dist, 'sdk')).filter((f) => f.endsWith('.js'))) {
    require(path.join(dist, 'sdk', f));
  }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const during = [...loaded];
process.stdout.write(JSON.stringify({ ms, sdkLoadsDuringActivation: mode !== 'sdks' ? during : undefined }) + '\n');
process.exit(0);
