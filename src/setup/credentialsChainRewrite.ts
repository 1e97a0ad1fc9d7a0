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
 * Returns text edits (offset, length, text) over the original text, or undefined when the code
 * around the key is none of these (the action is then not offered). No `vscode` here.
 */

export interface TextEdit { offset: number; length: number; text: string }
export type ChainLanguage = 'python' | 'javascript' | 'typescript' | 'java' | 'go';

export function chainLanguageOf(languageId: string): ChainLanguage | undefined {
  if (languageId === 'javascriptreact') { return 'javascript'; }
  if (languageId === 'typescriptreact') { return 'typescript'; }
  return (['python', 'javascript', 'typescript', 'java', 'go'] as const).find((l) => l === languageId);
}

/** The innermost `(`…`)` or `{`…`}` around `offset` (strings are not parsed: keys never contain brackets). */
function enclosing(text: string, offset: number, open: '(' | '{'): { start: number; end: number } | undefined {
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let start = -1;
  for (let i = offset; i >= 0; i--) {
    const c = text[i];
    if (c === close && i !== offset) { depth++; } else if (c === open) {
      if (depth === 0) { start = i; break; }
      depth--;
    }
  }
  if (start < 0) { return undefined; }
  depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) { depth++; } else if (text[i] === close && --depth === 0) { return { start, end: i + 1 }; }
  }
  return undefined;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentAt = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];

/** Where an import goes: after the last import-ish line at the top (or the start). */
function importOffset(text: string, re: RegExp): number {
  let at = 0;
  for (const m of text.matchAll(re)) { at = m.index! + m[0].length; }
  return at;
}

/** Removes a keyword/property `name <sep> value` (with its comma) inside a span; undefined if absent. */
function propertyEdit(text: string, span: { start: number; end: number }, name: RegExp): TextEdit | undefined {
  const inner = text.slice(span.start, span.end);
  const m = new RegExp(`(\\n[ \\t]*)?${name.source}\\s*[:=]\\s*(?:tea\\.String\\()?["'\`][^"'\`\\n]*["'\`]\\)?\\s*,?`, 'i').exec(inner);
  return m ? { offset: span.start + m.index, length: m[0].length, text: '' } : undefined;
}

function hasImport(text: string, what: string): boolean { return text.includes(what); }

