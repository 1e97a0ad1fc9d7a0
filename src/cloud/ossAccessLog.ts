/**
 * Object-level activity from OSS's log dump ("日志转存", help.aliyun.com/zh/oss/user-guide/logging):
 * hourly log objects `<TargetPrefix><SourceBucket>YYYY-mm-DD-HH-MM-SS-UniqueString` in the target
 * bucket, one request a line, fields space-separated in the documented order:
 *   RemoteIP Reserved Reserved Time "RequestURL" HTTPStatus SentBytes RequestTime "Referer"
 *   "UserAgent" "HostName" "RequestID" "LoggingFlag" "RequesterAliyunID" "Operation" "BucketName"
 *   "ObjectName" ObjectSize ServerCostTime "ErrorCode" RequestLength "UserID" DeltaDataSize
 *   "SyncRequest" "StorageClass" "TargetStorageClass" "TransmissionAccelerationAccessPoint"
 *   "AccessKeyID" "BucketARN"
 * OSS appends fields over time ("OSS会根据需求在日志的尾部添加一些字段"), so extra trailing fields
 * are accepted and a line without AccessKeyID (older format) is kept but cannot be attributed.
 *
 * Attribution: RequesterAliyunID is "the requester's user ID", which does not name a role's
 * session; AccessKeyID is the requester's AccessKey ID, "STS."-prefixed for STS credentials
 * (same page). A role only ever signs with STS keys, and ActionTrail names the STS key of each of
 * its calls (userIdentity.accessKeyId), so a line is the role's when its AccessKeyID is one of
 * those keys. Lines are data from the cloud: shape-checked, a malformed one counted and skipped.
 */
import type { CloudError } from './errors';
import type { BucketLogging, OssApi } from './oss';
import { forEachPage, mapLimit } from './paging';

/** Field positions of the documented format (0-based). */
const F = {
  time: 3,
  requestUrl: 4,
  status: 5,
  operation: 14,
  bucket: 15,
  object: 16,
  errorCode: 19,
  accessKeyId: 27,
} as const;
/** A line must reach ObjectName; everything after may be missing in older formats. */
const MIN_FIELDS = F.object + 1;
const MAX_LINE = 64 * 1024;
/** Log objects read at once: an hour a file makes 2,160 for 90 days of a busy bucket. */
export const LOG_READ_CONCURRENCY = 8;

export interface AccessLogLine {
  /** ISO-8601 UTC. */
  at: string;
  operation: string;
  bucket: string;
  /** Decoded object name; undefined for bucket-level requests ("-"). */
  key?: string;
  status: number;
  errorCode?: string;
  /** The signer's AccessKey ID; "-" for an anonymous request, undefined in formats without the field. */
  accessKeyId?: string;
}

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const TOKEN = /"([^"]*)"|\[([^\]]*)\]|([^\s"[\]]+)/y;

/** Splits a line into fields: "quoted", [bracketed] or bare, one space apart; undefined if it does not tokenise. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(line);
    if (!m) {
      return undefined;
    }
    out.push(m[1] ?? m[2] ?? m[3]);
    i = TOKEN.lastIndex;
    if (i < line.length) {
      if (line[i] !== ' ') {
        return undefined;
      }
      i++;
    }
  }
  return out;
}

function parseTime(s: string): string | undefined {
  const m = TIME.exec(s);
  if (!m || MONTHS[m[2]] === undefined) {
    return undefined;
  }
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  const ms = Date.UTC(Number(m[3]), MONTHS[m[2]], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset;
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const OPERATION = /^[A-Za-z]{1,64}$/;
const ACCESS_KEY = /^[A-Za-z0-9._-]{1,128}$/;
const ERROR_CODE = /^[A-Za-z0-9._-]{1,128}$/;

/** One line as data, or undefined when it is not shaped like the documented format. */
export function parseAccessLogLine(line: string): AccessLogLine | undefined {
  if (line.length > MAX_LINE) {
    return undefined;
  }
  const f = fields(line.replace(/\r$/, ''));
  if (!f || f.length < MIN_FIELDS) {
    return undefined;
  }
  const at = parseTime(f[F.time]);
  const status = Number(f[F.status]);
  const operation = f[F.operation];
  const bucket = f[F.bucket];
  if (!at || !/^\d{3}$/.test(f[F.status]) || !OPERATION.test(operation) || !BUCKET.test(bucket)) {
    return undefined;
  }
  let key: string | undefined;
  if (f[F.object] !== '-') {
    try {
      key = decodeURIComponent(f[F.object]);
    } catch {
      return undefined;
    }
    if (!key || Buffer.byteLength(key) > 1023) {
      return undefined;
    }
  }
  const err = f[F.errorCode];
  const ak = f[F.accessKeyId];
  if (
    (err !== undefined && err !== '-' && !ERROR_CODE.test(err)) ||
    (ak !== undefined && ak !== '-' && !ACCESS_KEY.test(ak))
  ) {
    return undefined;
  }
  return {
    at,
    operation,
    bucket,
    key,
    status,
    errorCode: err && err !== '-' ? err : undefined,
    accessKeyId: ak,
  };
}

