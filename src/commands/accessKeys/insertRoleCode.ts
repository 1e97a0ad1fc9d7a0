/**
 * "Insert Code That Uses the Instance Role": the documented list-10-objects example in the active
 * editor's language (Python, Node.js/TypeScript, Java, Go) with credentials from the instance role.
 * From a bucket node: its bucket and region; otherwise the bucket is picked. The endpoint is the
 * region's internal one: the code runs on an ECS instance. Args: { bucket?, region?, roleName?, language? }.
 */
import * as vscode from 'vscode';
import { internalOssEndpoint, roleSnippet, snippetLanguageOf, type SnippetLanguage } from '../../setup/roleSnippets';
import { pickBucket } from '../../ui/wizard/pickers';
import { OssBucketNode } from '../../views/ossView';
import { is, defineCommand } from '../command';
import { showNotice } from '../../ui/prompt';

export const INSERT_ROLE_CODE = 'alibabaCloud.insertRoleCode';

const LANGUAGES: Array<{ label: string; language: SnippetLanguage }> = [
  { label: 'Python', language: 'python' },
  { label: 'Node.js (JavaScript)', language: 'javascript' },
  { label: 'TypeScript', language: 'typescript' },
  { label: 'Java', language: 'java' },
  { label: 'Go', language: 'go' },
];

export const insertRoleCode = defineCommand({
  id: 'alibabaCloud.insertRoleCode',
  node: [OssBucketNode],
  args: {
    bucket: is.string,
    region: is.string,
    roleName: is.string,
    language: is.oneOf<SnippetLanguage>('python', 'javascript', 'typescript', 'java', 'go'),
  },
  run: async (s, { node, args: a }) => {
    const title = vscode.l10n.t('Insert Code That Uses the Instance Role');
    let bucket = a.bucket;
    let region = a.region;
    if (node) {
      bucket = node.info.name;
      region = node.info.region;
    }
    if (!bucket || !region) {
      const { cloud } = await s.cloud();
      bucket ??= await pickBucket(s.prompt, cloud, title);
      region ??= await cloud.oss.getBucketRegion(bucket);
    }
    const editor = vscode.window.activeTextEditor;
    const language =
      a.language ??
      (editor && snippetLanguageOf(editor.document.languageId)) ??
      (await s.prompt.pick(LANGUAGES, { title, placeHolder: vscode.l10n.t('Which language?') })).language;
    const snippet = roleSnippet(language, {
      bucket,
      region,
      endpoint: internalOssEndpoint(region),
      roleName: a.roleName,
    });
    const target =
      editor && snippetLanguageOf(editor.document.languageId) === language
        ? editor
        : await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language, content: '' }));
    await target.edit((e) => e.insert(target.selection.active, snippet.code));
    void showNotice(
      'info',
      vscode.l10n.t('Inserted code for bucket {0} ({1}). Install: {2}', bucket, region, snippet.install),
    );
    return { language, bucket, region, packages: snippet.packages };
  },
});
