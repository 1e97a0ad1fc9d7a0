/**
 * Redaction for everything the extension prints (log lines, error toasts). Two nets:
 * - every credential value the cloud layer announces (src/cloud/secretValues), in any mix of raw,
 *   percent-encoded (either hex case, as the SDKs and URL builders differ), double-encoded and
 *   JSON-escaped ("\/") characters;
 * - the shapes that carry signatures and tokens, in URLs, headers, JSON and XML, whether or not
 *   the value was announced: a signature is never announced, and it is enough to replay a request.
 * No `vscode` here, so node:test covers it.
 */
import { announceSecret, onSecret } from '../cloud/secretValues';

const secrets = new Set<string>();
let secretRe: RegExp | undefined;

/** Values that must never be printed (AccessKey secrets, STS secrets and tokens). */
export function registerSecret(value: string | undefined): void {
  announceSecret(value);
}

onSecret((v) => {
  secrets.add(v);
  secretRe = undefined;
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyCaseHex = (hex: string) => hex.replace(/[a-f]/gi, (x) => `[${x.toLowerCase()}${x.toUpperCase()}]`);
/** Characters encodeURIComponent keeps but RFC 3986 encoders (the OpenAPI signers) escape. */
const RFC3986_EXTRA = "!'()*";

/** A pattern that matches `value` with each character in any of its encodings. */
function secretPattern(value: string): string {
  return [...value]
    .map((c) => {
      let hex = encodeURIComponent(c).split('%').filter(Boolean);
      if (hex.length === 1 && hex[0] === c) {
        if (!RFC3986_EXTRA.includes(c)) {
          return escapeRe(c);
        }
        hex = [c.charCodeAt(0).toString(16)];
      }
      const forms = [
        escapeRe(c),
        hex.map((h) => `%${anyCaseHex(h)}`).join(''),
        hex.map((h) => `%25${anyCaseHex(h)}`).join(''),
      ];
      if (c === '/') {
        forms.push('\\\\/');
      }
      return `(?:${forms.join('|')})`;
    })
    .join('');
}

function secretRegex(): RegExp | undefined {
  if (!secrets.size) {
    return undefined;
  }
  // Longest first, so a secret that starts with another is replaced whole.
  secretRe ??= new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map(secretPattern)
      .join('|'),
    'g',
  );
  return secretRe;
}

/**
 * Names whose value is a signature, a token or a secret, as query parameters, headers, JSON and
 * XML spell them: V1/V4 OSS and RPC `Signature`, `x-oss-signature` (V4 presigned URLs), OSS's
 * `SignatureProvided` error field, `security-token` (OSS V1 URLs), `x-oss-security-token` (OSS V4
 * URLs and headers), `x-acs-security-token` (OpenAPI header), `SecurityToken` (RPC V1 query, STS
 * and metadata answers), and the secret fields of credentials objects and the aliyun CLI config.
 */
const KEY = String.raw`(?<=^|[^A-Za-z0-9]|%[0-9A-Fa-f]{2})(?:x-oss-signature|signature(?:provided)?|x-oss-security-token|x-acs-security-token|security-?token|sts_?token|access_?key_?secret)`;

const SHAPES: Array<[RegExp, string]> = [
  // key=value in a query or form, also when the `=` itself is encoded (a URL inside a URL).
  [new RegExp(String.raw`(${KEY}(?:=|%3D))[^&\s"'<>,;]+`, 'gi'), '$1***'],
  // "key": "value", key: value (headers, JSON, util.inspect output).
  [new RegExp(String.raw`(${KEY}["']?\s*:\s*["']?)[^"'\s,;}&]+`, 'gi'), '$1***'],
  // <Key>value</Key> (OSS and STS XML).
  [new RegExp(String.raw`(<(${KEY})>)[^<]*(</\2>)`, 'gi'), '$1***$3'],
  // Authorization: OSS <AccessKeyId>:<base64 signature> (OSS V1 header).
  [/(\bOSS\s+[\w.]{8,}:)[A-Za-z0-9+/%]{20,}={0,2}/g, '$1***'],
];

export function redact(text: string): string {
  const re = secretRegex();
  let out = re ? text.replace(re, '***') : text;
  for (const [pattern, replacement] of SHAPES) {
    out = out.replace(pattern, replacement);
  }
  return out;
}
