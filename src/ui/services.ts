/** What nodes and commands need, passed in rather than imported as singletons. */
import type * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { Log } from './log';
import type { Prompter } from './prompt';
import type { ProfileEntry, ProfileStore } from './profiles';

/** A tree node as the layers under the views see it: opaque, handed back to refresh. */
export interface ViewNode { readonly id: string }

export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  profiles: ProfileStore;
  prompt: Prompter;
  /** The active profile's cloud, or an error telling the user to add a profile. */
  cloud(): Promise<{ entry: ProfileEntry; cloud: Cloud }>;
  /** Reloads a subtree (or the whole view). */
  refresh(view: ViewId, node?: ViewNode, reload?: boolean): void;
}

export type ViewId = 'identity' | 'ram' | 'ecs' | 'oss';
