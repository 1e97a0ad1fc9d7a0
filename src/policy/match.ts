/**
 * Wildcard matching for RAM actions and resources. `*` matches any run of characters (including
 * none, and including `/` and `:`), `?` exactly one character; everything else is literal.
 */

const cache = new Map<string, RegExp>();

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = (ignoreCase ? 'i' : 's') + pattern;
  let re = cache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[\\s\\S]*')
      .replace(/\?/g, '[\\s\\S]');
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    // Patterns come from a handful of policies; the cap only guards against unbounded growth.
    if (cache.size > 2000) {
      cache.clear();
    }
    cache.set(key, re);
  }
  return re;
}

export function matchWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') {
    return true;
  }
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return wildcardRegExp(pattern, ignoreCase).test(value);
}

/** Actions (`oss:GetObject`) are case-insensitive in RAM. */
export function matchAction(pattern: string, action: string): boolean {
  return matchWildcard(pattern, action, true);
}

export interface Arn {
  service: string;
  region: string;
  account: string;
  relative: string;
}

/** Splits `acs:<service>:<region>:<account>:<relative>`; the relative part may itself contain `:`. */
export function parseArn(s: string): Arn | undefined {
  const parts = s.split(':');
  if (parts.length < 5 || parts[0].toLowerCase() !== 'acs') {
    return undefined;
  }
  return { service: parts[1], region: parts[2], account: parts[3], relative: parts.slice(4).join(':') };
}

/**
 * Services whose resource names are case-insensitive. RAM user/role/policy names are
 * (`role/MyRole` and `role/myrole` are the same role); OSS object keys and most resource ids are not.
 */
const CASE_INSENSITIVE_RESOURCES = new Set(['ram']);

/**
 * A `*` on either side of region/account matches anything: policies write `acs:oss:*:*:bkt/*`, and
 * callers that do not know the region (OSS ARNs often carry `*` there) still match region-scoped
 * patterns. An empty segment is literal (global services such as RAM have no region).
 */
function matchSegment(pattern: string, value: string): boolean {
  return value === '*' || matchWildcard(pattern, value, true);
}

export function matchResource(pattern: string, resource: string): boolean {
  if (pattern === '*') {
    return true;
  }
  const p = parseArn(pattern);
  const r = parseArn(resource);
  if (!p || !r) {
    return matchWildcard(pattern, resource);
  }
  return (
    matchWildcard(p.service, r.service, true) &&
    matchSegment(p.region, r.region) &&
    matchSegment(p.account, r.account) &&
    matchWildcard(p.relative, r.relative, CASE_INSENSITIVE_RESOURCES.has(r.service.toLowerCase()))
  );
}
