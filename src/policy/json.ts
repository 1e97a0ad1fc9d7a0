/**
 * A small JSON parser that keeps offsets, for lint. JSON.parse only reports the first error (and
 * not always a position), knows nothing of duplicate keys and loses offsets of values. This parser
 * recovers from the mistakes people make when pasting policies from docs and chats — a missing or
 * trailing comma, full-width punctuation, typographic or single quotes, comments — so one pass
 * reports all of them and lint can still check the recovered document. Anything else stops parsing.
 */

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export interface JsonProblem {
  code: JsonProblemCode;
  args: string[];
  offset: number;
  length: number;
  severity: 'error' | 'warning';
  fix?: TextEdit;
}

interface Span {
  offset: number;
  length: number;
}
export interface JsonObject extends Span {
  type: 'object';
  properties: JsonProperty[];
}
export interface JsonArray extends Span {
  type: 'array';
  items: JsonNode[];
}
export interface JsonScalar extends Span {
  type: 'string' | 'number' | 'boolean' | 'null';
  value: string | number | boolean | null;
}
export type JsonNode = JsonObject | JsonArray | JsonScalar;
export interface JsonProperty {
  key: string;
  keyOffset: number;
  keyLength: number;
  value: JsonNode;
}

export const JSON_MESSAGES = {
  'json-empty': 'The document is empty; a policy is a JSON object such as {"Version": "1", "Statement": [...]}.',
  'json-unexpected-end': 'Unexpected end of the document.',
  'json-unclosed': 'Unclosed {0}: add the matching {1}.',
  'json-expected-value': 'Expected a JSON value but found {0}.',
  'json-expected-property': 'Expected a property name in double quotes but found {0}.',
  'json-expected-colon': 'Expected ":" after the property name {0}.',
  'json-expected-comma-object': 'Expected "," or "}" after the property value but found {0}.',
  'json-expected-comma-array': 'Expected "," or "]" after the array element but found {0}.',
  'json-missing-comma-object': 'Missing comma between properties: add "," after the previous value.',
  'json-missing-comma-array': 'Missing comma between array elements: add "," after the previous element.',
  'json-trailing-comma': 'Remove this trailing comma: JSON does not allow a comma before {0}.',
  'json-unterminated-string': 'Unterminated string: add the closing double quote.',
  'json-control-character': 'Strings cannot contain line breaks or control characters; escape them (\\n, \\t).',
  'json-invalid-escape': 'Invalid escape sequence {0} in a string.',
  'json-invalid-number': 'Invalid number {0}.',
  'json-invalid-literal':
    'Unknown word {0}: strings need double quotes, and the only bare words are true, false and null.',
  'json-single-quotes': 'Use double quotes ("), not single quotes (\'), around strings and property names.',
  'json-smart-quotes': 'Typographic quote {0} is not valid JSON; use a straight double quote (").',
  'json-unquoted-key': 'Property name {0} must be in double quotes.',
  'json-fullwidth': 'Full-width {0} is not JSON punctuation; use {1}.',
  'json-comment': 'Comments are not allowed in policy documents.',
  'json-invalid-whitespace': 'Invalid whitespace character (U+{0}); use a normal space.',
  'json-trailing-content': 'Unexpected content after the end of the document.',
  'json-duplicate-key': 'Duplicate property {0}: only the last one takes effect.',
  'json-missing-close-brace-end': 'Missing "}" to close the object that starts on line {0}: add it before "]".',
  'json-missing-close-brace':
    'Missing "}" before this "{": the object that starts on line {0} is not closed, so the next one cannot begin there. Add "}" before the comma.',
} as const;
export type JsonProblemCode = keyof typeof JSON_MESSAGES;

class Fatal extends Error {}

