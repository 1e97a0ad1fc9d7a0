/**
 * The XML OSS speaks: a tiny builder for its responses (element order as the real service sends
 * it, since some clients read positionally) and a tolerant reader for the two request bodies the
 * sandbox accepts (DeleteMultipleObjects, CompleteMultipartUpload). No dependency: the shapes are
 * flat and known, so a regex reader is enough and keeps the sandbox loadable without extra packages.
 */
import { SandboxError } from '../core/errors';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Text content escaping. Quotes stay literal: OSS sends ETags as `<ETag>"ABC"</ETag>`. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) {
      return String.fromCodePoint(parseInt(lower.slice(2), 16));
    }
    if (lower.startsWith('#')) {
      return String.fromCodePoint(parseInt(lower.slice(1), 10));
    }
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? m;
  });
}

/** An element whose children are already XML; falsy children are skipped. */
export function el(name: string, ...children: Array<string | false | undefined>): string {
  return `<${name}>${children.filter((c): c is string => typeof c === 'string').join('')}</${name}>`;
}

/** A leaf element with escaped text; `undefined` omits the element entirely. */
export function txt(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlDocument(root: string): string {
  return DECLARATION + root;
}

export interface OssErrorFields {
  code: string;
  message: string;
  requestId: string;
  hostId: string;
  /** Extra elements (BucketName, Key, StringToSign, EC, …) in insertion order. */
  extra: Record<string, string>;
  /** Pre-rendered XML appended before EC (AccessDeniedDetail). */
  detailXml?: string;
}

/** `<Error>` as OSS renders it; EC and RecommendDoc last, like the real service. */
export function errorXml(f: OssErrorFields): string {
  const { EC: ec, ...rest } = f.extra;
  return xmlDocument(
    el(
      'Error',
      txt('Code', f.code),
      txt('Message', f.message),
      txt('RequestId', f.requestId),
      txt('HostId', f.hostId),
      ...Object.entries(rest).map(([k, v]) => txt(k, v)),
      f.detailXml,
      ec ? txt('EC', ec) + txt('RecommendDoc', `https://api.aliyun.com/troubleshoot?q=${ec}`) : undefined,
    ),
  );
}

// ---- request bodies ----

function malformed(): SandboxError {
  return new SandboxError(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );
}

/** Text of every `<name>…</name>` in `xml`, in order (no nesting of the same name in our bodies). */
function all(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    out.push(m[1]);
  }
  return out;
}

export interface DeleteRequest {
  quiet: boolean;
  keys: string[];
  /** The same objects with the version each names, if any (versioned buckets; ali-oss deleteMulti `{ key, versionId }`). */
  objects: Array<{ key: string; versionId?: string }>;
}

/**
 * `<Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>…</Delete>`
 * (ali-oss HTML-escapes keys; VersionId is optional, DeleteMultipleObjects API reference).
 */
export function parseDeleteRequest(body: Buffer): DeleteRequest {
  const xml = body.toString('utf8');
  const root = all(xml, 'Delete')[0];
  if (root === undefined) {
    throw malformed();
  }
  const objects = all(root, 'Object').map((o) => {
    const k = all(o, 'Key')[0];
    if (k === undefined) {
      throw malformed();
    }
    const v = all(o, 'VersionId')[0];
    return v === undefined ? { key: unescapeXml(k) } : { key: unescapeXml(k), versionId: unescapeXml(v.trim()) };
  });
  if (objects.length === 0 || objects.length > 1000) {
    throw malformed();
  }
  const quiet = (all(root, 'Quiet')[0] ?? 'false').trim().toLowerCase() === 'true';
  return { quiet, keys: objects.map((o) => o.key), objects };
}

/** `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>` (PutBucketVersioning); the Status text, or undefined. */
export function parseVersioningRequest(body: Buffer): string | undefined {
  const root = all(body.toString('utf8'), 'VersioningConfiguration')[0];
  if (root === undefined) {
    throw malformed();
  }
  return all(root, 'Status')[0]?.trim();
}

export interface CompletePart {
  partNumber: number;
  etag: string;
}

/** `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…` */
export function parseCompleteRequest(body: Buffer): CompletePart[] {
  const xml = body.toString('utf8');
  const root = all(xml, 'CompleteMultipartUpload')[0];
  if (root === undefined) {
    throw malformed();
  }
  return all(root, 'Part').map((p) => {
    const n = all(p, 'PartNumber')[0];
    const etag = all(p, 'ETag')[0];
    if (n === undefined || etag === undefined || !/^\s*\d+\s*$/.test(n)) {
      throw malformed();
    }
    return { partNumber: Number(n), etag: unescapeXml(etag.trim()) };
  });
}
