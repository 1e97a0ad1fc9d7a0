/**
 * Lint for RAM policy documents as the user types them. Every diagnostic carries a stable `code`,
 * the English `message`, and the `args` interpolated into `LINT_MESSAGES[code]` ({0}, {1}… as
 * vscode.l10n.t expects), so the UI can localize by code without parsing sentences.
 */
import { actionsMatching, findAction, isCatalogued, nearestAction } from './actionCatalog';
import { canonicalOperator, parseCidr, parseDate } from './conditions';
import {
  formatMessage,
  JSON_MESSAGES,
  parseJson,
  toValue,
  type JsonNode,
  type JsonObject,
  type JsonProperty,
  type TextEdit,
} from './json';
import type { PolicyDocument } from './types';
import { RULE_MESSAGES, RULE_SEVERITY, runRules, type RuleOptions } from './rules';

export type { TextEdit } from './json';

export type PolicyKind = 'permission' | 'trust';

/** RAM's limit on the policy document length. */
export const MAX_POLICY_LENGTH = 6144;

export const LINT_MESSAGES = {
  ...JSON_MESSAGES,
  ...RULE_MESSAGES,
  'document-not-object': 'A policy document must be a JSON object.',
  'document-too-large': 'The document is {0} characters long; RAM accepts at most {1}.',
  'document-minified-fits': 'Without whitespace the document is {0} characters and fits; minify it before saving.',
  'element-unknown': 'Unknown element {0}; expected one of {1}.',
  'element-case': 'Element names are case-sensitive: write {0}, not {1}.',
  'version-missing': 'Version is missing; add "Version": "1".',
  'version-invalid': 'Version must be the string "1", found {0}.',
  'statement-missing': 'Statement is missing; add a "Statement" array.',
  'statement-not-array': 'Statement must be an array; wrap the statement in [ ].',
  'statement-empty': 'Statement must contain at least one statement.',
  'statement-not-object': 'Each statement must be a JSON object, found {0}.',
  'effect-missing': 'Effect is missing; use "Allow" or "Deny".',
  'effect-invalid': 'Effect must be "Allow" or "Deny", found {0}.',
  'action-missing': 'Action or NotAction is required.',
  'action-both': 'Use either Action or NotAction, not both.',
  'action-format': 'Action {0} must have the form "service:ActionName" or be "*".',
  'action-whitespace': 'Action {0} contains spaces; write {1}.',
  'action-service-suspicious': 'Unknown service prefix {0} in action {1}; did you mean {2}?',
  'action-service-unknown': 'Service prefix {0} is not one of the common Alibaba Cloud services; check the spelling.',
  'action-unknown': '{0} is not an action of {1}; it would grant nothing.',
  'action-unknown-suggest': '{0} is not an action of {1}; did you mean {2}?',
  'action-pattern-empty': '{0} matches no action of {1}; it would grant nothing.',
  'trust-action': 'A trust policy grants "sts:AssumeRole"; {0} has no effect here.',
  'resource-missing': 'Resource or NotResource is required in a permission policy (use "*" for all resources).',
  'resource-both': 'Use either Resource or NotResource, not both.',
  'resource-format': 'Resource {0} must be "*" or an ARN starting with "acs:".',
  'resource-arn-shape': 'Resource {0} should have the form acs:<service>:<region>:<account>:<resource>.',
  'trust-resource': 'Trust policies do not use Resource or NotResource.',
  'principal-missing': 'A trust policy statement needs a Principal, for example {"Service": ["ecs.aliyuncs.com"]}.',
  'principal-invalid': 'Principal must be an object with Service, RAM or Federated.',
  'principal-wildcard': 'Principal "*" lets anyone assume this role.',
  'principal-service-format': 'Service principal {0} does not look like "<service>.aliyuncs.com".',
  'principal-in-permission': 'Principal is only used in trust policies; it has no effect in a permission policy.',
  'value-type': '{0} must be a string or an array of strings.',
  'value-empty': '{0} must not be empty.',
  'condition-not-object': 'Condition must be an object such as {"StringEquals": {"acs:SourceVpc": "vpc-..."}}.',
  'condition-operator-unknown': 'Unknown condition operator {0}.',
  'condition-operator-case': 'Write the condition operator as {0}, not {1}.',
  'condition-keys-not-object': 'The value of {0} must be an object mapping condition keys to values.',
  'condition-key-format': 'Condition key {0} should have the form "prefix:Name", for example "acs:SourceIp".',
  'condition-value-type': 'Condition values for {0} must be strings, numbers or booleans.',
  'condition-value-ip': 'Value {0} for {1} is not an IP address or CIDR block.',
  'condition-value-number': 'Value {0} for {1} is not a number.',
  'condition-value-date': 'Value {0} for {1} is not a date such as "2025-01-01T00:00:00Z".',
  'condition-value-bool': 'Value {0} for {1} must be true or false.',
} as const;

