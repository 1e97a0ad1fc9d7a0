// Installs a fixture extension that is only a manifest (e.g. fixtures/remote-ssh-stub: an ID other
// code looks for) into a server's extensions dir, as a VSIX zipped at test time. Never in our VSIX.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeVsix } from './languagePack.mjs';
import { installVsix } from './server.mjs';

/** Installs the manifest-only extension in `dir` (its package.json) into `extensionsDir`. ~1 s. */
export async function installStubExtension(tools, dir, extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-stub-'));
  try {
    const vsix = path.join(tmp, `${manifest.publisher}.${manifest.name}.vsix`);
    await writeVsix(vsix, { 'extension/package.json': JSON.stringify(manifest, null, 2) });
    installVsix(tools, vsix, extensionsDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const installed = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  if (!fs.existsSync(path.join(installed, 'package.json')))
    throw new Error(`${manifest.publisher}.${manifest.name} was not installed where expected: ${installed}`);
}