export function credentialsChainEdits(languageId: string, text: string, offset: number): TextEdit[] | undefined {
  const lang = chainLanguageOf(languageId);
  if (!lang) { return undefined; }
  const call = enclosing(text, offset, '(');
  const obj = enclosing(text, offset, '{');
  const before = (s: { start: number }) => text.slice(Math.max(0, s.start - 40), s.start);

  if (lang === 'python') {
    if (call && /oss2\.Auth(?:V2|V4)?\s*$/.test(before(call))) {
      const head = /oss2\.Auth(?:V2|V4)?\s*$/.exec(before(call))!;
      const start = call.start - head[0].length;
      const edits: TextEdit[] = [{ offset: start, length: call.end - start, text: 'oss2.ProviderAuth(CredentialProviderWrapper(CredentialClient()))' }];
      if (!hasImport(text, 'class CredentialProviderWrapper')) {
        const at = importOffset(text, /^(?:import|from)\s[^\n]*\n/gm);
        edits.push({ offset: at, length: 0, text: [
          '', 'from alibabacloud_credentials.client import Client as CredentialClient', 'from oss2 import CredentialsProvider', 'from oss2.credentials import Credentials', '', '',
          'class CredentialProviderWrapper(CredentialsProvider):',
          '    """oss2 credentials from the Alibaba Cloud default credential chain (the instance role on ECS)."""',
          '', '    def __init__(self, client):', '        self.client = client', '',
          '    def get_credentials(self):',
          '        c = self.client.get_credential()',
          '        return Credentials(c.access_key_id, c.access_key_secret, c.security_token)', '', '',
        ].join('\n') });
      }
      return edits;
    }
    if (call) {
      const id = propertyEdit(text, call, /access_key_id/);
      const secret = propertyEdit(text, call, /access_key_secret/);
      if (id && secret) {
        const indent = id.text === '' && text[id.offset] === '\n' ? /\n([ \t]*)/.exec(text.slice(id.offset))![1] : ' ';
        const edits = [{ ...id, text: `${text[id.offset] === '\n' ? `\n${indent}` : ''}credential=CredentialClient(),` }, secret];
        if (!hasImport(text, 'import Client as CredentialClient')) {
          edits.push({ offset: importOffset(text, /^(?:import|from)\s[^\n]*\n/gm), length: 0, text: 'from alibabacloud_credentials.client import Client as CredentialClient\n' });
        }
        return edits.sort((a, b) => a.offset - b.offset);
      }
    }
    return undefined;
  }

  if (lang === 'javascript' || lang === 'typescript') {
    if (!obj) { return undefined; }
    const id = propertyEdit(text, obj, /accessKeyId/);
    const secret = propertyEdit(text, obj, /accessKeySecret/);
    if (!id || !secret) { return undefined; }
    const nl = text[id.offset] === '\n';
    const indent = nl ? /\n([ \t]*)/.exec(text.slice(id.offset))![1] : indentAt(text, obj.start) + '  ';
    const edits: TextEdit[] = [];
    if (/new\s+OSS\s*\(\s*$/.test(before(obj))) {
      edits.push({ ...id, text: [
        '', `// Placeholders: refreshSTSToken supplies the chain's credentials before every request.`,
        `accessKeyId: 'chain', accessKeySecret: 'chain', stsToken: 'chain',`,
        'refreshSTSTokenInterval: 0,',
        'refreshSTSToken: async () => {',
        '  const c = await credential.getCredential();',
        '  return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: c.securityToken };',
        '},',
      ].join(`\n${indent}`) + (nl ? '' : '\n') });
      // The credential client lives as long as the OSS client: declared just before its statement.
      const stmt = lineStart(text, obj.start);
      edits.push({ offset: stmt, length: 0, text: `${indentAt(text, obj.start)}const credential = new Credential(); // default chain: the instance role on ECS\n` });
    } else {
      edits.push({ ...id, text: `${nl ? `\n${indent}` : ''}credential: new Credential(),` });
    }
    edits.push(secret);
    if (!/\bCredential\b.*@alicloud\/credentials/.test(text)) {
      const line = lang === 'typescript' || /^import\s/m.test(text)
        ? "import Credential from '@alicloud/credentials';\n"
        : "const Credential = require('@alicloud/credentials').default;\n";
      edits.push({ offset: importOffset(text, /^(?:import\s[^\n]*|(?:const|let|var)\s+[^\n]*require\([^\n]*\)[^\n]*)\n/gm), length: 0, text: line });
    }
    return edits.sort((a, b) => a.offset - b.offset);
  }

  if (lang === 'java') {
    if (call && /OSSClientBuilder\(\)\s*\.build\s*$/.test(before(call))) {
      const args = text.slice(call.start + 1, call.end - 1);
      const endpoint = args.split(',')[0].trim();
      return [{ offset: call.start, length: call.end - call.start, text: `(${endpoint}, new com.aliyun.oss.common.auth.CredentialsProvider() {
            // The default credential chain (the instance role on ECS), refreshed by credentials-java.
            private final com.aliyun.credentials.Client chain = new com.aliyun.credentials.Client();
            @Override public void setCredentials(com.aliyun.oss.common.auth.Credentials credentials) { }
            @Override public com.aliyun.oss.common.auth.Credentials getCredentials() {
                com.aliyun.credentials.models.CredentialModel c = chain.getCredential();
                return new com.aliyun.oss.common.auth.DefaultCredentials(c.getAccessKeyId(), c.getAccessKeySecret(), c.getSecurityToken());
            }
        })` }];
    }
    const setId = /(\n[ \t]*)?(\w+)?\s*\.setAccessKeyId\(\s*"[^"\n]*"\s*\)[ \t]*;?/.exec(text.slice(Math.max(0, offset - 200), offset + 100));
    const setSecret = /(\n[ \t]*)?(\w+)?\s*\.setAccessKeySecret\(\s*"[^"\n]*"\s*\)[ \t]*;?/.exec(text.slice(Math.max(0, offset - 200), offset + 400));
    if (setId && setSecret) {
      const base = Math.max(0, offset - 200);
      const sid = { offset: base + setId.index, length: setId[0].length };
      const ssec = { offset: base + setSecret.index, length: setSecret[0].length };
      const rewritten = setId[0].replace(/\.setAccessKeyId\(\s*"[^"\n]*"\s*\)/, '.setCredential(new com.aliyun.credentials.Client())');
      // Statement form (config.setAccessKeySecret("…");) goes with its line; chained form with its call.
      return [{ ...sid, text: rewritten }, { ...ssec, text: setSecret[0].endsWith(';') && !setId[0].endsWith(';') ? ';' : '' }].sort((a, b) => a.offset - b.offset);
    }
    return undefined;
  }

  // go
  if (!obj) { return undefined; }
  const id = propertyEdit(text, obj, /AccessKeyId/);
  const secret = propertyEdit(text, obj, /AccessKeySecret/);
  if (!id || !secret) { return undefined; }
  const nl = text[id.offset] === '\n';
  const indent = nl ? /\n([ \t]*)/.exec(text.slice(id.offset))![1] : ' ';
  const stmt = lineStart(text, obj.start);
  const ind = indentAt(text, obj.start);
  const edits: TextEdit[] = [
    { offset: stmt, length: 0, text: `${ind}// The default credential chain: the instance role on ECS, refreshed by credentials-go.\n${ind}credential, err := credentials.NewCredential(nil)\n${ind}if err != nil {\n${ind}\tpanic(err)\n${ind}}\n` },
    { ...id, text: `${nl ? `\n${indent}` : ''}Credential: credential,` },
    secret,
  ];
  if (!text.includes('"github.com/aliyun/credentials-go/credentials"')) {
    const block = /^import\s*\(\n/m.exec(text);
    edits.push(block
      ? { offset: block.index + block[0].length, length: 0, text: '\t"github.com/aliyun/credentials-go/credentials"\n' }
      : { offset: importOffset(text, /^(?:package\s[^\n]*|import\s[^\n]*)\n/gm), length: 0, text: 'import "github.com/aliyun/credentials-go/credentials"\n' });
  }
  return edits.sort((a, b) => a.offset - b.offset);
}

/** Applies non-overlapping edits (tests, and previews). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) { out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length); }
  return out;
}
