// The VS Code server (lib/vscode/out/server-main.js inside the code-server npm package), run under
// Node 24 in its own process group with a throw-away data dir. See ../README.md.
import cp from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './paths.mjs';
import { removeOnExit, spawnGroup, stopGroup } from './procs.mjs';

/** Loaded into every Node process of a guarded server (the server, its extension hosts and helpers). */
export const LOOPBACK_GUARD = path.join(REPO, 'test', 'loopbackGuard.mjs');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const isLoopbackHost = (host) =>
  LOOPBACK_HOSTS.has(String(host).toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);

/** Seeded into <user-data-dir>/User/settings.json, which the server-side workbench honours. */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true, // no Chat view, no agent host / copilot runtime processes
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

const EXTHOST_EXIT = /Extension Host Process exited with code: (\S+), signal: (\S+?)\.?$/;

/**
 * A random connection token in a file only we can read (mode 0600 in a private temp dir), for
 * --connection-token-file: without it any local user, or a web page that rebinds a name to
 * 127.0.0.1, gets a workbench and with it a terminal.
 */
function connectionTokenFile() {
  const dir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-vscode-token-')));
  const token = crypto.randomBytes(32).toString('base64url'); // VS Code accepts [0-9A-Za-z_-]
  const file = path.join(dir, 'connection-token');
  fs.writeFileSync(file, token, { mode: 0o600, flag: 'wx' });
  return { dir, file, token };
}

/** A fresh temp dir for a server's data; removed when this process exits at the latest. */
export function makeDataDir(prefix = 'e2e-vscode-') {
  return removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function serverEnv(tools, extra) {
  return { ...process.env, ...extra, PATH: `${path.dirname(tools.node)}${path.delimiter}${process.env.PATH}` };
}

/** Installs a .vsix into an extensions dir (no server needed; ~1 s). */
export function installVsix(tools, vsix, extensionsDir) {
  cp.execFileSync(
    tools.node,
    [tools.serverMain, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, env: serverEnv(tools) },
  );
}

/**
 * Starts a server. opts:
 *   dataDir          root for user-data / server-data / extensions and server.log (default: new temp dir)
 *   smokeTestDriver  default true: needed for the URL payload (dev extension, tests, env); false = plain
 *                    server where installed VSIXs run and notification toasts are shown
 *   settings         extra user settings; env: extra env for the server and so for its extension hosts
 *   port             default 0 (a free port); host default 127.0.0.1 (anything else only when asked for)
 *   locale           display language (`--locale`); anything but English needs a language pack (languagePack.mjs)
 *   loopbackGuard    default true: every Node process of the server (extension hosts included) loads
 *                    test/loopbackGuard.mjs, so nothing in it can reach a non-loopback address
 * The server requires a random connection token (`server.connectionToken`); workbenchUrl() carries it.
 * The result has port/origin/authority, the dirs, `exthostExit` (the first non-zero extension host exit,
 * from the server log: the workbench reports a crashed host as a pass), onLine(fn) and stop().
 */
export async function startServer(tools, opts = {}) {
  const root = opts.dataDir ?? makeDataDir();
  const userDataDir = path.join(root, 'user-data');
  const serverDataDir = path.join(root, 'server-data');
  const extensionsDir = path.join(root, 'extensions');
  for (const d of [path.join(userDataDir, 'User'), serverDataDir, extensionsDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2),
  );
  // The extension host is remote: machine-scoped settings (our endpoints and metadata settings) are
  // read from the remote machine's settings (<user-data-dir>/Machine), not the browser user's.
  const machineSettings = path.join(userDataDir, 'Machine', 'settings.json');
  fs.mkdirSync(path.dirname(machineSettings), { recursive: true });
  fs.writeFileSync(machineSettings, JSON.stringify({ ...opts.settings }, null, 2));

  const host = opts.host ?? '127.0.0.1';
  const token = connectionTokenFile();
  const args = [
    // Not NODE_OPTIONS: the server deletes it from every child's env. Its extension hosts and other
    // forks run with the server's own execArgv, so an --import here reaches all of them.
    ...(opts.loopbackGuard === false ? [] : [`--import=${pathToFileURL(LOOPBACK_GUARD).href}`]),
    tools.serverMain,
    '--host',
    host,
    '--port',
    String(opts.port ?? 0),
    '--connection-token-file',
    token.file,
    '--accept-server-license-terms',
    '--disable-telemetry',
    '--disable-experiments',
    '--disable-workspace-trust',
    // A built workbench ignores the URL payload unless the server runs with this flag (test/e2e/README.md).
    ...(opts.smokeTestDriver === false ? [] : ['--enable-smoke-test-driver']),
    '--user-data-dir',
    userDataDir,
    '--server-data-dir',
    serverDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(opts.locale ? ['--locale', opts.locale] : []),
  ];
  const logFile = path.join(root, 'server.log');
  const logStream = fs.createWriteStream(logFile);
  const t0 = Date.now();
  const proc = spawnGroup(tools.node, args, {
    env: serverEnv(tools, { VSCODE_AGENT_FOLDER: serverDataDir, ...opts.env }),
  });

  const lineListeners = new Set();
  const server = {
    root,
    userDataDir,
    serverDataDir,
    extensionsDir,
    logFile,
    proc,
    host,
    connectionToken: token.token,
    logsDir: path.join(userDataDir, 'logs'),
    /** First extension host exit with a non-zero code or a signal: { code, signal, line }. */
    exthostExit: undefined,
    /** Set while we stop things ourselves, so that the exits this causes are not crashes. */
    stopping: false,
    onLine(fn) {
      lineListeners.add(fn);
      return () => lineListeners.delete(fn);
    },
    async stop() {
      server.stopping = true;
      await stopGroup(proc, 5000);
      await new Promise((r) => logStream.end(r));
      fs.rmSync(token.dir, { recursive: true, force: true });
    },
  };
  for (const stream of [proc.stdout, proc.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      logStream.write(chunk);
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        const m = EXTHOST_EXIT.exec(line);
        if (m && !server.stopping && !server.exthostExit) {
          const code = m[1] === 'null' ? null : Number(m[1]);
          const signal = m[2] === 'null' ? null : m[2];
          if (code || signal) server.exthostExit = { code, signal, line };
        }
        for (const fn of lineListeners) fn(line);
      }
    });
  }

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`VS Code server did not start within 60 s (log: ${logFile})`));
    }, 60_000);
    const off = server.onLine((line) => {
      const m = /Extension host agent listening on (\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        off();
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited at start (code ${code}, signal ${sig}; log: ${logFile})`));
    });
  }).catch(async (e) => {
    await server.stop();
    throw e;
  });

  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  Object.assign(server, {
    port,
    authority: `${hostPart}:${port}`,
    origin: `http://${hostPart}:${port}`,
    startupMs: Date.now() - t0,
  });
  return server;
}

