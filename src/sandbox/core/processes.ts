/**
 * Which local process holds a loopback TCP connection, read the way the extension's metadata probe
 * reads it on an instance: the socket's inode from /proc/net/tcp{,6}, the process that has that
 * inode open among /proc/<pid>/fd, its command line from /proc/<pid>/cmdline and its systemd unit
 * from /proc/<pid>/cgroup. Linux only; elsewhere (or for another user's process) nothing is known.
 * The sandbox's metadata service uses it so the callers it records are real processes.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface LocalProcess {
  pid: number;
  /** argv joined by single spaces. */
  command: string;
  /** The systemd service the process runs in ("nginx.service"), when there is one. */
  unit?: string;
}

/** The inode of the TCP socket whose local port is `clientPort` and remote port `serverPort`. */
function socketInode(clientPort: number, serverPort: number): string | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1].endsWith(`:${hex(clientPort)}`) && f[2].endsWith(`:${hex(serverPort)}`)) {
        return f[9];
      }
    }
  }
  return undefined;
}

/** The unit a cgroup v1/v2 path names ("/system.slice/orders.service" → "orders.service"). */
export function unitOfCgroup(cgroup: string): string | undefined {
  for (const line of cgroup.split('\n')) {
    const m = /\/([A-Za-z0-9@._:-]+\.service)(?:\/|$)/.exec(line.split(':').slice(2).join(':'));
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

export function describeProcess(pid: number): LocalProcess | undefined {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
    let unit: string | undefined;
    try {
      unit = unitOfCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    } catch {
      unit = undefined;
    }
    return { pid, command, unit };
  } catch {
    return undefined;
  }
}

/**
 * The process at the client end of a connection to the sandbox, among `candidates` (the programs
 * the sandbox started on its instances). Only those are searched: a scan of every process on
 * every new connection would slow every metadata read of every test on a busy machine.
 */
export function processOfConnection(
  clientPort: number,
  serverPort: number,
  candidates: number[],
): LocalProcess | undefined {
  if (!candidates.length) {
    return undefined;
  }
  const inode = socketInode(clientPort, serverPort);
  if (!inode || inode === '0') {
    return undefined;
  }
  const target = `socket:[${inode}]`;
  for (const pid of candidates.map(String)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) {
          return describeProcess(Number(pid));
        }
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