export type LintCode = keyof typeof LINT_MESSAGES;

export type Severity = 'error' | 'warning' | 'info';

/**
 * The one severity of every rule. The editor, the save check and each check before an API call all
 * read it from here, so what blocks a save is what the editor shows as an error. An error is
 * something RAM refuses, or a statement that would silently grant nothing (an unknown element or
 * action); a warning is legal but probably not meant.
 */
export const LINT_SEVERITY: Readonly<Record<LintCode, Severity>> = {
  'json-empty': 'error',
  'json-unexpected-end': 'error',
  'json-unclosed': 'error',
  'json-expected-value': 'error',
  'json-expected-property': 'error',
  'json-expected-colon': 'error',
  'json-expected-comma-object': 'error',
  'json-expected-comma-array': 'error',
  'json-missing-comma-object': 'error',
  'json-missing-comma-array': 'error',
  'json-trailing-comma': 'error',
  'json-unterminated-string': 'error',
  'json-control-character': 'error',
  'json-invalid-escape': 'error',
  'json-invalid-number': 'error',
  'json-invalid-literal': 'error',
  'json-single-quotes': 'error',
  'json-smart-quotes': 'error',
  'json-unquoted-key': 'error',
  'json-fullwidth': 'error',
  'json-comment': 'error',
  'json-invalid-whitespace': 'error',
  'json-trailing-content': 'error',
  'json-duplicate-key': 'warning',
  'document-not-object': 'error',
  'document-too-large': 'error',
  'document-minified-fits': 'info',
  'element-unknown': 'error',
  'element-case': 'error',
  'version-missing': 'error',
  'version-invalid': 'error',
  'statement-missing': 'error',
  'statement-not-array': 'error',
  'statement-empty': 'error',
  'statement-not-object': 'error',
  'effect-missing': 'error',
  'effect-invalid': 'error',
  'action-missing': 'error',
  'action-both': 'error',
  'action-format': 'error',
  'action-whitespace': 'error',
  'action-service-suspicious': 'warning',
  'action-service-unknown': 'info',
  'action-unknown': 'error',
  'action-unknown-suggest': 'error',
  'action-pattern-empty': 'error',
  'trust-action': 'warning',
  'resource-missing': 'error',
  'resource-both': 'error',
  'resource-format': 'error',
  'resource-arn-shape': 'warning',
  'trust-resource': 'warning',
  'principal-missing': 'error',
  'principal-invalid': 'error',
  'principal-wildcard': 'warning',
  'principal-service-format': 'warning',
  'principal-in-permission': 'error',
  'value-type': 'error',
  'value-empty': 'error',
  'condition-not-object': 'error',
  'condition-operator-unknown': 'error',
  'condition-operator-case': 'warning',
  'condition-keys-not-object': 'error',
  'condition-key-format': 'warning',
  'condition-value-type': 'error',
  'condition-value-ip': 'error',
  'condition-value-number': 'error',
  'condition-value-date': 'error',
  'condition-value-bool': 'error',
  'json-missing-close-brace': 'error',
  'json-missing-close-brace-end': 'error',
  ...RULE_SEVERITY,
};

