/**
 * "Use the credentials chain": rewrites the client construction around an AccessKey found in code
 * so that credentials come from the Alibaba Cloud default credential provider chain (environment,
 * CLI profile, …, and on ECS the instance role), never from literals. One edit per construction
 * the official libraries document:
 *
 * - Python: `oss2.Auth(id, secret)` → `oss2.ProviderAuth(<wrapper over alibabacloud_credentials>)`
 *   (the wrapper is the one in aliyun/alibabacloud-landing-zone solution-ecs-sts-token
 *   oss_sdk/credentials_default_sample.py); keyword `access_key_id=…, access_key_secret=…`
 *   (Tea `Config`) → `credential=CredentialClient()` (alibabacloud_credentials README).
 * - Node.js/TypeScript: `new OSS({ accessKeyId, accessKeySecret })` → ali-oss `refreshSTSToken`
 *   over `@alicloud/credentials` (ali-oss refreshes before each request when the interval is 0);
 *   other objects (Tea `Config`) → `credential: new Credential()`.
 * - Java: `new OSSClientBuilder().build(endpoint, id, secret)` → `build(endpoint, provider)` with a
 *   CredentialsProvider over `com.aliyun.credentials.Client` (landing-zone
 *   oss_sdk/CredentialsDefaultSample.java); `.setAccessKeyId(…)/.setAccessKeySecret(…)` →
 *   `.setCredential(new com.aliyun.credentials.Client())`.
 * - Go: a struct literal with `AccessKeyId:`/`AccessKeySecret:` (Tea `openapi.Config`) →
 *   `Credential: credential` after `credentials.NewCredential(nil)` (credentials-go README).
 *
 * One approach for every language: the code is read with a bracket- and string-aware scanner
 * (`scanCode`: strings and comments skipped, brackets paired), the construction is the innermost
 * call or literal around the finding, its arguments are split at top-level commas only, a property
 * is recognised by its exact name (`ramAccessKeyId` is not `accessKeyId`) and must be the one that
 * holds the finding, and imports and helpers go at the end of the file's leading import block,
 * which always comes before the statement that uses them. Anything else (unbalanced brackets, a
 * construction of another shape, a statement we cannot place code before): no edit, and the action
 * is not offered.
 *
 * Returns text edits (offset, length, text) over the original text and the package to install, or
 * undefined. No `vscode` here.
 */

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}
export type ChainLanguage = 'python' | 'javascript' | 'typescript' | 'java' | 'go';

/** The rewrite and what it needs installed (the quick fix says so). */
export interface ChainRewrite {
  edits: TextEdit[];
  install: string;
}

export function chainLanguageOf(languageId: string): ChainLanguage | undefined {
  if (languageId === 'javascriptreact') {
    return 'javascript';
  }
  if (languageId === 'typescriptreact') {
    return 'typescript';
  }
  return (['python', 'javascript', 'typescript', 'java', 'go'] as const).find((l) => l === languageId);
}

const INSTALL: Record<ChainLanguage, string> = {
  python: 'pip install alibabacloud_credentials',
  javascript: 'npm install @alicloud/credentials',
  typescript: 'npm install @alicloud/credentials',
  java: 'Maven com.aliyun:credentials-java',
  go: 'go get github.com/aliyun/credentials-go',
};

// ---- reading code: strings, comments, brackets ----

interface Code {
  text: string;
  /** Start of a string or comment → its end (exclusive). */
  skip: Map<number, number>;
  /** Opening bracket → its closing bracket. */
  pair: Map<number, number>;
}

