/** What nodes and commands need, passed in rather than imported as singletons. */
import type * as vscode from 'vscode';
import type { TreeNode } from './node';
import type { Cloud } from '../cloud';
import type { Log } from '../ui/log';
import type { Prompter } from '../ui/prompt';
import type { ProfileEntry, ProfileStore } from '../ui/profiles';

export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  profiles: ProfileStore;
  prompt: Prompter;
  /** The active profile's cloud, or an error telling the user to add a profile. */
  cloud(): Promise<{ entry: ProfileEntry; cloud: Cloud }>;
  /** Reloads a subtree (or the whole view). */
  refresh(view: ViewId, node?: TreeNode, reload?: boolean): void;
}

export type ViewId = 'identity' | 'ram' | 'ecs' | 'oss';