export interface Diagnostic {
  /** Always LINT_SEVERITY[code]. */
  severity: Severity;
  message: string;
  code: LintCode;
  /** Offset (UTF-16 code units, as vscode's TextDocument.positionAt takes) and length to underline. */
  offset: number;
  length: number;
  /** Values interpolated into LINT_MESSAGES[code]. */
  args: string[];
  /** A safe mechanical fix when there is one (insert a comma, drop a trailing comma…). */
  fix?: TextEdit;
}

/**
 * Services the product and common policies use. Prefixes elsewhere are not wrong (RAM has over a
 * hundred), so they only get an info; near-misses and AWS names get a warning.
 */
export const KNOWN_SERVICES = new Set([
  'ram',
  'sts',
  'ecs',
  'oss',
  'vpc',
  'kms',
  'log',
  'fc',
  'rds',
  'slb',
  'alb',
  'nlb',
  'cms',
  'actiontrail',
  'resourcemanager',
  'cs',
  'cr',
  'nas',
  'ess',
  'eip',
  'cdn',
  'dns',
  'alidns',
  'waf',
  'mns',
  'ons',
  'ots',
  'sls',
  'arms',
  'tag',
  'bss',
  'oos',
  'ros',
  'config',
  'kvstore',
  'polardb',
  'dds',
  'hbr',
  'ims',
  'apigateway',
  'ecd',
  'pvtz',
  'cen',
  'vod',
  'live',
  'mts',
  'imm',
  'dts',
  'dms',
  'sas',
  'yundun-sas',
  'ebs',
  'ack',
]);
const AWS_LOOKALIKES: Record<string, string> = {
  s3: 'oss',
  iam: 'ram',
  ec2: 'ecs',
  lambda: 'fc',
  cloudwatch: 'cms',
  logs: 'log',
  elasticloadbalancing: 'slb',
  elb: 'slb',
  cloudtrail: 'actiontrail',
};
const TRUST_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithoidc'];

const q = (s: string) => JSON.stringify(s);

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) {
      return false;
    }
    if (a.length > b.length) {
      i++;
    } else if (a.length < b.length) {
      j++;
    } else if (a[i + 1] === b[j] && a[i] === b[j + 1]) {
      i += 2;
      j += 2;
    } else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

class Linter {
  readonly out: Diagnostic[] = [];
  constructor(private readonly kind: PolicyKind) {}

  add(code: LintCode, at: { offset: number; length: number }, args: string[] = [], fix?: TextEdit): void {
    this.out.push({
      severity: LINT_SEVERITY[code],
      code,
      message: formatMessage(LINT_MESSAGES[code], args),
      offset: at.offset,
      length: at.length,
      args,
      fix,
    });
  }

  /** Where to underline a missing element: the object's opening brace. */
  brace(o: JsonObject) {
    return { offset: o.offset, length: 1 };
  }
  keySpan(p: JsonProperty) {
    return { offset: p.keyOffset, length: p.keyLength };
  }

  /**
   * Splits an object's properties into the known elements; flags unknown ones and wrong case
   * ("effect" is not "Effect": RAM element names are case-sensitive).
   */
  elements(o: JsonObject, allowed: readonly string[]): Map<string, JsonProperty> {
    const found = new Map<string, JsonProperty>();
    for (const p of o.properties) {
      if (allowed.includes(p.key)) {
        found.set(p.key, p);
        continue;
      }
      const proper = allowed.find((a) => a.toLowerCase() === p.key.toLowerCase());
      if (proper) {
        this.add('element-case', this.keySpan(p), [q(proper), q(p.key)], {
          offset: p.keyOffset,
          length: p.keyLength,
          text: q(proper),
        });
        found.set(proper, p);
      } else {
        this.add('element-unknown', this.keySpan(p), [q(p.key), allowed.map(q).join(', ')]);
      }
    }
    return found;
  }