const OPEN: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Strings, comments and bracket pairs of `text`; undefined when they do not balance (then nothing is safe to edit). */
function scanCode(text: string, lang: ChainLanguage): Code | undefined {
  const skip = new Map<number, number>();
  const pair = new Map<number, number>();
  const stack: number[] = [];
  const eol = (i: number) => {
    const n = text.indexOf('\n', i);
    return n < 0 ? text.length : n;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    let end = -1;
    if (lang === 'python' ? c === '#' : c === '/' && text[i + 1] === '/') {
      end = eol(i);
    } else if (lang !== 'python' && c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) {
        return undefined;
      }
      end = e + 2;
    } else if (lang === 'python' && (c === '"' || c === "'") && text.startsWith(c.repeat(3), i)) {
      const e = text.indexOf(c.repeat(3), i + 3);
      if (e < 0) {
        return undefined;
      }
      end = e + 3;
    } else if (c === '"' || c === "'" || (c === '`' && lang !== 'python' && lang !== 'java')) {
      // Go's raw strings and JS templates span lines (a `${}` inside a template is read as text).
      const multiline = c === '`';
      let j = i + 1;
      while (j < text.length && text[j] !== c && (multiline || text[j] !== '\n')) {
        j += text[j] === '\\' && !(lang === 'go' && multiline) ? 2 : 1;
      }
      if (text[j] !== c) {
        return undefined;
      }
      end = j + 1;
    }
    if (end >= 0) {
      skip.set(i, end);
      i = end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      stack.push(i);
    } else if (c === ')' || c === ']' || c === '}') {
      const o = stack.pop();
      if (o === undefined || text[o] !== OPEN[c]) {
        return undefined;
      }
      pair.set(o, i);
    }
  }
  return stack.length ? undefined : { text, skip, pair };
}

/** The innermost `(`…`)` or `{`…`}` around `offset`: open and close positions. */
function enclosing(code: Code, offset: number, open: '(' | '{'): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  for (const [o, c] of code.pair) {
    if (code.text[o] === open && o < offset && offset < c && (!best || o > best.start)) {
      best = { start: o, end: c };
    }
  }
  return best;
}

interface Item {
  start: number;
  end: number;
  key?: string;
  comma: boolean;
}

