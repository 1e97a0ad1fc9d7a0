// Headless Debian Chromium driven by playwright-core, and a workbench page wired for VS Code's
// automation hooks: codeAutomationLog (workbench log lines, including the extension host's console.*
// while tests run) and codeAutomationExit (the test run's result).
import fs from 'node:fs';
import util from 'node:util';
import { onTeardown } from './procs.mjs';

// Workbench log lines that are noise offline. Everything still goes to workbench-console.log.
export const NOISE =
  /open-vsx\.org|ENOTFOUND|\[AgentHost|ChatModelSelection|AccountPolicyGate|Creating a socket|^Canceled|update#|marketplace|vsda|\[Service Worker\]|serviceWorker|authentication provider 'github'|Resolving connection token|Resolved connection token|reconnection-grace-time|Updating additional builtin extensions cache|Failed to load resource|bad HTTP response code \(404\)|same-origin iframe|allow-scripts and allow-same-origin/;

export async function launchBrowser(tools) {
  const browser = await tools.playwright.chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    timeout: 60_000,
    // --no-sandbox: we run as root. The rest keeps Chromium off the (closed) network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const off = onTeardown(() => browser.close());
  browser.once('disconnected', off);
  return browser;
}

/**
 * A page whose workbench output is written to `consoleLogFile` and kept in `page.lastLines`.
 * opts: onExit(code, logs) for codeAutomationExit; echo: 'filtered' (default) | 'all' | 'none';
 * browserConsole: also record the browser console (default true). With the smoke-test driver the
 * workbench sends every line to both codeAutomationLog and the console: pass false then.
 */
export async function openWorkbenchPage(
  browser,
  { consoleLogFile, onExit, echo = 'filtered', browserConsole = true, viewport = { width: 1400, height: 900 } } = {},
) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const out = consoleLogFile ? fs.createWriteStream(consoleLogFile, { flags: 'a' }) : null;
  const lastLines = [];
  const record = (type, text) => {
    const line = `[${type}] ${text}`;
    out?.write(line + '\n');
    lastLines.push(line);
    if (lastLines.length > 200) lastLines.shift();
    if (echo === 'all' || (echo === 'filtered' && !NOISE.test(text))) {
      (type === 'error' ? console.error : console.log)(`  | ${text}`);
    }
  };
  // printf-style arguments (e.g. '%s' from a test runner) — format like console.log does.
  await page.exposeFunction('codeAutomationLog', (type, args) => record(type, util.format(...(args ?? []))));
  await page.exposeFunction('codeAutomationExit', (code, logs) => onExit?.(code, logs));
  // Without the smoke-test driver the workbench logs to the browser console only ("%c INFO color: …" prefix).
  if (browserConsole)
    page.on('console', (m) => record(`console.${m.type()}`, m.text().replace(/^%c\s*(\w+)\s+color:\s*#\w+\s?/, '$1 ')));
  page.on('pageerror', (e) => record('pageerror', String(e)));
  page.on('crash', () => record('error', 'PAGE CRASHED'));
  page.lastLines = lastLines;
  page.closeConsoleLog = () => new Promise((r) => (out ? out.end(r) : r()));
  return page;
}
