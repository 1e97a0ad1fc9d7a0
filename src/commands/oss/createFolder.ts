/** Creates a folder (the zero-byte "name/" object the OSS console creates) in a bucket or folder. */
import * as vscode from 'vscode';
import { CloudError } from '../../cloud/errors';
import { folderNameProblem } from '../../cloud/oss';
import { formatOssUri } from '../../cloud/ossLocation';
import { defineCommand, is } from '../command';
import { cloudFor, OSS_ROWS, ossUriArgs, refreshOss, resolveFolder } from './targets';

export const ossCreateFolder = defineCommand({
  id: 'alibabaCloud.oss.createFolder',
  node: OSS_ROWS,
  args: { ...ossUriArgs, name: is.string },
  run: async (s, input) => {
    const a = input.args;
    const parent = await resolveFolder(s, input, vscode.l10n.t('Create Folder'));
    const name =
      a.name ??
      (await s.prompt.input({
        title: vscode.l10n.t('Create Folder in {0}', formatOssUri(parent)),
        prompt: vscode.l10n.t('Folder name ("a/b" creates nested folders)'),
        validateInput: (v) => folderNameProblem(parent.key, v),
      }));
    // A name from args gets the same rules as a typed one, before any call.
    const problem = folderNameProblem(parent.key, name);
    if (problem) {
      throw new CloudError({
        code: 'InvalidObjectName',
        service: 'oss',
        action: 'oss:PutObject',
        message: problem,
        retryable: false,
      });
    }
    const key = `${parent.key}${name.trim().replace(/\/+$/, '')}/`;
    const { cloud, region } = await cloudFor(s, parent);
    try {
      await cloud.oss.createFolder(parent.bucket, region, key);
    } finally {
      refreshOss(s, [parent.node]);
    }
    return formatOssUri({ bucket: parent.bucket, key });
  },
});