  /** A string or non-empty array of strings; returns the string nodes. */
  strings(p: JsonProperty): { value: string; offset: number; length: number }[] {
    const v = p.value;
    const nodes = v.type === 'array' ? v.items : [v];
    if (v.type === 'array' && v.items.length === 0) {
      this.add('value-empty', v, [p.key]);
      return [];
    }
    if (nodes.some((n) => n.type !== 'string')) {
      this.add('value-type', v, [p.key]);
    }
    return nodes.flatMap((n) =>
      n.type === 'string' ? [{ value: n.value as string, offset: n.offset, length: n.length }] : [],
    );
  }

  document(root: JsonNode): void {
    if (root.type !== 'object') {
      this.add('document-not-object', root);
      return;
    }
    const el = this.elements(root, ['Version', 'Statement']);
    const version = el.get('Version');
    if (!version) {
      this.add('version-missing', this.brace(root));
    } else if (version.value.type !== 'string' || version.value.value !== '1') {
      const fix =
        version.value.type === 'number' && version.value.value === 1
          ? { offset: version.value.offset, length: version.value.length, text: '"1"' }
          : undefined;
      this.add('version-invalid', version.value, [JSON.stringify(toValue(version.value))], fix);
    }
    const st = el.get('Statement');
    if (!st) {
      this.add('statement-missing', this.brace(root));
      return;
    }
    if (st.value.type === 'object') {
      this.add('statement-not-array', st.value);
      this.statement(st.value);
      return;
    }
    if (st.value.type !== 'array') {
      this.add('statement-not-array', st.value);
      return;
    }
    if (st.value.items.length === 0) {
      this.add('statement-empty', st.value);
    }
    for (const item of st.value.items) {
      if (item.type === 'object') {
        this.statement(item);
      } else {
        this.add('statement-not-object', item, [item.type]);
      }
    }
  }