/**
 * Throws unless the server refuses a request without its connection token (it answers 403), so a
 * run never passes against a workbench that is open to every local user.
 */
export async function assertConnectionTokenRequired(server) {
  for (const url of [`${server.origin}/`, `${server.origin}/?tkn=not-the-token`]) {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status !== 403)
      throw new Error(
        `the VS Code server answered ${res.status}, not 403, to ${url}: it does not require its connection token`,
      );
  }
}

/**
 * Workbench URL, with the connection token. opts: workspace (folder or .code-workspace), and for a smoke-test-driver server:
 * extensionDevelopmentPath, extensionTestsPath, env (the extension host's extensionEnvironment).
 */
export function workbenchUrl(server, { workspace, extensionDevelopmentPath, extensionTestsPath, env } = {}) {
  const remote = (p) => `vscode-remote://${server.authority}${path.resolve(p)}`;
  const payload = [];
  for (const p of [].concat(extensionDevelopmentPath ?? [])) payload.push(['extensionDevelopmentPath', remote(p)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (env && Object.keys(env).length) payload.push(['extensionEnvironment', JSON.stringify(env)]);
  payload.push(['skipWelcome', 'true']);
  const q = new URLSearchParams();
  if (workspace) {
    const abs = path.resolve(workspace);
    q.set(abs.endsWith('.code-workspace') ? 'workspace' : 'folder', abs);
  } else {
    q.set('ew', 'true');
  }
  if (payload.length > 1) q.set('payload', JSON.stringify(payload));
  // The server trades the token for a cookie and redirects to the same URL without it.
  q.set('tkn', server.connectionToken);
  return `${server.origin}/?${q}`;
}

/** The extension's own log files (LogOutputChannel etc.): <logs>/<ts>/exthost*\/<extensionId>/*.log. */
export function extensionLogFiles(server, extensionId) {
  const out = [];
  const walk = (dir, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name === extensionId) {
        for (const f of fs.readdirSync(p)) if (f.endsWith('.log')) out.push(path.join(p, f));
      } else if (e.isDirectory() && depth < 4) walk(p, depth + 1);
    }
  };
  walk(server.logsDir, 0);
  walk(path.join(server.serverDataDir, 'data', 'logs'), 0);
  return out;
}

/** Every *.log file under the server's log folders (for failure artifacts and the secret scan). */
export function allLogFiles(server) {
  const out = [server.logFile];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log')) out.push(p);
    }
  };
  walk(server.logsDir);
  walk(path.join(server.serverDataDir, 'data', 'logs'));
  return out;
}

/**
 * Waits until an extension host log says the extension activated (for installed extensions, where no
 * test runs inside the host). Rejects on an activation error or after `timeoutMs`.
 */
export async function waitForActivation(server, extensionId, timeoutMs = 60_000) {
  const esc = extensionId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ok = new RegExp(`ExtensionService#_doActivateExtension ${esc}\\b`);
  const bad = new RegExp(`Activating extension '?${esc}'? failed[^\\n]*`, 'i');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of allLogFiles(server)) {
      let text;
      try {
        text = fs.readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      const b = bad.exec(text);
      if (b) throw new Error(`extension ${extensionId} failed to activate: ${b[0]}`);
      if (ok.test(text)) return f;
    }
    if (Date.now() > deadline) throw new Error(`extension ${extensionId} did not activate within ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
