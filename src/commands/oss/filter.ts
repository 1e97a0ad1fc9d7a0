/** Shows only the entries of a bucket or folder whose names start with a prefix; empty clears it. */
import * as vscode from 'vscode';
import { formatOssUri } from '../../cloud/ossLocation';
import { filterOf, setFilter } from '../../views/ossView';
import { defineCommand, is } from '../command';
import { OSS_ROWS, ossUriArgs, refreshOss, resolveTargets } from './targets';

export const ossFilter = defineCommand({
  id: 'alibabaCloud.oss.filter',
  node: OSS_ROWS,
  args: { ...ossUriArgs, filter: is.string },
  run: async (s, input) => {
    const a = input.args;
    const [t] = await resolveTargets(s, input, 'prefix', vscode.l10n.t('Filter by Prefix'));
    const uri = formatOssUri(t);
    const filter =
      a.filter ??
      (await s.prompt.input({
        title: vscode.l10n.t('Filter {0}', uri),
        value: filterOf(s, uri) ?? '',
        prompt: vscode.l10n.t('Show only entries whose names start with this text. Leave empty to show everything.'),
        validateInput: (v) => (v.startsWith('/') ? vscode.l10n.t('Names do not start with "/".') : undefined),
      }));
    await setFilter(s, uri, filter || undefined);
    refreshOss(s, [t.node]);
    return filter || undefined;
  },
});
