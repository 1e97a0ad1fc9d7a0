// Scans logs, console output and the workbench's visible text for secret values, in every encoding a
// URL, a URL inside a URL or a JSON string gives them, and for request signatures (OSS V4 presigned
// `x-oss-signature=<hex>` and `OSS4-HMAC-SHA256 … Signature=<hex>` headers), which are never
// announced but are enough to replay a request. A hit names the file (or place) and the KIND —
// never the value.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.mjs';

/** The forms a value takes: raw, percent-encoded (both hex cases), double-encoded, JSON-escaped. */
export function encodedForms(value) {
  const enc = encodeURIComponent(value);
  const rfc3986 = enc.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return new Set([
    value,
    enc,
    rfc3986,
    rfc3986.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    encodeURIComponent(enc),
    JSON.stringify(value).slice(1, -1),
    JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'),
  ]);
}

/** Signature shapes, found without knowing any value (kind -> pattern). */
export const SIGNATURE_PATTERNS = {
  'OSS V4 presigned signature': /x-oss-signature(?:=|%3D)[0-9a-f]{64}/i,
  'OSS V4 Authorization signature': /OSS4-HMAC-SHA256\s+Credential=[^\s"']*?Signature=[0-9a-f]{64}/i,
};

export class SecretScanner {
  constructor() {
    /** @type {Map<string, string>} value -> kind */
    this.secrets = new Map();
    /** @type {{ where: string, kind: string }[]} */
    this.hits = [];
    this.scanned = 0;
  }

  /** Adds secrets ({kind, value}); values shorter than 8 characters would match by chance and are ignored. */
  add(...list) {
    for (const { kind, value } of list.flat())
      if (typeof value === 'string' && value.length >= 8 && !this.secrets.has(value)) this.secrets.set(value, kind);
    return this;
  }

  get kinds() {
    return [...new Set(this.secrets.values())];
  }

  scanText(text, where) {
    this.scanned++;
    const found = [];
    for (const [value, kind] of this.secrets) {
      if ([...encodedForms(value)].some((f) => text.includes(f))) found.push({ where, kind });
    }
    for (const [kind, pattern] of Object.entries(SIGNATURE_PATTERNS))
      if (pattern.test(text)) found.push({ where, kind });
    for (const f of found) if (!this.hits.some((h) => h.where === f.where && h.kind === f.kind)) this.hits.push(f);
    return found;
  }

  scanFile(file) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const rel = path.relative(REPO, file);
    return this.scanText(text, rel.startsWith('..') ? file : rel);
  }

  /** One line per hit, without values. */
  /** Scans every text file under `dir` (everything but images). */
  scanTree(dir) {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) this.scanTree(p);
      else if (!/\.(png|jpe?g|webm|zip|vsix)$/i.test(e.name)) this.scanFile(p);
    }
  }

  report() {
    return this.hits.map((h) => `secret leaked: ${h.kind} in ${h.where}`);
  }
}
