/**
 * Programs "running on" a sandbox instance, as systemd services: real child processes of the
 * sandbox whose metadata service is the instance's (`SANDBOX_IMDS_URL`). Tests start them through
 * the sandbox object; over HTTP (the control route `instance-app`, with the run's token) only the
 * sandbox's own metadata reader can be started (metadataApp.ts), never a program a request names. The
 * Cloud Assistant agent restarts one for the metadata canary, with the extra environment a systemd
 * drop-in would give it. Their requests reach the metadata service like any client's, so what the
 * metadata probe reports about them comes from real connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SandboxHost } from '../core/service';

export interface InstanceService {
  instanceId: string;
  unit: string;
  argv: string[];
  env: Record<string, string>;
  /** The instance's metadata base the program is given. */
  imdsUrl: string;
  child?: ChildProcess;
  restarts: number;
}

const registry = new WeakMap<SandboxHost, Map<string, InstanceService>>();

function servicesOf(sandbox: SandboxHost): Map<string, InstanceService> {
  let m = registry.get(sandbox);
  if (!m) {
    m = new Map();
    registry.set(sandbox, m);
  }
  return m;
}

const key = (instanceId: string, unit: string) => `${instanceId}/${unit}`;

function launch(s: InstanceService): void {
  const [cmd, ...args] = s.argv;
  s.child = spawn(cmd, args, {
    env: { PATH: process.env.PATH ?? '', ...s.env, SANDBOX_IMDS_URL: s.imdsUrl },
    stdio: 'ignore',
  });
  s.child.on('error', () => undefined);
}

/** Starts `argv` as service `unit` on the instance; `imdsUrl` is the instance's metadata base. */
export function startInstanceService(
  sandbox: SandboxHost,
  imdsUrl: string,
  spec: { instanceId: string; unit: string; argv: string[]; env?: Record<string, string> },
): InstanceService {
  const m = servicesOf(sandbox);
  const k = key(spec.instanceId, spec.unit);
  m.get(k)?.child?.kill();
  const s: InstanceService = { ...spec, env: { ...spec.env }, imdsUrl, restarts: 0 };
  launch(s);
  m.set(k, s);
  return s;
}

export function instanceService(sandbox: SandboxHost, instanceId: string, unit: string): InstanceService | undefined {
  return servicesOf(sandbox).get(key(instanceId, unit));
}

/** The pids of the services the sandbox runs (searched first when a connection is traced). */
export function servicePids(sandbox: SandboxHost): number[] {
  return [...servicesOf(sandbox).values()].flatMap((s) => (s.child?.pid ? [s.child.pid] : []));
}

/** The unit the sandbox started `pid` as on this instance (the instance's systemd knows its children). */
export function serviceOfPid(sandbox: SandboxHost, instanceId: string, pid: number): string | undefined {
  return [...servicesOf(sandbox).values()].find((s) => s.instanceId === instanceId && s.child?.pid === pid)?.unit;
}

/** `systemctl restart` with a drop-in adding `env`: false when the instance has no such unit. */
export function restartInstanceService(
  sandbox: SandboxHost,
  instanceId: string,
  unit: string,
  env: Record<string, string>,
): boolean {
  const s = instanceService(sandbox, instanceId, unit);
  if (!s) {
    return false;
  }
  s.child?.kill();
  Object.assign(s.env, env);
  s.restarts++;
  launch(s);
  return true;
}

export function stopInstanceServices(sandbox: SandboxHost): void {
  for (const s of servicesOf(sandbox).values()) {
    s.child?.kill();
  }
  servicesOf(sandbox).clear();
}
