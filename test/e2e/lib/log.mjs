// Console logging with elapsed time, and small helpers for failure output.
import fs from 'node:fs';

const T0 = Date.now();
const stamp = () => `+${((Date.now() - T0) / 1000).toFixed(1)}s`;

export function log(...args) {
  console.log(`[e2e ${stamp()}]`, ...args);
}
export function warn(...args) {
  console.error(`[e2e ${stamp()}] WARN`, ...args);
}
export function fail(...args) {
  console.error(`[e2e ${stamp()}] FAIL`, ...args);
}

/** Runs fn, logs how long it took under `label`, returns its result (rethrows its error). */
export async function timed(label, fn, timings) {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    const ms = Date.now() - t;
    if (timings) timings[label] = ms;
    log(`${label}: ${(ms / 1000).toFixed(1)}s`);
  }
}

/** Last `n` lines of a text file ('' when it does not exist). */
export function tailFile(file, n = 40) {
  try {
    return tailLines(fs.readFileSync(file, 'utf8'), n);
  } catch {
    return '';
  }
}

export function tailLines(text, n = 40) {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n)
    .join('\n');
}

/** Prints a block (e.g. a log tail) indented under a heading. */
export function printBlock(heading, text) {
  if (!text) return;
  console.error(`----- ${heading} -----`);
  console.error(
    text
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  console.error(`----- end of ${heading} -----`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with `message` if `promise` has not settled within `ms`. */
export function withTimeout(promise, ms, message) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message ?? `timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}
