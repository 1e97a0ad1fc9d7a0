/**
 * What a pasted AccessDenied says: the refused action and resource, the refused identity and the
 * request id, from an SDK error, an OSS XML body (AccessDeniedDetail) or a log line. No `vscode`.
 */
export interface PastedDenial {
  action?: string;
  resource?: string;
  /** The refused identity's ARN, when the text names it (AuthPrincipalDisplayName, or an assumed-role ARN). */
  principalArn?: string;
  /** The refused identity when the text names it only in words ("role X", "RAM user Y"), as OSS and our notifications do. */
  principalName?: { kind: 'role' | 'user'; name: string };
  requestId?: string;
}

const PRINCIPAL = /^acs:ram::\d+:(assumed-role\/|user\/|root$)/;
const trimArn = (s: string) => s.replace(/[.:;,)\]}]+$/, '');

export function parseDeniedText(text: string): PastedDenial {
  const out: PastedDenial = {};
  const auth = /AuthAction\W{0,4}([a-z-]+:[A-Za-z*]+)/.exec(text);
  out.action = auth?.[1] ?? /\b((?:oss|ecs|ram|sts|vpc|kms|log|fc|rds|slb|cms):[A-Z][A-Za-z]*)\b/.exec(text)?.[1];
  const arns = [...text.matchAll(/acs:[a-z-]+:[^\s"'<>,;]*/g)].map((m) => trimArn(m[0]));
  out.principalArn = arns.find((a) => PRINCIPAL.test(a));
  out.resource = arns.find((a) => !PRINCIPAL.test(a));
  if (!out.resource) {
    // An OSS URL: https://<bucket>.oss-<region>[-internal].aliyuncs.com/<key>
    const url = /https?:\/\/([a-z0-9][a-z0-9-]{1,62})\.oss-[a-z0-9-]+\.aliyuncs\.com\/([^\s?#"']*)/.exec(text);
    if (url) {
      out.resource = `acs:oss:*:*:${url[1]}${url[2] ? `/${decodeURIComponent(url[2])}` : ''}`;
    }
  }
  if (!out.principalArn) {
    const named = /\b(role|RAM user)\s+([A-Za-z0-9][\w.@-]*)/.exec(text);
    if (named) {
      out.principalName = { kind: named[1] === 'role' ? 'role' : 'user', name: named[2] };
    }
  }
  out.requestId = /Request\s*-?Id\W{0,4}([0-9A-Fa-f-]{16,})/i.exec(text)?.[1];
  return out;
}
