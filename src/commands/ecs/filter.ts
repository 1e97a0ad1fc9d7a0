/** Filter the ECS view by name, id, tag or status, and clear it. */
import * as vscode from 'vscode';
import { defineCommand, is } from '../command';

export const ecsFilterInstances = defineCommand({
  id: 'alibabaCloud.ecs.filter',
  args: { filter: is.string },
  run: async (s, input) => {
    const a = input.args;
    const filter =
      a.filter ??
      (await s.prompt.input({
        title: vscode.l10n.t('Filter Instances'),
        value: s.filters.get('ecs') ?? '',
        prompt: vscode.l10n.t(
          'Name, id, status or tag; tag:key=value or status:Stopped match exactly. Leave empty to show everything.',
        ),
        placeHolder: vscode.l10n.t('web tag:env=prod status:Running'),
      }));
    await s.filters.set('ecs', filter);
    return s.filters.get('ecs');
  },
});

export const ecsClearFilter = defineCommand({
  id: 'alibabaCloud.ecs.clearFilter',
  run: async (s) => {
    await s.filters.set('ecs', undefined);
    return undefined;
  },
});
