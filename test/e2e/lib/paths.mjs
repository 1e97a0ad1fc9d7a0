// Where things live. Everything is relative to this file so that a copy of the repo works too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO = path.resolve(E2E_DIR, '..', '..');
/** Git-ignored folder for the e2e tools (Node 24, code-server, playwright-core). E2E_CACHE_DIR overrides. */
export const CACHE_DIR = path.resolve(process.env.E2E_CACHE_DIR || path.join(REPO, '.cache', 'e2e'));
/** Screenshots, logs and DOM text of the last run (git-ignored). */
export const RESULTS_DIR = path.join(REPO, 'test-results');
/** Compiled in-host suites. */
export const BUILD_DIR = path.join(REPO, '.cache', 'e2e-build');

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
export const MANIFEST = manifest;
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
/** Written by `npm run package`. */
export const VSIX = path.join(REPO, 'dist', `${manifest.name}.vsix`);
