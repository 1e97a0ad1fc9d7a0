/** Properties documents (instances, objects): read-only, see ui/readOnlyDocument. */
import type * as vscode from 'vscode';
import { READ_ONLY_SCHEME } from '../ui/readOnlyDocument';
import type { Services } from '../services/services';

export const PROPERTIES_SCHEME = READ_ONLY_SCHEME;

/** Opens (or refreshes) the read-only document `path` (e.g. `/ecs/cn-hangzhou/i-….md`). */
export async function showPropertiesDocument(s: Services, path: string, text: string): Promise<vscode.TextDocument> {
  return s.readOnly.showRendered(path, text);
}
