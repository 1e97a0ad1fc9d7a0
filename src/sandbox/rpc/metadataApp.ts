/**
 * The sandbox's own "app on an instance": a program that reads its instance role's credentials
 * from the metadata service over and over, as a service using an Alibaba SDK does. `normal` reads
 * without a token (an old SDK, a hand-written curl), `token` asks for one first;
 * ALIBABA_CLOUD_IMDSV1_DISABLED=true (the canary's drop-in) makes it use a token whatever it was
 * told, as Alibaba's credentials SDKs do. It is a fixed program: the control route that starts it
 * (`/__sandbox/instance-app`) takes only the instance, the unit name and the mode, never a command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type MetadataAppMode = 'normal' | 'token';

const SOURCE = `// Sandbox metadata reader (see src/sandbox/rpc/metadataApp.ts).
import http from 'node:http';
const base = process.env.SANDBOX_IMDS_URL;
const token = process.argv[2] === 'token' || process.env.ALIBABA_CLOUD_IMDSV1_DISABLED === 'true';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PATH = '/latest/meta-data/ram/security-credentials/';
function request(method, p, headers = {}) {
  return new Promise((resolve) => {
    const req = http.request(base + p, { method, headers, agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}
for (;;) {
  const h = {};
  if (token) {
    const t = await request('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' });
    h['X-aliyun-ecs-metadata-token'] = t.body;
  }
  const role = await request('GET', PATH, h);
  if (role.status === 200) {
    await request('GET', PATH + role.body.split('\\n')[0], h);
  }
  await new Promise((r) => setTimeout(r, 100));
}
`;

let file: string | undefined;

/** The argv that runs the app in `mode` (its file is written once per process, removed at exit). */
export function metadataAppArgv(mode: MetadataAppMode): string[] {
  if (!file) {
    const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-apps-'));
    file = path.join(dir, 'metadata-reader.mjs');
    writeFileSync(file, SOURCE, { mode: 0o600 });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return [process.execPath, file, mode];
}

/** A systemd service name the app may run as ("orders.service"). */
export const isUnitName = (unit: string) => /^[A-Za-z0-9@._:-]{1,100}\.service$/.test(unit);
