// A display language for the e2e server without a Marketplace: code-server ships no language pack, and
// without one the server resolves every locale to English (vscode.env.language stays "en", so no
// package.nls.<lang>.json or l10n bundle of ours is ever loaded). This builds a tiny language-pack
// extension at test time (never shipped in our VSIX) whose core translations are empty, so the
// workbench's own strings stay English while every extension sees the locale.
//
// How the server picks the language (server-main.js of VS Code 1.139, webClientServer): the locale is
// `--locale`, else argv.json's "locale", else the `vscode.nls.locale` cookie, else Accept-Language.
// It then looks the locale up in <user-data-dir>/languagepacks.json; only with an entry there does it
// write nls.messages.js with `_VSCODE_NLS_LANGUAGE = "<locale>"`, which becomes the workbench's
// language and the extension host's vscode.env.language. The desktop app writes languagepacks.json
// when a language pack is installed; the server's CLI (`--install-extension`) does not, so we write
// the same entry ourselves.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from './paths.mjs';
import { installVsix } from './server.mjs';

const LANGUAGES = {
  'zh-cn': { languageName: 'Chinese Simplified', localizedLanguageName: '中文(简体)' },
};

/** Zips { "path/in/zip": string } into a .vsix (a VSIX is a zip with the extension under extension/). */
export async function writeVsix(file, entries) {
  const yazl = createRequire(path.join(REPO, 'package.json'))('yazl');
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text, 'utf8'), name);
  zip.end();
  await new Promise((resolve, reject) =>
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject),
  );
}

/**
 * Installs a stub language pack for `locale` into `extensionsDir` and registers it in
 * <userDataDir>/languagepacks.json. Start the server with `locale` afterwards. ~1 s.
 */
export async function installLanguagePack(tools, { locale, userDataDir, extensionsDir }) {
  const lang = LANGUAGES[locale];
  if (!lang) throw new Error(`no stub language pack for ${locale} (known: ${Object.keys(LANGUAGES).join(', ')})`);
  const manifest = {
    name: `e2e-language-pack-${locale}`,
    publisher: 'e2e',
    version: '0.0.1',
    engines: { vscode: '^1.80.0' },
    contributes: {
      localizations: [
        { languageId: locale, ...lang, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
      ],
    },
  };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-langpack-'));
  try {
    const vsix = path.join(tmp, `${manifest.name}.vsix`);
    await writeVsix(vsix, {
      'extension/package.json': JSON.stringify(manifest, null, 2),
      'extension/translations/main.i18n.json': JSON.stringify({ version: '1.0.0', contents: {} }),
    });
    installVsix(tools, vsix, extensionsDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const id = `${manifest.publisher}.${manifest.name}`;
  const installed = path.join(extensionsDir, `${id}-${manifest.version}`);
  const translations = path.join(installed, 'translations', 'main.i18n.json');
  if (!fs.existsSync(translations))
    throw new Error(`the language pack was not installed where expected: ${translations} is missing`);
  // The entry VS Code's LanguagePacksCache writes: the hash names the translation cache folder (clp/).
  const hash = crypto.createHash('md5').update(id).update(manifest.version).digest('hex');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'languagepacks.json'),
    JSON.stringify({
      [locale]: {
        hash,
        extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
        translations: { vscode: translations },
        label: lang.localizedLanguageName,
      },
    }),
  );
  return { id, dir: installed };
}
