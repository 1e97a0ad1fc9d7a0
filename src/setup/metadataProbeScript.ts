/**
 * The scripts "Require Hardened Metadata Mode" runs through Cloud Assistant, and the parser of what
 * they print.
 *
 * The probe watches, for a number of seconds, which processes hold a TCP connection to the metadata
 * service (100.100.100.200:80): every 0.2 s it reads /proc/net/tcp, maps each socket's inode to
 * the process holding it (/proc/<pid>/fd), and notes its command line and systemd unit
 * (/proc/<pid>/cgroup). Whether a process reads without a token is a header, which a socket table
 * does not show: when tcpdump is there (and the script runs as root, as Cloud Assistant runs it) it
 * captures the requests and marks the client ports whose GET carried no
 * X-aliyun-ecs-metadata-token; otherwise a process is "token" only when its environment has
 * ALIBABA_CLOUD_IMDSV1_DISABLED=true (Alibaba's credentials SDKs then never fall back) and
 * "unknown" else. It cannot see a connection opened and closed between two samples, processes in
 * another network namespace (containers) read through NAT, or anything on Windows.
 *
 * The canary restarts one systemd service with ALIBABA_CLOUD_IMDSV1_DISABLED=true through a
 * drop-in, so that service stops falling back to normal mode before the instance forbids it.
 *
 * Output is `key=value` lines; the instance is untrusted, so the parser accepts each key only in
 * its one shape and reports anything else as unreadable (as roleCheckScript.ts does).
 */

export const PROBE_MARKER = 'alibabaCloud.metadataProbe v1';
export const CANARY_MARKER = 'alibabaCloud.metadataCanary v1';
export const CANARY_ENV = 'ALIBABA_CLOUD_IMDSV1_DISABLED';

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface ProbeOptions {
  seconds: number;
  /** host:port of the metadata service; only tests change it. */
  target?: string;
}

const TARGET = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

export function shellMetadataProbe(o: ProbeOptions): string {
  const seconds = Math.round(o.seconds);
  if (!(seconds >= 1 && seconds <= 3600)) {
    throw new RangeError(`seconds=${o.seconds}`);
  }
  const target = o.target ?? '100.100.100.200:80';
  const m = TARGET.exec(target);
  if (!m) {
    throw new RangeError(`target=${target}`);
  }
  // /proc/net/tcp prints the IPv4 address as a little-endian word (x86-64 and arm64 both are).
  const hex = [m[4], m[3], m[2], m[1]]
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
  const portHex = Number(m[5]).toString(16).padStart(4, '0').toUpperCase();
  return `#!/bin/sh
# ${PROBE_MARKER}: which processes talk to the metadata service, and whether with a token.
SECONDS_TO_WATCH=${seconds}
TARGET=${shQuote(`${hex}:${portHex}`)}
IP=${shQuote(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`)}
PORT=${shQuote(m[5])}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
echo 'probe=1'
echo "seconds=$SECONDS_TO_WATCH"
if [ ! -r /proc/net/tcp ]; then echo 'sampler=none'; echo 'done=1'; exit 0; fi
echo 'sampler=proc'
CAP=''
if command -v tcpdump >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  tcpdump -l -nn -A -s 0 -i any "dst host $IP and dst port $PORT" >"$T/cap" 2>/dev/null &
  CAP=$!
fi
[ -n "$CAP" ] && echo 'capture=tcpdump' || echo 'capture=none'
: >"$T/seen"
END=$(( $(date +%s) + SECONDS_TO_WATCH ))
while [ "$(date +%s)" -lt "$END" ]; do
  awk -v t="$TARGET" 'NR > 1 && $3 == t && $10 != "0" { split($2, a, ":"); print $10, a[2] }' /proc/net/tcp >"$T/now"
  while read -r INODE LPORT; do
    grep -q "^$INODE " "$T/seen" && continue
    P=$(find /proc/[0-9]*/fd -lname "socket:\\[$INODE\\]" 2>/dev/null | head -n 1 | cut -d/ -f3)
    [ -n "$P" ] || continue
    echo "$INODE $(printf '%d' "0x$LPORT") $P" >>"$T/seen"
    [ -f "$T/p$P" ] && continue
    U=$(sed -n 's:.*/\\([A-Za-z0-9@._:-]*\\.service\\)\\(/.*\\)\\{0,1\\}$:\\1:p' "/proc/$P/cgroup" 2>/dev/null | head -n 1)
    C=$(base64 <"/proc/$P/cmdline" 2>/dev/null | tr -d '\\n' | cut -c1-1400)
    if tr '\\0' '\\n' <"/proc/$P/environ" 2>/dev/null | grep -qx '${CANARY_ENV}=true'; then M=token; else M=unknown; fi
    echo "$M \${U:--} $C" >"$T/p$P"
  done <"$T/now"
  sleep 0.2
done
if [ -n "$CAP" ]; then
  kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null
  # A client port whose GET carried no token header: a normal-mode read.
  awk -v ip="$IP" '
    index($0, " > " ip ".") && match($0, /[0-9.]+ > /) { n = split(substr($0, RSTART, RLENGTH - 3), a, "."); port = a[n]; next }
    /GET \\/latest/ { get[port] = 1 }
    tolower($0) ~ /x-aliyun-ecs-metadata-token:/ { tok[port] = 1 }
    END { for (p in get) if (!(p in tok)) print p }' "$T/cap" >"$T/tokenless"
  while read -r INODE LP P; do
    if grep -qx "$LP" "$T/tokenless"; then sed -i 's/^[a-z]* /tokenless /' "$T/p$P"
    elif [ -f "$T/p$P" ] && ! grep -q '^tokenless ' "$T/p$P"; then sed -i 's/^unknown /token /' "$T/p$P"; fi
  done <"$T/seen"