/** Top-level comma-separated items between a bracket pair, each with its `key` when it is `key: value` / `key = value`. */
function items(code: Code, span: { start: number; end: number }): Item[] {
  const { text } = code;
  const out: Item[] = [];
  let from = span.start + 1;
  const push = (end: number, comma: boolean) => {
    if (!text.slice(from, end).trim()) {
      return;
    }
    const m = /^\s*(?:(["'])([\w$]+)\1|([\w$]+))\s*[:=](?!=)/.exec(text.slice(from, end));
    out.push({ start: from, end, key: m ? (m[2] ?? m[3]) : undefined, comma });
  };
  for (let i = span.start + 1; i < span.end; i++) {
    const s = code.skip.get(i) ?? code.pair.get(i);
    if (s !== undefined) {
      i = (code.skip.has(i) ? s : s + 1) - 1;
      continue;
    }
    if (text[i] === ',') {
      push(i, true);
      from = i + 1;
    }
  }
  push(span.end, false);
  return out;
}

/** The item's text without its surrounding blanks: [start, end). */
function trimmed(text: string, it: Item): { start: number; end: number } {
  let a = it.start,
    b = it.end;
  while (a < b && /\s/.test(text[a])) {
    a++;
  }
  while (b > a && /\s/.test(text[b - 1])) {
    b--;
  }
  return { start: a, end: b };
}

/** Replaces the finding's property and removes its partner: both found by exact name, the first one holding `offset`. */
function swapProperties(
  code: Code,
  span: { start: number; end: number },
  offset: number,
  idKey: string,
  secretKey: string,
  replacement: (indent: string) => string,
): TextEdit[] | undefined {
  const list = items(code, span);
  const id = list.find((i) => i.key === idKey);
  const secret = list.find((i) => i.key === secretKey);
  if (!id || !secret || list.filter((i) => i.key === idKey || i.key === secretKey).length !== 2) {
    return undefined;
  }
  if (![id, secret].some((i) => i.start <= offset && offset < i.end)) {
    return undefined;
  }
  const { text } = code;
  const t = trimmed(text, id);
  const lineStartOfId = text.lastIndexOf('\n', t.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStartOfId))![0];
  const edits: TextEdit[] = [{ offset: t.start, length: t.end - t.start, text: replacement(indent) }];
  // The partner goes with its comma: the one after it, or (last item) the one before it.
  if (secret.comma) {
    edits.push({ offset: secret.start, length: secret.end + 1 - secret.start, text: '' });
  } else {
    const st = trimmed(text, secret);
    const prev = list[list.indexOf(secret) - 1];
    if (prev && prev !== id) {
      edits.push({ offset: prev.end, length: st.end - prev.end, text: '' });
    } else if (prev === id) {
      edits.push({ offset: id.end, length: st.end - id.end, text: '' });
    } else {
      edits.push({ offset: st.start, length: st.end - st.start, text: '' });
    }
  }
  return edits;
}

// ---- where code goes ----

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentAt = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];

/**
 * The end of the leading block of imports (after a shebang, `'use strict'`, a module docstring,
 * comments and blank lines): imports and helpers inserted there come before any statement.
 * `isImport` says whether a line starts an import; multi-line imports run to their closing bracket.
 */
function afterLeadingImports(
  code: Code,
  isImport: (line: string) => boolean,
  isPreamble: (line: string, at: number) => boolean,
): number {
  const { text } = code;
  const lineAfter = (i: number) => {
    const n = text.indexOf('\n', i);
    return n < 0 ? text.length : n + 1;
  };
  let end = 0;
  for (let at = 0; at < text.length;) {
    let next = lineAfter(at);
    const line = text.slice(at, next);
    // A string, comment or bracket opened on this line (a docstring, `from x import (`) runs to where it closes.
    for (let i = at; i < next; i++) {
      const e = code.skip.get(i) ?? code.pair.get(i);
      if (e !== undefined && e >= next) {
        next = lineAfter(e);
        break;
      }
    }
    if (line.trim()) {
      if (isImport(line.trimStart())) {
        end = next;
      } else if (isPreamble(line, at)) {
        end ||= next;
      } else {
        break;
      }
    }
    at = next;
  }
  return end;
}

/** Inserts at the same offset land in this order: imports, helpers, then the statement before the use. */
type Insert = TextEdit & { order: -1 | 0 | 1 | 2 };

/** Sorted, with inserts at one offset merged in their order (VS Code and LSP keep same-offset inserts in array order). */
function finish(edits: Array<TextEdit | Insert>): TextEdit[] {
  const sorted = [...edits].sort(
    (a, b) =>
      a.offset - b.offset ||
      (a.length ? 1 : 0) - (b.length ? 1 : 0) ||
      ('order' in a ? a.order : 3) - ('order' in b ? b.order : 3),
  );
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.length === 0 && e.length === 0 && last.offset === e.offset) {
      last.text += e.text;
      continue;
    }
    if (last && last.offset + last.length > e.offset) {
      return [];
    } // overlapping: not safe
    out.push({ offset: e.offset, length: e.length, text: e.text });
  }
  return out;
}

const hasDeclaration = (text: string, re: RegExp) => re.test(text);

export function credentialsChainEdits(languageId: string, text: string, offset: number): ChainRewrite | undefined {
  const lang = chainLanguageOf(languageId);
  const code = lang && scanCode(text, lang);
  if (!lang || !code) {
    return undefined;
  }
  const edits = rewrite(lang, code, offset);
  const done = edits && finish(edits);
  return done?.length ? { edits: done, install: INSTALL[lang] } : undefined;
}