  statement(o: JsonObject): void {
    const trust = this.kind === 'trust';
    const el = this.elements(o, ['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'Condition']);

    const effect = el.get('Effect');
    if (!effect) {
      this.add('effect-missing', this.brace(o));
    } else if (effect.value.type !== 'string' || !['Allow', 'Deny'].includes(effect.value.value as string)) {
      const s = effect.value.type === 'string' ? String(effect.value.value) : '';
      const proper = ['Allow', 'Deny'].find((e) => e.toLowerCase() === s.toLowerCase());
      this.add(
        'effect-invalid',
        effect.value,
        [JSON.stringify(toValue(effect.value))],
        proper ? { offset: effect.value.offset, length: effect.value.length, text: q(proper) } : undefined,
      );
    }

    const action = el.get('Action');
    const notAction = el.get('NotAction');
    if (action && notAction) {
      this.add('action-both', this.keySpan(notAction));
    }
    if (!action && !notAction) {
      this.add('action-missing', this.brace(o));
    }
    for (const p of [action, notAction]) {
      if (p) {
        for (const a of this.strings(p)) {
          this.action(a, trust && p === action);
        }
      }
    }

    const resource = el.get('Resource');
    const notResource = el.get('NotResource');
    if (trust) {
      for (const p of [resource, notResource]) {
        if (p) {
          this.add('trust-resource', this.keySpan(p));
        }
      }
    } else {
      if (resource && notResource) {
        this.add('resource-both', this.keySpan(notResource));
      }
      if (!resource && !notResource) {
        this.add('resource-missing', this.brace(o));
      }
      for (const p of [resource, notResource]) {
        if (p) {
          for (const r of this.strings(p)) {
            this.resource(r);
          }
        }
      }
    }

    const principal = el.get('Principal');
    if (trust) {
      if (!principal) {
        this.add('principal-missing', this.brace(o));
      } else {
        this.principal(principal);
      }
    } else if (principal) {
      this.add('principal-in-permission', this.keySpan(principal));
    }

    const condition = el.get('Condition');
    if (condition) {
      this.condition(condition.value);
    }
  }

  action(a: { value: string; offset: number; length: number }, trust: boolean): void {
    if (a.value === '*') {
      return;
    }
    // Alibaba's own samples write "ecs: CreateInstance"; RAM rejects it.
    const compact = a.value.replace(/\s+/g, '');
    if (compact !== a.value && /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$/.test(compact)) {
      this.add('action-whitespace', a, [q(a.value), q(compact)], {
        offset: a.offset,
        length: a.length,
        text: q(compact),
      });
      return;
    }
    const m = /^([A-Za-z0-9*?-]+):([A-Za-z0-9*?_-]+)$/.exec(a.value);
    if (!m) {
      this.add('action-format', a, [q(a.value)]);
      return;
    }
    if (trust && !TRUST_ACTIONS.includes(a.value.toLowerCase())) {
      this.add('trust-action', a, [q(a.value)]);
    }
    const service = m[1].toLowerCase();
    if (isCatalogued(service)) {
      this.catalogued(a, m[1], m[2]);
      return;
    }
    if (KNOWN_SERVICES.has(service) || /[*?]/.test(service)) {
      return;
    }
    const guess =
      AWS_LOOKALIKES[service] ?? [...KNOWN_SERVICES].find((k) => k.length >= 3 && editDistanceAtMostOne(k, service));
    const span = { offset: a.offset + 1, length: m[1].length };
    if (guess) {
      this.add('action-service-suspicious', span, [q(m[1]), q(a.value), q(guess)]);
    } else {
      this.add('action-service-unknown', span, [q(m[1])]);
    }
  }

  /** An action of a service whose full list we ship: a name it does not define grants nothing. */
  catalogued(a: { value: string; offset: number; length: number }, service: string, name: string): void {
    const span = { offset: a.offset + 1 + service.length + 1, length: name.length };
    if (/[*?]/.test(name)) {
      if (!actionsMatching(`${service}:${name}`).length) {
        this.add('action-pattern-empty', span, [q(a.value), service.toLowerCase()]);
      }
      return;
    }
    if (findAction(`${service}:${name}`)) {
      return;
    }
    const guess = nearestAction(service, name);
    if (guess) {
      const text = q(`${service}:${guess}`);
      this.add('action-unknown-suggest', span, [q(a.value), service.toLowerCase(), text], {
        offset: a.offset,
        length: a.length,
        text,
      });
    } else {
      this.add('action-unknown', span, [q(a.value), service.toLowerCase()]);
    }
  }

  resource(r: { value: string; offset: number; length: number }): void {
    if (r.value === '*') {
      return;
    }
    if (!r.value.toLowerCase().startsWith('acs:')) {
      this.add('resource-format', r, [q(r.value)]);
      return;
    }
    const parts = r.value.split(':');
    if (parts.length < 5 || parts[1] === '' || parts.slice(4).join(':') === '') {
      this.add('resource-arn-shape', r, [q(r.value)]);
    }
  }

  principal(p: JsonProperty): void {
    const v = p.value;
    if (v.type === 'string' && v.value === '*') {
      this.add('principal-wildcard', v);
      return;
    }
    if (v.type !== 'object') {
      this.add('principal-invalid', v);
      return;
    }
    const el = this.elements(v, ['Service', 'RAM', 'Federated']);
    if (el.size === 0) {
      this.add('principal-invalid', v);
      return;
    }
    for (const [name, prop] of el) {
      const values = this.strings(prop);
      if (name !== 'Service') {
        continue;
      }
      for (const s of values) {
        if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.aliyuncs\.com$/i.test(s.value)) {
          this.add('principal-service-format', s, [q(s.value)]);
        }
      }
    }
  }

  condition(v: JsonNode): void {
    if (v.type !== 'object') {
      this.add('condition-not-object', v);
      return;
    }
    for (const op of v.properties) {
      const canonical = canonicalOperator(op.key);
      if (!canonical) {
        this.add('condition-operator-unknown', this.keySpan(op), [q(op.key)]);
      } else if (canonical !== op.key) {
        this.add('condition-operator-case', this.keySpan(op), [q(canonical), q(op.key)], {
          offset: op.keyOffset,
          length: op.keyLength,
          text: q(canonical),
        });
      }
      if (op.value.type !== 'object') {
        this.add('condition-keys-not-object', op.value, [q(op.key)]);
        continue;
      }
      for (const key of op.value.properties) {
        if (!/^[^:\s]+:\S+$/.test(key.key)) {
          this.add('condition-key-format', this.keySpan(key), [q(key.key)]);
        }
        const nodes = key.value.type === 'array' ? key.value.items : [key.value];
        if (key.value.type === 'array' && nodes.length === 0) {
          this.add('value-empty', key.value, [key.key]);
        }
        for (const n of nodes) {
          if (n.type === 'object' || n.type === 'array' || n.type === 'null') {
            this.add('condition-value-type', n, [q(key.key)]);
            continue;
          }
          if (canonical) {
            this.conditionValue(canonical, key.key, n.value as string | number | boolean, n);
          }
        }
      }
    }
  }

  /** Values the operator can never match are almost always typos ("10.0.0.0/33", "yes"). */
  conditionValue(op: string, key: string, value: string | number | boolean, at: JsonNode): void {
    const s = String(value);
    const args = [JSON.stringify(value), q(key)];
    if (op.endsWith('IpAddress')) {
      if (!parseCidr(s)) {
        this.add('condition-value-ip', at, args);
      }
    } else if (op.startsWith('Numeric')) {
      if (s.trim() === '' || Number.isNaN(Number(s))) {
        this.add('condition-value-number', at, args);
      }
    } else if (op.startsWith('Date')) {
      if (Number.isNaN(parseDate(s))) {
        this.add('condition-value-date', at, args);
      }
    } else if (op === 'Bool') {
      if (!['true', 'false'].includes(s.toLowerCase())) {
        this.add('condition-value-bool', at, args);
      }
    }
  }
}

/** Parses and lints; `document` is set only when there are no errors. */
export function parsePolicy(
  text: string,
  kind: PolicyKind = 'permission',
  opts: RuleOptions = {},
): { document?: PolicyDocument; diagnostics: Diagnostic[] } {
  const linter = new Linter(kind);
  const { root, problems } = parseJson(text);
  for (const p of problems) {
    linter.add(p.code, p, p.args, p.fix);
  }
  if (root) {
    linter.document(root);
  }
  if (root) {
    linter.out.push(...runRules(root, text, kind, opts));
  }

  if (text.length > MAX_POLICY_LENGTH) {
    const at = { offset: MAX_POLICY_LENGTH, length: text.length - MAX_POLICY_LENGTH };
    linter.add('document-too-large', at, [String(text.length), String(MAX_POLICY_LENGTH)]);
    const minified = root ? JSON.stringify(toValue(root)).length : Infinity;
    if (minified <= MAX_POLICY_LENGTH) {
      linter.add('document-minified-fits', at, [String(minified)]);
    }
  }

  const diagnostics = linter.out.sort((a, b) => a.offset - b.offset);
  const ok = root && !diagnostics.some((d) => d.severity === 'error');
  return { document: ok ? (toValue(root) as PolicyDocument) : undefined, diagnostics };
}

export function lintPolicy(text: string, kind: PolicyKind, opts: RuleOptions = {}): Diagnostic[] {
  return parsePolicy(text, kind, opts).diagnostics;
}

/** What blocks a save or an API call: the diagnostics whose LINT_SEVERITY is error. */
export function policyErrors(text: string, kind: PolicyKind): Diagnostic[] {
  return lintPolicy(text, kind).filter((d) => d.severity === 'error');
}
