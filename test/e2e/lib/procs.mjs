// Child processes in their own process groups, and a teardown that kills every group we started
// on normal exit, on Ctrl-C / SIGTERM / SIGHUP and on an uncaught error. Killing only a group's leader
// is not enough: the VS Code server leaves its file watcher and extension hosts behind.
import cp from 'node:child_process';
import fs from 'node:fs';
import { log, printBlock, tailLines, warn } from './log.mjs';

/** Live children that lead a process group. */
const groups = new Set();
/** Async cleanups (close the browser, ...) run before the groups are killed on a signal. */
const cleanups = new Set();
/** Temp dirs removed when this process exits, however it exits. */
const tempDirs = new Set();

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** spawn() in a new process group; the group is killed when this process exits. */
export function spawnGroup(cmd, args, opts = {}) {
  const child = cp.spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  groups.add(child);
  // The leader may exit while its children live on: the group is only forgotten in stopGroup().
  return child;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` (and always, for children that outlive the leader). */
export async function stopGroup(child, graceMs = 5000) {
  if (!child || !groups.has(child)) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    signalGroup(child, 'SIGTERM');
    let timer;
    await Promise.race([
      exited,
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
  signalGroup(child, 'SIGKILL');
  groups.delete(child);
}

/** Registers an async cleanup for signal-driven teardown; returns a function that unregisters it. */
export function onTeardown(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Removes `dir` when this process exits (normally, on a signal, or on a crash). */
export function removeOnExit(dir) {
  tempDirs.add(dir);
  return dir;
}

function killAllNow() {
  for (const child of groups) signalGroup(child, 'SIGKILL');
  groups.clear();
}

function removeTempDirs() {
  for (const d of tempDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

let installed = false;
/**
 * Kill all our process groups on exit, signals and crashes. Call once from each entry script.
 * `signalExitCode`: the exit code after Ctrl-C etc. (default 128 + signal number).
 */
export function installTeardownHandlers({ signalExitCode } = {}) {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    killAllNow();
    removeTempDirs();
  });
  let stopping = false;
  const onSignal = (signal, code) => {
    if (stopping) {
      killAllNow();
      process.exit(code);
    }
    stopping = true;
    log(`${signal}: tearing down`);
    const all = [...cleanups].map((fn) =>
      Promise.resolve()
        .then(fn)
        .catch(() => {}),
    );
    const groupsDone = Promise.all(all).then(() => Promise.all([...groups].map((c) => stopGroup(c, 3000))));
    const hardStop = new Promise((r) => setTimeout(r, 8000).unref());
    void Promise.race([groupsDone, hardStop]).finally(() => {
      killAllNow();
      process.exit(code);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT', signalExitCode ?? 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', signalExitCode ?? 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', signalExitCode ?? 129));
  process.on('uncaughtException', (e) => {
    warn('uncaught exception:', e);
    killAllNow();
    process.exit(2);
  });
  process.on('unhandledRejection', (e) => {
    warn('unhandled rejection:', e);
    killAllNow();
    process.exit(2);
  });
}

/**
 * Runs a command to completion in its own process group, with a timeout. Output goes to `logFile`
 * (and to the console when `echo`). Rejects with the output's tail when it fails.
 */
export function runCommand(
  cmd,
  args,
  { cwd, env, timeoutMs = 10 * 60_000, logFile, echo = false, label = `${cmd} ${args.join(' ')}` } = {},
) {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(cmd, args, { cwd, env: env ?? process.env });
    const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    let tail = '';
    const onData = (chunk) => {
      const s = chunk.toString();
      out?.write(s);
      tail = (tail + s).slice(-20_000);
      if (echo) process.stdout.write(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(child, 2000);
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      out?.end();
      groups.delete(child);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      out?.end();
      signalGroup(child, 'SIGKILL'); // stragglers
      groups.delete(child);
      if (code === 0 && !timedOut) {
        resolve(tail);
        return;
      }
      if (!echo) printBlock(`output of ${label}`, tailLines(tail, 60));
      reject(
        new Error(
          timedOut
            ? `${label}: timed out after ${timeoutMs / 1000}s`
            : `${label}: exited with ${code ?? signal}${logFile ? ` (log: ${logFile})` : ''}`,
        ),
      );
    });
  });
}