fi
for F in "$T"/p*; do [ -f "$F" ] && echo "caller=\${F##*/p} $(cat "$F")"; done
echo 'done=1'
`;
}

const SAFE_UNIT = /^[A-Za-z0-9@._:-]{1,120}\.service$/;

export function isServiceName(unit: string): boolean {
  return SAFE_UNIT.test(unit);
}

export function shellMetadataCanary(unit: string): string {
  if (!SAFE_UNIT.test(unit)) {
    throw new RangeError(`unit=${unit}`);
  }
  return `#!/bin/sh
# ${CANARY_MARKER}: restart one service with ${CANARY_ENV}=true, so its SDK never falls back to normal mode.
UNIT=${shQuote(unit)}
if ! systemctl cat "$UNIT" >/dev/null 2>&1; then echo 'canary=nounit'; echo 'done=1'; exit 0; fi
D="/etc/systemd/system/$UNIT.d"
mkdir -p "$D" && printf '[Service]\\nEnvironment=${CANARY_ENV}=true\\n' >"$D/50-alibabacloud-imds-canary.conf" || { echo 'canary=failed'; echo 'done=1'; exit 0; }
systemctl daemon-reload && systemctl restart "$UNIT" && echo 'canary=restarted' || echo 'canary=failed'
echo "pid=$(systemctl show -p MainPID --value "$UNIT" 2>/dev/null)"
echo 'done=1'
`;
}

export type CallerMode = 'tokenless' | 'token' | 'unknown';

export interface MetadataCallerReport {
  pid: number;
  mode: CallerMode;
  unit?: string;
  /** The command line, NULs as spaces, control characters dropped. */
  command: string;
}

export interface ProbeReport {
  complete: boolean;
  seconds?: number;
  sampler?: 'proc' | 'none';
  capture?: 'tcpdump' | 'none';
  callers: MetadataCallerReport[];
  unreadable: string[];
}

const PROBE_SHAPES: Record<string, RegExp> = {
  probe: /^1$/,
  seconds: /^\d{1,4}$/,
  sampler: /^(proc|none)$/,
  capture: /^(tcpdump|none)$/,
  done: /^1$/,
};
const CALLER = /^(\d{1,9}) (tokenless|token|unknown) ([A-Za-z0-9@._:-]{1,128}|-) ([A-Za-z0-9+/=]{0,1400})$/;
const MAX_CALLERS = 200;

function decodeCommand(b64: string): string {
  return Buffer.from(b64, 'base64')
    .toString('utf8')
    .replace(/\0/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 500);
}

export function parseProbeOutput(output: string): ProbeReport {
  const v: Record<string, string> = {};
  const unreadable: string[] = [];
  const callers: MetadataCallerReport[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(raw.trim());
    if (!m) {
      continue;
    }
    const [, k, value] = m;
    if (k === 'caller') {
      const c = CALLER.exec(value.trim());
      if (!c) {
        if (!unreadable.includes('caller')) {
          unreadable.push('caller');
        }
        continue;
      }
      const pid = Number(c[1]);
      if (callers.length < MAX_CALLERS && !callers.some((x) => x.pid === pid)) {
        callers.push({
          pid,
          mode: c[2] as CallerMode,
          unit: c[3] === '-' ? undefined : c[3],
          command: decodeCommand(c[4]),
        });
      }
      continue;
    }
    if (!Object.hasOwn(PROBE_SHAPES, k) || k in v || unreadable.includes(k)) {
      continue;
    }
    if (PROBE_SHAPES[k].test(value.trim())) {
      v[k] = value.trim();
    } else {
      unreadable.push(k);
    }
  }
  return {
    complete: v.done === '1' && v.probe === '1',
    seconds: v.seconds ? Number(v.seconds) : undefined,
    sampler: v.sampler as ProbeReport['sampler'],
    capture: v.capture as ProbeReport['capture'],
    callers,
    unreadable,
  };
}

export interface CanaryReport {
  complete: boolean;
  outcome?: 'restarted' | 'nounit' | 'failed';
  pid?: number;
  unreadable: string[];
}

export function parseCanaryOutput(output: string): CanaryReport {
  const v: Record<string, string> = {};
  const unreadable: string[] = [];
  const shapes: Record<string, RegExp> = { canary: /^(restarted|nounit|failed)$/, pid: /^\d{1,9}$/, done: /^1$/ };
  for (const raw of output.split(/\r?\n/)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(raw.trim());
    if (!m || !Object.hasOwn(shapes, m[1]) || m[1] in v || unreadable.includes(m[1]) || !m[2].trim()) {
      continue;
    }
    if (shapes[m[1]].test(m[2].trim())) {
      v[m[1]] = m[2].trim();
    } else {
      unreadable.push(m[1]);
    }
  }
  return {
    complete: v.done === '1',
    outcome: v.canary as CanaryReport['outcome'],
    pid: v.pid ? Number(v.pid) : undefined,
    unreadable,
  };
}