function rewrite(lang: ChainLanguage, code: Code, offset: number): Array<TextEdit | Insert> | undefined {
  const { text } = code;
  const call = enclosing(code, offset, '(');
  const obj = enclosing(code, offset, '{');
  const before = (s: { start: number }) => text.slice(Math.max(0, s.start - 60), s.start);

  if (lang === 'python') {
    const pyImports = () =>
      afterLeadingImports(
        code,
        (l) => /^(?:import|from)\s/.test(l),
        (l) => /^\s*(?:#|$)/.test(l) || /^\s*["']/.test(l),
      );
    // No fallback to normal mode (IMDSv1) for the chain's instance-role step: the Python SDK reads
    // ALIBABA_CLOUD_IMDSV1_DISABLED once, when alibabacloud_credentials.utils.auth_util is imported
    // (aliyun/credentials-python), so it is set before the file's first import (other alibabacloud
    // packages import it too), after any `from __future__`.
    const hardened = (): Insert[] => {
      if (text.includes('ALIBABA_CLOUD_IMDSV1_DISABLED')) {
        return [];
      }
      const imports = /^(?:import|from)\s+(?!__future__\b)/gm;
      let first: number | undefined;
      for (let m = imports.exec(text); m && first === undefined; m = imports.exec(text)) {
        const at = m.index;
        first = [...code.skip].some(([from, to]) => from <= at && at < to) ? undefined : at;
      }
      return [
        {
          offset: first ?? pyImports(),
          length: 0,
          order: -1,
          text: "import os\nos.environ.setdefault('ALIBABA_CLOUD_IMDSV1_DISABLED', 'true')  # instance role: metadata token required, no IMDSv1 fallback\n",
        } as Insert,
      ];
    };
    const head = call && /(?<![\w.])oss2\.Auth(?:V2|V4)?\s*$/.exec(before(call));
    if (call && head) {
      const args = items(code, call);
      if (args.length !== 2 || args.some((a) => a.key)) {
        return undefined;
      }
      const start = call.start - head[0].length;
      const edits: Array<TextEdit | Insert> = [
        {
          offset: start,
          length: call.end + 1 - start,
          text: 'oss2.ProviderAuth(CredentialProviderWrapper(CredentialClient()))',
        },
      ];
      if (!hasDeclaration(text, /^class CredentialProviderWrapper\b/m)) {
        edits.push({
          offset: pyImports(),
          length: 0,
          order: 1,
          text: [
            '',
            'from alibabacloud_credentials.client import Client as CredentialClient',
            'from oss2 import CredentialsProvider',
            'from oss2.credentials import Credentials',
            '',
            '',
            'class CredentialProviderWrapper(CredentialsProvider):',
            '    """oss2 credentials from the Alibaba Cloud default credential chain (the instance role on ECS)."""',
            '',
            '    def __init__(self, client):',
            '        self.client = client',
            '',
            '    def get_credentials(self):',
            '        c = self.client.get_credential()',
            '        return Credentials(c.access_key_id, c.access_key_secret, c.security_token)',
            '',
            '',
          ].join('\n'),
        });
      }
      return [...edits, ...hardened()];
    }
    if (!call) {
      return undefined;
    }
    const swapped = swapProperties(
      code,
      call,
      offset,
      'access_key_id',
      'access_key_secret',
      () => 'credential=CredentialClient()',
    );
    if (!swapped) {
      return undefined;
    }
    if (
      !hasDeclaration(text, /^\s*from\s+alibabacloud_credentials\.client\s+import\s+Client\s+as\s+CredentialClient\b/m)
    ) {
      swapped.push({
        offset: pyImports(),
        length: 0,
        order: 0,
        text: 'from alibabacloud_credentials.client import Client as CredentialClient\n',
      } as Insert);
    }
    return [...swapped, ...hardened()];
  }

  if (lang === 'javascript' || lang === 'typescript') {
    if (!obj) {
      return undefined;
    }
    const isOss = /(?<![\w$.])new\s+OSS\s*\(\s*$/.test(before(obj));
    // The hardened metadata mode (no fallback to IMDSv1) for the chain's instance-role step: the
    // chain has no option for it, the SDK reads ALIBABA_CLOUD_IMDSV1_DISABLED (@alicloud/credentials
    // README, `disableIMDSv1`: "can be replaced by setting environment variable ALIBABA_CLOUD_IMDSV1_DISABLED").
    const hardened =
      "process.env.ALIBABA_CLOUD_IMDSV1_DISABLED = process.env.ALIBABA_CLOUD_IMDSV1_DISABLED || 'true'; // instance role: metadata token required, no IMDSv1 fallback";
    const swapped = swapProperties(code, obj, offset, 'accessKeyId', 'accessKeySecret', (indent) =>
      isOss
        ? [
            `// Placeholders: refreshSTSToken supplies the chain's credentials before every request.`,
            `accessKeyId: 'chain', accessKeySecret: 'chain', stsToken: 'chain',`,
            'refreshSTSTokenInterval: 0,',
            'refreshSTSToken: async () => {',
            '  const c = await credential.getCredential();',
            '  return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: c.securityToken };',
            '}',
          ].join(`\n${indent}`)
        : 'credential: new Credential()',
    );
    if (!swapped) {
      return undefined;
    }
    const edits: Array<TextEdit | Insert> = swapped;
    if (isOss) {
      // The credential client lives as long as the OSS client: declared just before its statement,
      // which must be a plain one (`const client = new OSS({`), not the middle of an expression.
      const stmt = lineStart(text, obj.start);
      if (
        !/^[ \t]*(?:(?:export\s+)?(?:const|let|var)\s+[\w$]+(?:\s*:\s*[\w$.]+)?\s*=\s*|[\w$.]+\s*=\s*|return\s+)?new\s+OSS\s*\(\s*$/.test(
          text.slice(stmt, obj.start),
        )
      ) {
        return undefined;
      }
      if (hasDeclaration(text, /\b(?:const|let|var)\s+credential\b/)) {
        return undefined;
      }
      const ind = indentAt(text, obj.start);
      edits.push({
        offset: stmt,
        length: 0,
        order: 2,
        text: `${ind}const credential = new Credential(); // default chain: the instance role on ECS\n`,
      } as Insert);
    }
    const imported = /\bCredential\b[^\n]*@alicloud\/credentials/.test(text);
    if (!imported || !text.includes('ALIBABA_CLOUD_IMDSV1_DISABLED')) {
      const esm = lang === 'typescript' || /^import\s/m.test(text);
      const at = afterLeadingImports(
        code,
        (l) => /^import[\s{*'"]/.test(l) || /^(?:const|let|var)\s[^=]*=\s*require\(/.test(l),
        (l, i) =>
          /^\s*(?:\/\/|\/\*|\*|$)/.test(l) || (i === 0 && l.startsWith('#!')) || /^\s*(['"])use strict\1;?\s*$/.test(l),
      );
      const lines = [
        ...(imported
          ? []
          : [
              esm
                ? "import Credential from '@alicloud/credentials';"
                : "const Credential = require('@alicloud/credentials').default;",
            ]),
        ...(text.includes('ALIBABA_CLOUD_IMDSV1_DISABLED') ? [] : [hardened]),
      ];
      edits.push({ offset: at, length: 0, order: 0, text: `${lines.join('\n')}\n` } as Insert);
    }
    return edits;
  }

  if (lang === 'java') {
    if (call && /(?<![\w$])OSSClientBuilder\(\)\s*\.build\s*$/.test(before(call))) {
      // Arguments split at top-level commas only: an endpoint such as "https://a,b" or f(x, y) stays whole.
      const args = items(code, call);
      if (args.length !== 3 || !args.slice(1).some((a) => a.start <= offset && offset < a.end)) {
        return undefined;
      }
      const endpoint = text.slice(trimmed(text, args[0]).start, trimmed(text, args[0]).end);
      const ind = indentAt(text, call.start);
      return [
        {
          offset: call.start,
          length: call.end + 1 - call.start,
          text: [
            `(${endpoint}, new com.aliyun.oss.common.auth.CredentialsProvider() {`,
            '    // The default credential chain (the instance role on ECS), refreshed by credentials-java.',
            '    // On ECS, set ALIBABA_CLOUD_IMDSV1_DISABLED=true in the environment: no fallback to IMDSv1.',
            '    private final com.aliyun.credentials.Client chain = new com.aliyun.credentials.Client();',
            '    @Override public void setCredentials(com.aliyun.oss.common.auth.Credentials credentials) { }',
            '    @Override public com.aliyun.oss.common.auth.Credentials getCredentials() {',
            '        com.aliyun.credentials.models.CredentialModel c = chain.getCredential();',
            '        return new com.aliyun.oss.common.auth.DefaultCredentials(c.getAccessKeyId(), c.getAccessKeySecret(), c.getSecurityToken());',
            '    }',
            '})',
          ].join(`\n${ind}`),
        },
      ];
    }
    // Config setters: the `.setAccessKeyId("…")` call holding the finding, then the statement's or
    // the next statement's `.setAccessKeySecret("…")`.
    if (!call || !/\.\s*setAccessKeyId\s*$/.test(before(call))) {
      return undefined;
    }
    const literal = (c: { start: number; end: number }) => {
      const a = items(code, c);
      return (
        a.length === 1 &&
        /^\s*"/.test(text.slice(a[0].start, a[0].end)) &&
        code.skip.get(trimmed(text, a[0]).start) === trimmed(text, a[0]).end
      );
    };
    if (!literal(call)) {
      return undefined;
    }
    const dot = before(call).lastIndexOf('.') + call.start - before(call).length;
    const after = /^\s*(?:;\s*(\w+)\s*)?\.\s*setAccessKeySecret\s*\(/.exec(text.slice(call.end + 1));
    if (!after) {
      return undefined;
    }
    const secretOpen = call.end + 1 + after[0].length - 1;
    const secretClose = code.pair.get(secretOpen);
    if (secretClose === undefined || !literal({ start: secretOpen, end: secretClose })) {
      return undefined;
    }
    const edits: TextEdit[] = [
      { offset: dot, length: call.end + 1 - dot, text: '.setCredential(new com.aliyun.credentials.Client())' },
    ];
    if (after[1]) {
      // Statement form: `config.setAccessKeySecret("…");` goes with its line.
      const semi = /^\s*;/.exec(text.slice(secretClose + 1));
      if (!semi) {
        return undefined;
      }
      const from = text.indexOf(';', call.end) + 1;
      edits.push({ offset: from, length: secretClose + 1 + semi[0].length - from, text: '' });
    } else {
      edits.push({ offset: call.end + 1, length: secretClose + 1 - (call.end + 1), text: '' });
    }
    return edits;
  }

  // go
  if (!obj) {
    return undefined;
  }
  const stmt = lineStart(text, obj.start);
  const ind = indentAt(text, obj.start);
  // Statements go inside a function: a package-level literal has nowhere to put them.
  if (!ind || hasDeclaration(text, /\bcredential\s*(?:,\s*\w+\s*)?:=/)) {
    return undefined;
  }
  const swapped = swapProperties(code, obj, offset, 'AccessKeyId', 'AccessKeySecret', () => 'Credential: credential');
  if (!swapped) {
    return undefined;
  }
  const edits: Array<TextEdit | Insert> = [
    ...swapped,
    {
      offset: stmt,
      length: 0,
      order: 2,
      // credentials-go reads ALIBABA_CLOUD_IMDSV1_DISABLED when the chain builds its ECS RAM role
      // provider (providers/ecs_ram_role.go, Build): set it first, unless the environment says otherwise.
      text: `${ind}// The default credential chain: the instance role on ECS, refreshed by credentials-go,\n${ind}// through a metadata token only (no fallback to IMDSv1).\n${ind}if os.Getenv("ALIBABA_CLOUD_IMDSV1_DISABLED") == "" {\n${ind}\tos.Setenv("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")\n${ind}}\n${ind}credential, err := credentials.NewCredential(nil)\n${ind}if err != nil {\n${ind}\tpanic(err)\n${ind}}\n`,
    } as Insert,
  ];
  const needed = ['"github.com/aliyun/credentials-go/credentials"', '"os"'].filter(
    (path) => !new RegExp(`^\\s*(?:import\\s+)?${path.replace(/[./]/g, '\\$&')}\\s*$`, 'm').test(text),
  );
  if (needed.length) {
    const block = /^import\s*\(\n/m.exec(text);
    const at = block
      ? block.index + block[0].length
      : afterLeadingImports(
          code,
          (l) => /^(?:package|import)\s/.test(l),
          (l) => /^\s*(?:\/\/|$)/.test(l),
        );
    edits.push({
      offset: at,
      length: 0,
      order: 0,
      text: needed.map((path) => (block ? `\t${path}\n` : `import ${path}\n`)).join(''),
    } as Insert);
  }
  return edits;
}

/**
 * Applies non-overlapping edits as VS Code does (and LSP specifies): inserts at one offset appear
 * in the order given. Tests and previews.
 */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = '';
  let at = 0;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset - b.e.offset || a.i - b.i);
  for (const { e } of sorted) {
    out += text.slice(at, e.offset) + e.text;
    at = Math.max(at, e.offset + e.length);
  }
  return out + text.slice(at);
}
