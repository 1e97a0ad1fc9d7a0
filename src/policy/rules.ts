/**
 * Lint rules about what a policy means rather than how it is written: actions that do not exist,
 * grants wider than intended, ARNs that can never match, the ListObjects-on-objects pitfall,
 * repeated statements, and trust policies that no one (or not ECS) can use. lint.ts runs them after
 * its own checks on every document, so the editor, the save check and the API calls agree.
 */
import {
  formatMessage,
  toValue,
  type JsonArray,
  type JsonNode,
  type JsonObject,
  type JsonProperty,
  type TextEdit,
} from './json';
import { ECS_SERVICE } from './builders';
import { matchWildcard } from './match';

export const RULE_MESSAGES = {
  'overbroad-action': 'Action {0} grants every action of every service; name the actions this identity needs.',
  'overbroad-service': 'Action {0} on every resource grants full control of {1}; name the actions or narrow Resource.',
  'overbroad-not-action': 'Allow with NotAction on every resource grants every other action of every service.',
  'overbroad-pass-role':
    'ram:PassRole on "*" lets the holder hand any role, and so its permissions, to a service; name the role ARN.',
  'resource-placeholder': 'Resource {0} still contains the placeholder {1}; replace it with a real value.',
  'resource-account': 'The account in {0} must be an account ID (digits) or "*", found {1}.',
  'resource-ram-region': 'RAM is global: {0} must have an empty region, as in {1}.',
  'resource-ram-type': 'RAM resource {0} should be role/<name>, user/<name>, group/<name>, policy/<name> or root.',
  'resource-oss-bucket':
    'OSS resource {0} needs a bucket name (lowercase letters, digits and hyphens) before the first "/", as in acs:oss:*:*:<bucket>/<key>.',
  'list-objects-on-objects':
    'oss:ListObjects is authorized on the bucket ({0}), never on objects, so {1} never lets anyone list; use the bucket with an oss:Prefix condition.',
  'statement-duplicate': 'This statement repeats statement {0}; remove it.',
  'action-resource-service':
    'Action {0} is authorized on {1} resources, but every Resource here is of {2}, so it grants nothing; add a {1} resource or move the action to a statement of its own.',
  'trust-no-assume-role': 'No Allow statement grants "sts:AssumeRole", so no one can assume this role.',
  'trust-not-ecs':
    'ECS can attach this role to instances only if the trust policy allows "sts:AssumeRole" for the service "ecs.aliyuncs.com".',
} as const;

export type RuleCode = keyof typeof RULE_MESSAGES;

/** Each rule's one severity; lint.ts folds these into LINT_SEVERITY. */
export const RULE_SEVERITY: Readonly<Record<RuleCode, 'error' | 'warning' | 'info'>> = {
  'resource-placeholder': 'error',
  'resource-account': 'error',
  'resource-ram-region': 'error',
  'resource-ram-type': 'warning',
  'resource-oss-bucket': 'error',
  'overbroad-action': 'warning',
  'overbroad-service': 'warning',
  'overbroad-not-action': 'warning',
  'overbroad-pass-role': 'warning',
  'list-objects-on-objects': 'warning',
  'statement-duplicate': 'warning',
  'action-resource-service': 'warning',
  'trust-not-ecs': 'error',
  'trust-no-assume-role': 'error',
};

export interface RuleOptions {
  /** The document is the trust policy of an ECS instance role. */
  ecsRole?: boolean;
}

export interface RuleDiagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: RuleCode;
  offset: number;
  length: number;
  args: string[];
  fix?: TextEdit;
}

type Span = { offset: number; length: number };
type Str = Span & { value: string };

const q = (s: string) => JSON.stringify(s);
const prop = (o: JsonObject, key: string): JsonProperty | undefined =>
  [...o.properties].reverse().find((p) => p.key === key);
