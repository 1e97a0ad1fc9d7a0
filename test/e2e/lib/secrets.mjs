// Scans logs, console output and the workbench's visible text for secret values. A hit names the
// file (or place) and the secret's KIND — never the value.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.mjs';

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
    for (const { kind, value } of list.flat()) if (typeof value === 'string' && value.length >= 8 && !this.secrets.has(value)) this.secrets.set(value, kind);
    return this;
  }

  get kinds() { return [...new Set(this.secrets.values())]; }

  scanText(text, where) {
    this.scanned++;
    const found = [];
    for (const [value, kind] of this.secrets) {
      // Also the URL- and JSON-escaped forms, as a value might appear in a URL or a serialized object.
      const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
      if ([...forms].some((f) => text.includes(f))) found.push({ where, kind });
    }
    for (const f of found) if (!this.hits.some((h) => h.where === f.where && h.kind === f.kind)) this.hits.push(f);
    return found;
  }

  scanFile(file) {
    let text;
    try { text = fs.readFileSync(file, 'utf8'); } catch { return []; }
    const rel = path.relative(REPO, file);
    return this.scanText(text, rel.startsWith('..') ? file : rel);
  }

  /** One line per hit, without values. */
  /** Scans every text file under `dir` (everything but images). */
  scanTree(dir) {
    let entries;
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
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
