/**
 * OSS log dump ("日志转存", help.aliyun.com/zh/oss/user-guide/logging; PutBucketLogging API
 * reference): a bucket with logging on has every request OSS serves on it written, one line each,
 * into hourly log objects named `<TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-UniqueString` in
 * the target bucket (same account, same region). The page promises the files "within 48 hours"
 * and warns an hour's file may miss requests; the sandbox writes an hour's file only once the hour
 * has closed and DUMP_DELAY_MS more has passed on its clock, never sooner.
 *
 * Line format (same page, "日志的格式和示例"), space-separated, quoted where the page quotes:
 *   RemoteIP Reserved Reserved Time "RequestURL" HTTPStatus SentBytes RequestTime "Referer"
 *   "UserAgent" "HostName" "RequestID" "LoggingFlag" "RequesterAliyunID" "Operation" "BucketName"
 *   "ObjectName" ObjectSize ServerCostTime "ErrorCode" RequestLength "UserID" DeltaDataSize
 *   "SyncRequest" "StorageClass" "TargetStorageClass" "TransmissionAccelerationAccessPoint"
 *   "AccessKeyID" "BucketARN"
 * AccessKeyID is the requester's AccessKey ID, `STS.`-prefixed for STS credentials. The object
 * name is URL-encoded as the SLS field table says of `object` (alibabacloud.com/help/en/sls/oss).
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../core/principal';
import { now, type Bucket, type SandboxState } from '../core/state';
import { trailOf } from '../core/trail';

/** An hour's file appears this long after the hour closed ("within hours": never sooner). */
export const DUMP_DELAY_MS = 2 * 3600_000;
const HOUR = 3600_000;
/** The example names Beijing time (+0800) for the file name and the Time field. */
const TZ_MS = 8 * HOUR;

export interface LoggingConfig {
  targetBucket: string;
  targetPrefix: string;
}

const configs = new WeakMap<SandboxState, Map<string, LoggingConfig>>();
/** Lines not yet delivered: `<source>\n<target>\n<prefix>\n<hour start>` → lines. */
const pending = new WeakMap<SandboxState, Map<string, string[]>>();

export function loggingOf(state: SandboxState): Map<string, LoggingConfig> {
  let m = configs.get(state);
  if (!m) {
    m = new Map();
    configs.set(state, m);
  }
  return m;
}

function pendingOf(state: SandboxState): Map<string, string[]> {
  let m = pending.get(state);
  if (!m) {
    m = new Map();
    pending.set(state, m);
  }
  return m;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** `03/Jan/2021:14:59:49 +0800` */
function logTime(ms: number): string {
  const d = new Date(ms + TZ_MS);
  return `[${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0800]`;
}

/** `YYYY-mm-DD-HH-00-00` of the hour (Beijing time); MM and SS are pushed as 00. */
function fileTime(hourStart: number): string {
  const d = new Date(hourStart + TZ_MS);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}-${p2(d.getUTCHours())}-00-00`;
}

/** OSS URL-encodes the object name in the log (encodeURIComponent keeps `/` readable here). */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/');
const q = (s: string) => `"${s.replace(/"/g, '%22')}"`;

export interface AccessLogEntry {
  at: number;
  bucket: string;
  key?: string;
  op: string;
  method: string;
  status: number;
  errorCode?: string;
  principal?: Principal;
  accessKeyId?: string;
  requestId: string;
  objectSize?: number;
  sentBytes?: number;
  region: string;
}

function requesterId(state: SandboxState, p: Principal | undefined): string {
  if (!p) {
    return '-';
  }
  if (p.kind === 'role') {
    return state.roles.get(p.roleName)?.roleId ?? state.accountId;
  }
  if (p.kind === 'user') {
    return state.users.get(p.userName)?.userId ?? state.accountId;
  }
  return state.accountId;
}

export function formatLine(state: SandboxState, e: AccessLogEntry): string {
  const path = `/${e.key !== undefined ? encodeKey(e.key) : ''}`;
  return [
    '127.0.0.1',
    '-',
    '-',
    logTime(e.at),
    q(`${e.method} ${path} HTTP/1.1`),
    String(e.status),
    String(e.sentBytes ?? 0),
    '1',
    q('-'),
    q('aliyun-sdk-js'),
    q(`${e.bucket}.oss-${e.region}.aliyuncs.com`),
    q(e.requestId),
    q('true'),
    q(requesterId(state, e.principal)),
    q(e.op),
    q(e.bucket),
    q(e.key !== undefined ? encodeKey(e.key) : '-'),
    e.objectSize !== undefined ? String(e.objectSize) : '-',
    '1',
    q(e.errorCode ?? '-'),
    '302',
    q(state.accountId),
    '-',
    q('-'),
    q(e.key !== undefined ? 'standard' : '-'),
    q('-'),
    q('-'),
    q(e.accessKeyId ?? '-'),
    q(`acs:oss:${e.region}:${state.accountId}:${e.bucket}`),
  ].join(' ');
}

/** Notes one request served on a bucket; kept until its hour's file is due. */
export function logAccess(state: SandboxState, e: AccessLogEntry): void {
  const cfg = loggingOf(state).get(e.bucket);
  if (!cfg) {
    return;
  }
  const hour = Math.floor(e.at / HOUR) * HOUR;
  const slot = [e.bucket, cfg.targetBucket, cfg.targetPrefix, hour].join('\n');
  const lines = pendingOf(state).get(slot) ?? [];
  lines.push(formatLine(state, e));
  pendingOf(state).set(slot, lines);
}

/** Writes every hour's file whose time has come (the sandbox clock), into its target bucket. */
export function deliverDueLogs(state: SandboxState): void {
  // Seeded history is recorded on first use of the trail; its lines join the pending ones then.
  trailOf(state);
  const due = now(state) - DUMP_DELAY_MS - HOUR;
  for (const [slot, lines] of pendingOf(state)) {
    const [source, target, prefix, hourText] = slot.split('\n');
    const hour = Number(hourText);
    if (hour > due) {
      continue;
    }
    pendingOf(state).delete(slot);
    const b: Bucket | undefined = state.buckets.get(target);
    if (!b) {
      continue; // The target is gone: OSS has nowhere to write, the hour is lost.
    }
    const body = Buffer.from(lines.join('\n') + '\n');
    const unique = createHash('md5')
      .update(`${slot}\n${lines.length}\n${lines[0]}`)
      .digest('hex')
      .slice(0, 16)
      .toUpperCase();
    const key = `${prefix}${source}${fileTime(hour)}-${unique}`;
    b.objects.set(key, {
      key,
      body,
      contentType: 'application/octet-stream',
      etag: `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`,
      lastModified: new Date(hour + HOUR + DUMP_DELAY_MS).toISOString(),
      meta: {},
    });
  }
}