const strings = (p: JsonProperty | undefined): Str[] => {
  if (!p) {
    return [];
  }
  const nodes = p.value.type === 'array' ? p.value.items : [p.value];
  return nodes.flatMap((n) =>
    n.type === 'string' ? [{ value: n.value as string, offset: n.offset, length: n.length }] : [],
  );
};
const effectOf = (o: JsonObject) => {
  const e = prop(o, 'Effect')?.value;
  return e?.type === 'string' ? e.value : undefined;
};
/** Services whose actions are authorized on ARNs of another service as well as their own. */
const SHARED_ARNS: Record<string, string[]> = { sts: ['ram'], log: ['sls'], sls: ['log'] };
const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithOIDC'];
const RAM_TYPES = new Set([
  'role',
  'user',
  'group',
  'policy',
  'root',
  '*',
  'saml-provider',
  'oidc-provider',
  'mfa',
  'virtualmfa',
]);

/** Canonical JSON (sorted keys, single values as one-element arrays) to compare statements. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) {
    return `[${v.map(canonical).sort().join(',')}]`;
  }
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => {
        const x = (v as Record<string, unknown>)[k];
        return `${q(k)}:${canonical(typeof x === 'string' && ['Action', 'NotAction', 'Resource', 'NotResource', 'Service', 'RAM', 'Federated'].includes(k) ? [x] : x)}`;
      })
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** `value` as it would be written in place of `node`, indented like the line `node` starts on. */
function reindent(text: string, node: Span, value: unknown): string {
  const written = text.slice(node.offset, node.offset + node.length);
  if (!written.includes('\n')) {
    return JSON.stringify(value);
  }
  const lineStart = text.lastIndexOf('\n', node.offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const unit = /\n([ \t]+)/.exec(written)?.[1].slice(indent.length) || '  ';
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${indent}`);
}

class Rules {
  readonly out: RuleDiagnostic[] = [];
  constructor(
    private readonly text: string,
    private readonly kind: 'permission' | 'trust',
    private readonly opts: RuleOptions,
  ) {}

  add(code: RuleCode, at: Span, args: string[] = [], fix?: TextEdit): void {
    this.out.push({
      severity: RULE_SEVERITY[code],
      code,
      message: formatMessage(RULE_MESSAGES[code], args),
      offset: at.offset,
      length: at.length,
      args,
      fix,
    });
  }

  run(root: JsonNode): void {
    if (root.type !== 'object') {
      return;
    }
    const st = prop(root, 'Statement');
    const list: JsonObject[] =
      st?.value.type === 'array'
        ? st.value.items.filter((i): i is JsonObject => i.type === 'object')
        : st?.value.type === 'object'
          ? [st.value]
          : [];
    for (const o of list) {
      this.statement(o);
    }
    this.duplicates(st?.value.type === 'array' ? st.value : undefined);
    if (this.kind === 'trust' && st) {
      this.trust(root, st, list);
    }
  }

  statement(o: JsonObject): void {
    const allow = effectOf(o) === 'Allow';
    const actions = strings(prop(o, 'Action'));
    if (this.kind === 'permission') {
      const resources = strings(prop(o, 'Resource'));
      for (const r of [...resources, ...strings(prop(o, 'NotResource'))]) {
        this.arn(r);
      }
      this.serviceMismatch(actions, resources);
      if (allow) {
        this.breadth(o, actions, resources);
        this.listObjects(o, actions, resources);
      }
    }
  }

  arn(r: Str): void {
    const parts = r.value.split(':');
    if (parts[0].toLowerCase() !== 'acs' || parts.length < 5) {
      return;
    }
    const placeholder = /<[^>]*>|\[[^\]]*\]/.exec(r.value);
    if (placeholder) {
      this.add('resource-placeholder', r, [q(r.value), q(placeholder[0])]);
      return;
    }
    const [, service, region, account] = parts;
    const relative = parts.slice(4).join(':');
    if (account !== '' && !/^[0-9*?]+$/.test(account)) {
      this.add('resource-account', r, [q(r.value), q(account)]);
      return;
    }
    if (service.toLowerCase() === 'ram') {
      if (region !== '' && region !== '*') {
        const fixed = ['acs', service, '', account, relative].join(':');
        this.add('resource-ram-region', r, [q(r.value), q(fixed)], {
          offset: r.offset,
          length: r.length,
          text: q(fixed),
        });
      } else if (!RAM_TYPES.has(relative.split('/')[0].toLowerCase())) {
        this.add('resource-ram-type', r, [q(r.value)]);
      }
    }
    if (service.toLowerCase() === 'oss' && relative !== '*') {
      const bucket = relative.split('/')[0];
      // Only the characters: a too-short or too-long name is the user's to find out from OSS.
      const ok = /[*?]/.test(bucket) ? /^[a-z0-9*?-]+$/.test(bucket) : /^[a-z0-9][a-z0-9-]*$/.test(bucket);
      if (!ok) {
        this.add('resource-oss-bucket', r, [q(r.value)]);
      }
    }
  }

  /**
   * An action next to resources of another service only ("ecs:DescribeInstances" on
   * "acs:oss:*:*:bucket"): RAM matches an action against resources of its own service, so the pair
   * never matches. Services that authorize on another's ARNs are exempt (STS AssumeRole is checked
   * against the RAM role ARN; Log Service answers to both log and sls).
   */
  serviceMismatch(actions: Str[], resources: Str[]): void {
    const serviceOf = (r: Str) => {
      const parts = r.value.split(':');
      return parts[0].toLowerCase() === 'acs' && parts.length >= 5 ? parts[1].toLowerCase() : undefined;
    };
    const services = resources.map(serviceOf);
    // "*", a non-ARN (reported elsewhere) or a wildcard service can match anything.
    if (!services.length || services.some((sv) => sv === undefined || /[*?]/.test(sv))) {
      return;
    }
    const named = [...new Set(services as string[])];
    for (const a of actions) {
      const m = /^([A-Za-z0-9-]+):[A-Za-z0-9*?_-]+$/.exec(a.value);
      const service = m?.[1].toLowerCase();
      if (!service) {
        continue;
      }
      const accepted = [service, ...(SHARED_ARNS[service] ?? [])];
      if (!named.some((sv) => accepted.includes(sv))) {
        this.add('action-resource-service', a, [q(a.value), service, named.join(', ')]);
      }
    }
  }

  /** Grants wider than anyone means to give; warnings, since an administrator may mean it. */
  breadth(o: JsonObject, actions: Str[], resources: Str[]): void {
    const everyResource = resources.some((r) => r.value === '*');
    for (const a of actions) {
      if (a.value === '*' || a.value === '*:*') {
        this.add('overbroad-action', a, [q(a.value)]);
        continue;
      }
      const m = /^([A-Za-z0-9-]+):\*$/.exec(a.value);
      if (m && everyResource) {
        this.add('overbroad-service', a, [q(a.value), m[1]]);
      }
    }
    const notAction = prop(o, 'NotAction');
    if (notAction && everyResource) {
      this.add('overbroad-not-action', { offset: notAction.keyOffset, length: notAction.keyLength });
    }
    if (actions.some((a) => /^ram:pass(role|\*)$/i.test(a.value))) {
      for (const r of resources) {
        if (r.value === '*') {
          this.add('overbroad-pass-role', r);
        }
      }
    }
  }

  /**
   * An Allow naming oss:ListObjects only on `bucket/…` ARNs: OSS authorizes a listing against the
   * bucket ARN (with the listed prefix in oss:Prefix), so the statement never allows a listing.
   * The fix moves the grant to the bucket and turns the object prefix into an oss:Prefix condition.
   */
  listObjects(o: JsonObject, actions: Str[], resources: Str[]): void {
    if (!actions.some((a) => a.value.toLowerCase() === 'oss:listobjects') || resources.length === 0) {
      return;
    }
    const parsed = resources.map((r) => /^acs:oss:([^:]*):([^:]*):([^/]+)(?:\/(.*))?$/i.exec(r.value));
    if (parsed.some((m) => !m || m[4] === undefined)) {
      return;
    }
    const first = parsed[0]!;
    const bucketArn = `acs:oss:${first[1]}:${first[2]}:${first[3]}`;
    const at = resources[0];
    const fix = this.listObjectsFix(o, parsed as RegExpExecArray[]);
    this.add('list-objects-on-objects', at, [q(bucketArn), q(at.value)], fix);
  }

  private listObjectsFix(o: JsonObject, parsed: RegExpExecArray[]): TextEdit | undefined {
    const st = toValue(o) as Record<string, unknown>;
    const actions = ([] as string[]).concat(st.Action as string[]);
    const buckets = [...new Set(parsed.map((m) => `acs:oss:${m[1]}:${m[2]}:${m[3]}`))];
    const prefixes = [...new Set(parsed.map((m) => m[4]))].filter((p) => p !== '*' && p !== '');
    const listing: Record<string, unknown> = { Effect: 'Allow', Action: ['oss:ListObjects'], Resource: buckets };
    if (prefixes.length) {
      if (st.Condition) {
        return undefined;
      }
      listing.Condition = { StringLike: { 'oss:Prefix': prefixes } };
    }
    const others = actions.filter((a) => a.toLowerCase() !== 'oss:listobjects');
    // The other actions keep the object ARNs; the listing becomes its own statement.
    const value = others.length ? [{ ...st, Action: others }, listing] : [listing];
    const written = value.map((v) => reindent(this.text, o, v));
    const lineStart = this.text.lastIndexOf('\n', o.offset - 1) + 1;
    const indent = /^[ \t]*/.exec(this.text.slice(lineStart))![0];
    const sep = this.text.slice(o.offset, o.offset + o.length).includes('\n') ? `,\n${indent}` : ',';
    return { offset: o.offset, length: o.length, text: written.join(sep) };
  }

  duplicates(list: JsonArray | undefined): void {
    if (!list) {
      return;
    }
    const seen = new Map<string, number>();
    list.items.forEach((item, i) => {
      if (item.type !== 'object') {
        return;
      }
      const key = canonical(toValue(item));
      const earlier = seen.get(key);
      if (earlier === undefined) {
        seen.set(key, i);
        return;
      }
      const prev = list.items[i - 1];
      const from = prev.offset + prev.length;
      this.add('statement-duplicate', item, [String(earlier + 1)], {
        offset: from,
        length: item.offset + item.length - from,
        text: '',
      });
    });
  }

  trust(root: JsonObject, st: JsonProperty, list: JsonObject[]): void {
    const assumes = (o: JsonObject) =>
      effectOf(o) === 'Allow' &&
      strings(prop(o, 'Action')).some((a) => TRUST_ACTIONS.some((t) => matchWildcard(a.value, t, true)));
    const at = { offset: st.keyOffset, length: st.keyLength };
    if (this.opts.ecsRole) {
      const ecs = list.some((o) => {
        const p = prop(o, 'Principal')?.value;
        return (
          assumes(o) &&
          p?.type === 'object' &&
          strings(prop(p, 'Service')).some((s) => s.value.toLowerCase() === ECS_SERVICE)
        );
      });
      if (!ecs) {
        const last = st.value.type === 'array' ? st.value.items[st.value.items.length - 1] : undefined;
        const statement = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: [ECS_SERVICE] } };
        const fix = last
          ? {
              offset: last.offset + last.length,
              length: 0,
              text: `,${last.type === 'object' && this.text.slice(last.offset, last.offset + last.length).includes('\n') ? `\n${' '.repeat(Math.max(0, last.offset - this.text.lastIndexOf('\n', last.offset - 1) - 1))}` : ''}${reindent(this.text, last, statement)}`,
            }
          : undefined;
        this.add('trust-not-ecs', at, [], fix);
      }
      return;
    }
    if (!list.some(assumes)) {
      this.add('trust-no-assume-role', at);
    }
    void root;
  }
}

export function runRules(
  root: JsonNode,
  text: string,
  kind: 'permission' | 'trust',
  opts: RuleOptions = {},
): RuleDiagnostic[] {
  const r = new Rules(text, kind, opts);
  r.run(root);
  return r.out;
}