export interface ParsedLog {
  lines: AccessLogLine[];
  malformed: number;
}

export function parseAccessLog(text: string): ParsedLog {
  const lines: AccessLogLine[] = [];
  let malformed = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) {
      continue;
    }
    const l = parseAccessLogLine(raw);
    if (l) {
      lines.push(l);
    } else {
      malformed++;
    }
  }
  return { lines, malformed };
}

const FILE_TIME = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[A-Za-z0-9]+$/;

/** The hour a log object stands for (ms), from the part of its name after `<prefix><bucket>`; undefined if not a log object. */
export function logObjectTime(rest: string): number | undefined {
  const m = FILE_TIME.exec(rest);
  if (!m) {
    return undefined;
  }
  // The names are in Beijing time (UTC+8), like the dump's example.
  return (
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - 8 * 3600_000
  );
}

export interface BucketLogRead {
  bucket: string;
  region: string;
  logging?: BucketLogging;
  /** Log objects read, and requests made (GetBucketLogging, list pages, GETs). */
  files: number;
  requests: number;
  lines: AccessLogLine[];
  malformed: number;
  /** Time of the oldest log object read (ISO), to say since when the dump covers. */
  since?: string;
  complete: boolean;
  error?: CloudError | Error;
}

export interface ReadLogOptions {
  /** ms since epoch: log objects for hours before it are not read. */
  since: number;
  signal?: AbortSignal;
  concurrency?: number;
}

/**
 * A bucket's dumped access log since `since`: its logging configuration, the log objects listed
 * page by page, read a few at a time. Cancelling or an error keeps what was read.
 */
export async function readBucketAccessLog(
  oss: OssApi,
  bucket: string,
  region: string,
  opts: ReadLogOptions,
): Promise<BucketLogRead> {
  const out: BucketLogRead = { bucket, region, files: 0, requests: 0, lines: [], malformed: 0, complete: false };
  try {
    out.requests++;
    out.logging = await oss.getBucketLogging(bucket, region);
    if (!out.logging) {
      out.complete = true;
      return out;
    }
    const { targetBucket, targetPrefix } = out.logging;
    const namePrefix = `${targetPrefix}${bucket}`;
    const keys: Array<{ key: string; at: number }> = [];
    // The target is in the source's region (PutBucketLogging requires it).
    await forEachPage(
      (token) => {
        out.requests++;
        return oss.listObjects(targetBucket, region, { prefix: namePrefix, token, maxKeys: 1000, delimiter: '' });
      },
      async (items) => {
        for (const e of items) {
          const at = e.kind === 'object' ? logObjectTime(e.key.slice(namePrefix.length)) : undefined;
          // An hour that began before `since` may still hold calls after it: keep one hour more.
          if (e.kind === 'object' && at !== undefined && at >= opts.since - 3600_000) {
            keys.push({ key: e.key, at });
          }
        }
      },
      { signal: opts.signal },
    );
    await mapLimit(keys, opts.concurrency ?? LOG_READ_CONCURRENCY, async (k) => {
      if (opts.signal?.aborted) {
        return;
      }
      out.requests++;
      const body = await oss.getObject(targetBucket, region, k.key);
      const parsed = parseAccessLog(body.toString('utf8'));
      out.files++;
      out.malformed += parsed.malformed;
      out.lines.push(...parsed.lines.filter((l) => l.bucket === bucket));
      const iso = new Date(k.at).toISOString();
      out.since = !out.since || iso < out.since ? iso : out.since;
    });
    out.complete = !opts.signal?.aborted;
  } catch (e) {
    out.error = e as Error;
  }
  return out;
}

export interface Attribution {
  /** The role's lines (AccessKeyID one of its STS keys). */
  attributed: AccessLogLine[];
  /** STS-signed or keyless lines no event of the role names: may be the role's, may not. */
  unattributed: number;
  /** Lines signed by long-term or console keys, or anonymous: never a role's. */
  others: number;
}

/** Splits a bucket's lines by whether the role's STS AccessKey IDs signed them. */
export function attributeLines(lines: AccessLogLine[], roleKeys: ReadonlySet<string>): Attribution {
  const attributed: AccessLogLine[] = [];
  let unattributed = 0;
  let others = 0;
  for (const l of lines) {
    if (l.accessKeyId && roleKeys.has(l.accessKeyId)) {
      attributed.push(l);
    } else if (l.accessKeyId === undefined || l.accessKeyId.startsWith('STS.')) {
      unattributed++;
    } else {
      others++;
    }
  }
  return { attributed, unattributed, others };
}
