// The local Alibaba Cloud (`node dist/sandbox.js --port 0`) in its own process group, the env that
// points the extension at it, and the secrets it hands out (for the leak scan).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from './paths.mjs';
import { spawnGroup, stopGroup } from './procs.mjs';

/**
 * Starts the sandbox; resolves once it printed its JSON line:
 * { endpoint, url, accessKeyId, accessKeySecret, controlToken, subAccount: {...}, imds: { instanceId: url }, realism, ... }.
 * controlToken goes as x-sandbox-token to /__sandbox/* (sandboxControl()); without it they answer 401.
 *
 * Instant by default (`--instant`: no propagation delays, no instance transitions, no extra
 * strictness) so suites assert exact outcomes; `realistic: true` runs it as `npm start` does.
 * `args` adds sandbox CLI flags on top (e.g. ['--propagation-ms', '3000'] with or without
 * `realistic`); a running sandbox can also be changed with POST /__sandbox/realism.
 * E2E_SANDBOX_ARGS (space-separated) adds flags from the environment, for a realistic run of the
 * same suites: E2E_SANDBOX_ARGS="--propagation-ms 3000 --lifecycle-ms 2000".
 */
export async function startSandbox({ logFile, timeoutMs = 30_000, realistic = false, args = [] } = {}) {
  const entry = path.join(REPO, 'dist', 'sandbox.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\``);
  const envArgs = (process.env.E2E_SANDBOX_ARGS ?? '').split(/\s+/).filter(Boolean);
  const flags = ['--port', '0', ...(realistic ? [] : ['--instant']), ...args, ...envArgs];
  const proc = spawnGroup(process.execPath, [entry, ...flags], { cwd: REPO });
  const out = logFile ? fs.createWriteStream(logFile) : null;
  let stdout = '';
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sandbox printed no JSON line within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    proc.stdout.on('data', (chunk) => {
      const s = chunk.toString();
      if (stdout.includes('\n')) {
        out?.write(s);
        return;
      } // after the first line: plain log
      stdout += s;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      // The first line holds the secrets: never write it to a log.
      out?.write(`<sandbox info line: ${nl} characters, not logged>\n${stdout.slice(nl + 1)}`);
      try {
        resolve(JSON.parse(stdout.slice(0, nl)));
      } catch (e) {
        reject(new Error(`sandbox's first line is not JSON: ${e.message}`));
      }
    });
    proc.stderr.on('data', (chunk) => out?.write(chunk));
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited at start (code ${code}, signal ${sig})`));
    });
  }).catch(async (e) => {
    await stopGroup(proc, 1000);
    throw e;
  });
  return {
    info,
    proc,
    async stop() {
      await stopGroup(proc, 3000);
      out?.end();
    },
  };
}

/**
 * The env the extension reads to use the sandbox. The same values go to a JSON file (the sandbox's
 * whole info line) whose path is ALIBABA_CLOUD_SANDBOX_INFO; keep that file out of artifacts.
 */
export function sandboxEnv(info, infoFile) {
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 2), { mode: 0o600 });
  return {
    ALIBABA_CLOUD_SANDBOX_URL: info.url,
    ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_ID: info.accessKeyId,
    ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_SECRET: info.accessKeySecret,
    ALIBABA_CLOUD_SANDBOX_INFO: infoFile,
  };
}

async function imdsFetch(url, init = {}) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return text;
}

/**
 * STS credentials the sandbox's IMDS serves for each instance with a role (hardened mode: token PUT,
 * then GETs with the token; ECS "Instance metadata" documentation). Returns { secrets: [{kind, value}], notes: [string] };
 * an IMDS that is not there (yet) is a note, not an error.
 */
export async function fetchStsSecrets(info) {
  const secrets = [];
  const notes = [];
  for (const [instanceId, base] of Object.entries(info.imds ?? {})) {
    try {
      const token = await imdsFetch(`${base}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': '300' },
      });
      const headers = { 'X-aliyun-ecs-metadata-token': token.trim() };
      let roles;
      try {
        roles = (await imdsFetch(`${base}/latest/meta-data/ram/security-credentials/`, { headers }))
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
      } catch (e) {
        if (/HTTP 404/.test(e.message)) {
          notes.push(`${instanceId}: no role attached`);
          continue;
        }
        throw e;
      }
      for (const role of roles) {
        const creds = JSON.parse(
          await imdsFetch(`${base}/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`, { headers }),
        );
        if (creds.AccessKeySecret) secrets.push({ kind: 'STS AccessKeySecret', value: creds.AccessKeySecret });
        if (creds.SecurityToken) secrets.push({ kind: 'STS SecurityToken', value: creds.SecurityToken });
        notes.push(`${instanceId}: STS credentials of role ${role}`);
      }
    } catch (e) {
      notes.push(`${instanceId}: IMDS unavailable (${e.message})`);
    }
  }
  return { secrets, notes };
}

/** The sandbox's long-lived secrets, by kind. */
export function sandboxSecrets(info) {
  return [
    { kind: 'root accessKeySecret', value: info.accessKeySecret },
    { kind: 'subAccount accessKeySecret', value: info.subAccount?.accessKeySecret },
    // Whoever has it can inject faults and move the sandbox clock.
    { kind: 'sandbox control token', value: info.controlToken },
  ];
}

/** A request to the sandbox's control routes (/__sandbox/<route>), with this run's token. */
export function sandboxControl(info, route, init = {}) {
  return fetch(`${info.url}/__sandbox/${route}`, {
    signal: AbortSignal.timeout(5000),
    ...init,
    headers: { ...init.headers, 'x-sandbox-token': info.controlToken },
  });
}

/**
 * POSTs to one of the sandbox's control routes (/__sandbox/<what>), e.g. controlSandbox(info,
 * 'realism', { propagationMs: 6000 }) to switch a behaviour on for one step.
 */
export async function controlSandbox(info, what, body) {
  const res = await sandboxControl(info, what, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST /__sandbox/${what}: HTTP ${res.status}`);
  return res.json();
}

/**
 * An ali-oss client on the sandbox (root key). The IP endpoint makes it path-style; `endpoint` may
 * be a virtual-host name (`http://oss-<region>.aliyuncs.com:<port>`), as ali-oss needs for presigning.
 */
export function ossClient(info, bucket, region, endpoint = info.url) {
  const OSS = createRequire(`${REPO}/package.json`)('ali-oss');
  return new OSS({
    endpoint,
    accessKeyId: info.accessKeyId,
    accessKeySecret: info.accessKeySecret,
    bucket,
    region: `oss-${region}`,
    timeout: 10_000,
  });
}
