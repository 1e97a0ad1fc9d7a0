// The zh-cn translation as the real VS Code host sees the installed extension. The offline VS Code
// server has no Chinese language pack, so the display language cannot switch (the server resolves
// any locale without a pack to "en"); these tests prove, inside the host, what VS Code would load.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CloudError } from '../../../src/cloud/errors';
import { setTranslator } from '../../../src/cloud/l10n';
import { ourExtension } from './helpers';
import type { HostTest } from './runner';

async function readJson(uri: vscode.Uri): Promise<Record<string, string>> {
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
}

export const l10nTests: HostTest[] = [
  {
    name: 'vscode.l10n serves the English bundle in this English host, and the zh-cn bundle sits where it looks',
    async run() {
      const ext = ourExtension();
      // VS Code loads <l10n>/bundle.l10n.<language>.json for a non-English display language.
      assert.equal(ext.packageJSON.l10n, './l10n');
      assert.equal(vscode.env.language, 'en');
      assert.equal(vscode.l10n.uri, undefined, 'English needs no bundle: the message is the key');
      const dir = vscode.Uri.joinPath(ext.extensionUri, 'l10n');
      const en = await readJson(vscode.Uri.joinPath(dir, 'bundle.l10n.json'));
      const zh = await readJson(vscode.Uri.joinPath(dir, 'bundle.l10n.zh-cn.json'));
      assert.deepEqual(
        Object.keys(en).filter((k) => typeof zh[k] !== 'string' || !zh[k]),
        [],
      );
      // The keys vscode.l10n.t looks up are the messages the code passes: one with and one without args.
      assert.equal(vscode.l10n.t('The RAM role does not exist.'), 'The RAM role does not exist.');
      assert.equal(zh['The RAM role does not exist.'], '该 RAM 角色不存在。');
      assert.equal(vscode.l10n.t('Region: {0}', 'cn-hangzhou'), 'Region: cn-hangzhou');
      assert.equal(zh['Region: {0}'], '地域：{0}');
    },
  },
  {
    name: 'the manifest and walkthrough translations are shipped where VS Code looks for them',
    async run() {
      const ext = ourExtension();
      const nls = await readJson(vscode.Uri.joinPath(ext.extensionUri, 'package.nls.json'));
      const nlsZh = await readJson(vscode.Uri.joinPath(ext.extensionUri, 'package.nls.zh-cn.json'));
      assert.deepEqual(
        Object.keys(nls).filter((k) => !nlsZh[k]),
        [],
      );
      // The getting-started page tries <page>.nls.<locale>.md next to each step's markdown.
      for (const w of ext.packageJSON.contributes.walkthroughs) {
        for (const step of w.steps) {
          const zh = vscode.Uri.joinPath(ext.extensionUri, step.media.markdown.replace(/\.md$/, '.nls.zh-cn.md'));
          assert.ok((await vscode.workspace.fs.stat(zh)).size > 0, zh.path);
        }
      }
    },
  },
  {
    name: 'error explanations from the vscode-free layer come out in Chinese through the translator seam',
    async run() {
      const ext = ourExtension();
      const zh = await readJson(vscode.Uri.joinPath(ext.extensionUri, 'l10n', 'bundle.l10n.zh-cn.json'));
      // What the seam does with vscode.l10n.t in a zh-cn host: look the English message up, fill {n}.
      setTranslator((m, ...args) => (zh[m] ?? m).replace(/\{(\d+)\}/g, (s, i: string) => String(args[Number(i)] ?? s)));
      try {
        const e = new CloudError({
          code: 'InvalidRamRole.NotEcsRole',
          service: 'ecs',
          message: 'role is not trusted by ecs',
        });
        assert.equal(e.explanation, '该角色不信任 ECS 服务，因此不能授予实例。');
        assert.equal(e.fix, '编辑该角色的信任策略，允许服务 “ecs.aliyuncs.com”。');
      } finally {
        setTranslator((m, ...args) => vscode.l10n.t(m, ...args));
      }
    },
  },
];