const q = (s: string) => JSON.stringify(s);
const FULLWIDTH: Record<string, string> = { '，': ',', '：': ':', '｛': '{', '｝': '}', '［': '[', '］': ']' };
const SMART_OPEN = new Set(['“', '”', '„', '″']);
const ODD_SPACE = /[\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

class Parser {
  pos = 0;
  readonly problems: JsonProblem[] = [];
  constructor(private readonly text: string) {}

  report(
    code: JsonProblemCode,
    offset: number,
    length: number,
    args: string[] = [],
    fix?: TextEdit,
    severity: 'error' | 'warning' = 'error',
  ): void {
    this.problems.push({ code, args, offset, length, severity, fix });
  }
  fail(code: JsonProblemCode, offset: number, length: number, args: string[] = []): never {
    this.report(code, offset, length, args);
    throw new Fatal();
  }

  /** What the user sees at the cursor, for "found …" messages. */
  describe(at = this.pos): string {
    if (at >= this.text.length) {
      return 'the end of the document';
    }
    const word = /^[\w$.-]+/.exec(this.text.slice(at, at + 40));
    return q(word ? word[0] : this.text[at]);
  }

  skip(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
        continue;
      }
      if (ODD_SPACE.test(c)) {
        // A BOM at the very start is what editors write; JSON.parse rejects it anywhere else.
        if (!(c === '\ufeff' && this.pos === 0)) {
          this.report(
            'json-invalid-whitespace',
            this.pos,
            1,
            [c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')],
            { offset: this.pos, length: 1, text: ' ' },
          );
        }
        this.pos++;
        continue;
      }
      if (c === '/' && (t[this.pos + 1] === '/' || t[this.pos + 1] === '*')) {
        const start = this.pos;
        const end = t[this.pos + 1] === '/' ? t.indexOf('\n', start) : t.indexOf('*/', start + 2);
        this.pos = end < 0 ? t.length : t[this.pos + 1] === '/' ? end : end + 2;
        this.report('json-comment', start, this.pos - start, [], { offset: start, length: this.pos - start, text: '' });
        continue;
      }
      return;
    }
  }

  /** Consumes `ch` or its full-width twin (reported), returning whether it was there. */
  eat(ch: string): boolean {
    const c = this.text[this.pos];
    if (c === ch) {
      this.pos++;
      return true;
    }
    if (c !== undefined && FULLWIDTH[c] === ch) {
      this.report('json-fullwidth', this.pos, 1, [q(c), q(ch)], { offset: this.pos, length: 1, text: ch });
      this.pos++;
      return true;
    }
    return false;
  }

  parseDocument(): JsonNode | undefined {
    this.skip();
    if (this.pos >= this.text.length) {
      this.report('json-empty', 0, 0);
      return undefined;
    }
    const root = this.value();
    this.skip();
    if (this.pos < this.text.length) {
      this.report('json-trailing-content', this.pos, this.text.length - this.pos);
    }
    return root;
  }

  value(inArray = false): JsonNode {
    const c = this.text[this.pos];
    if (c === undefined) {
      this.fail('json-unexpected-end', this.text.length, 0);
    }
    if (c === '{' || c === '｛') {
      return this.object(inArray);
    }
    if (c === '[' || c === '［') {
      return this.array();
    }
    if (c === '"' || c === "'" || SMART_OPEN.has(c)) {
      const s = this.string();
      return { type: 'string', value: s.value, offset: s.offset, length: s.length };
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      return this.number();
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos, this.pos + 40));
    if (word) {
      const literal = ({ true: true, false: false, null: null } as Record<string, boolean | null>)[word[0]];
      if (literal === undefined) {
        this.fail('json-invalid-literal', this.pos, word[0].length, [q(word[0])]);
      }
      const node: JsonScalar = {
        type: literal === null ? 'null' : 'boolean',
        value: literal,
        offset: this.pos,
        length: word[0].length,
      };
      this.pos += word[0].length;
      return node;
    }
    this.fail('json-expected-value', this.pos, 1, [this.describe()]);
  }

  number(): JsonScalar {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    const raw = /^[-+\w.]+/.exec(this.text.slice(this.pos))?.[0] ?? this.text[this.pos];
    if (!m || m[0].length !== raw.length) {
      this.fail('json-invalid-number', this.pos, raw.length, [q(raw)]);
    }
    const node: JsonScalar = { type: 'number', value: Number(m[0]), offset: this.pos, length: m[0].length };
    this.pos += m[0].length;
    return node;
  }

  /** A string in double quotes; single and typographic quotes are reported and read anyway. */
  string(): { value: string; offset: number; length: number } {
    const t = this.text;
    const start = this.pos;
    const open = t[start];
    let close = '"';
    if (open === "'") {
      close = "'";
      this.report('json-single-quotes', start, 1);
    } else if (open !== '"') {
      close = '”';
      this.report('json-smart-quotes', start, 1, [q(open)], { offset: start, length: 1, text: '"' });
    }
    this.pos++;
    let out = '';
    for (;;) {
      const c = t[this.pos];
      // A line break before the closing quote almost always means the quote is missing.
      if (c === undefined || c === '\n' || c === '\r') {
        this.fail('json-unterminated-string', start, this.pos - start);
      }
      if (c === close || (close === '”' && (c === '"' || c === '“'))) {
        if (c !== '"' && open !== "'") {
          this.report('json-smart-quotes', this.pos, 1, [q(c)], { offset: this.pos, length: 1, text: '"' });
        }
        this.pos++;
        return { value: out, offset: start, length: this.pos - start };
      }
      if (c < ' ') {
        this.fail('json-control-character', this.pos, 1);
      }
      if (c === '\\') {
        const e = t[this.pos + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.pos += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        this.fail('json-invalid-escape', this.pos, 2, [q(t.slice(this.pos, this.pos + 2))]);
      }
      out += c;
      this.pos++;
    }
  }

  object(inArray = false): JsonObject {
    const start = this.pos;
    this.eat('{');
    const properties: JsonProperty[] = [];
    const seen = new Set<string>();
    let lastComma = -1;
    this.skip();
    if (this.eat('}')) {
      return { type: 'object', properties, offset: start, length: this.pos - start };
    }
    for (;;) {
      const keyStart = this.pos;
      const c = this.text[this.pos];
      // `"Resource": "*", {` — a statement whose "}" was lost (the PassRole sample in the ECS docs).
      // Close it at the comma and let the array read the next statement, so one pass reports the
      // real mistake instead of "expected a property name".
      if (inArray && lastComma >= 0 && (c === '{' || c === '｛')) {
        const line = String(this.text.slice(0, start).split('\n').length);
        this.report('json-missing-close-brace', keyStart, 1, [line], { offset: lastComma, length: 0, text: '}' });
        this.pos = lastComma;
        return { type: 'object', properties, offset: start, length: lastComma - start };
      }
      let key: string;
      if (c === '"' || c === "'" || (c !== undefined && SMART_OPEN.has(c))) {
        key = this.string().value;
      } else {
        const word = /^[A-Za-z_$][\w$-]*/.exec(this.text.slice(this.pos, this.pos + 100));
        if (c === undefined) {
          this.fail('json-unclosed', start, 1, ['"{"', '"}"']);
        }
        if (!word) {
          this.fail('json-expected-property', this.pos, 1, [this.describe()]);
        }
        key = word[0];
        this.report('json-unquoted-key', keyStart, key.length, [q(key)], {
          offset: keyStart,
          length: key.length,
          text: q(key),
        });
        this.pos += key.length;
      }
      const keyLength = this.pos - keyStart;
      if (seen.has(key)) {
        this.report('json-duplicate-key', keyStart, keyLength, [q(key)], undefined, 'warning');
      }
      seen.add(key);
      this.skip();
      if (!this.eat(':')) {
        this.fail(
          this.pos >= this.text.length ? 'json-unexpected-end' : 'json-expected-colon',
          this.pos,
          this.pos >= this.text.length ? 0 : 1,
          [q(key)],
        );
      }
      this.skip();
      const value = this.value();
      properties.push({ key, keyOffset: keyStart, keyLength, value });
      const end = this.pos;
      this.skip();
      if (this.eat('}')) {
        return { type: 'object', properties, offset: start, length: this.pos - start };
      }
      if (this.text[this.pos] === ',' || this.text[this.pos] === '，') {
        const comma = this.pos;
        lastComma = comma;
        this.eat(',');
        this.skip();
        if (this.text[this.pos] === '}' || this.text[this.pos] === '｝') {
          this.report('json-trailing-comma', comma, 1, ['"}"'], { offset: comma, length: 1, text: '' });
          this.eat('}');
          return { type: 'object', properties, offset: start, length: this.pos - start };
        }
        continue;
      }
      const next = this.text[this.pos];
      if (next === undefined) {
        this.fail('json-unclosed', start, 1, ['"{"', '"}"']);
      }
      if (inArray && (next === ']' || next === '］')) {
        this.report(
          'json-missing-close-brace-end',
          this.pos,
          1,
          [String(this.text.slice(0, start).split('\n').length)],
          { offset: end, length: 0, text: '}' },
        );
        return { type: 'object', properties, offset: start, length: end - start };
      }
      if (next === '"' || next === "'" || SMART_OPEN.has(next)) {
        this.report('json-missing-comma-object', this.pos, 1, [], { offset: end, length: 0, text: ',' });
        continue;
      }
      this.fail('json-expected-comma-object', this.pos, 1, [this.describe()]);
    }
  }

  array(): JsonArray {
    const start = this.pos;
    this.eat('[');
    const items: JsonNode[] = [];
    this.skip();
    if (this.eat(']')) {
      return { type: 'array', items, offset: start, length: this.pos - start };
    }
    for (;;) {
      if (this.pos >= this.text.length) {
        this.fail('json-unclosed', start, 1, ['"["', '"]"']);
      }
      items.push(this.value(true));
      const end = this.pos;
      this.skip();
      if (this.eat(']')) {
        return { type: 'array', items, offset: start, length: this.pos - start };
      }
      const c = this.text[this.pos];
      if (c === ',' || c === '，') {
        const comma = this.pos;
        this.eat(',');
        this.skip();
        if (this.text[this.pos] === ']' || this.text[this.pos] === '］') {
          this.report('json-trailing-comma', comma, 1, ['"]"'], { offset: comma, length: 1, text: '' });
          this.eat(']');
          return { type: 'array', items, offset: start, length: this.pos - start };
        }
        continue;
      }
      if (c === undefined) {
        this.fail('json-unclosed', start, 1, ['"["', '"]"']);
      }
      if ('{["\'-0123456789tfn'.includes(c) || SMART_OPEN.has(c)) {
        this.report('json-missing-comma-array', this.pos, 1, [], { offset: end, length: 0, text: ',' });
        continue;
      }
      this.fail('json-expected-comma-array', this.pos, 1, [this.describe()]);
    }
  }
}

/** Parses `text`; `root` is present unless a fatal error stopped the parse. */
export function parseJson(text: string): { root?: JsonNode; problems: JsonProblem[] } {
  const p = new Parser(text);
  try {
    return { root: p.parseDocument(), problems: p.problems };
  } catch (e) {
    if (e instanceof Fatal) {
      return { problems: p.problems };
    }
    throw e;
  }
}

/** Plain JS value of a node; duplicate keys keep the last value, as JSON.parse does. */
export function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of node.properties) {
        // defineProperty so a "__proto__" key stays data, as with JSON.parse.
        Object.defineProperty(o, p.key, {
          value: toValue(p.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return o;
    }
    case 'array':
      return node.items.map(toValue);
    default:
      return node.value;
  }
}

export function formatMessage(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => args[Number(i)] ?? m);
}
