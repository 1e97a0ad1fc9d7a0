/**
 * A failed step of the set-up chain (instanceRole.ts). Its own small module because the error
 * funnel and the tree's error rows recognise it at activation, while the chain itself loads with
 * the commands, on first use.
 */
import { bundleMark } from '../cloud/bundleMark';
import type { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';

export type StepId =
  'createRole' | 'trustEcs' | 'createPolicy' | 'attachPolicy' | 'createInstance' | 'detachOldRole' | 'attachRole';

export interface PlanStep {
  id: StepId;
  title: string;
  /** done: already true, nothing to call; todo: will call the API. */
  state: 'done' | 'todo';
  detail: string;
}

/** In both bundles: `instanceof` answers by a shared mark (cloud/bundleMark.ts). */
const SETUP_ERROR = bundleMark('SetupError');

export class SetupError extends Error {
  static [Symbol.hasInstance](x: unknown): boolean {
    return SETUP_ERROR.has(x);
  }

  constructor(
    readonly step: PlanStep,
    readonly error: CloudError,
  ) {
    super(l10n.t('Step "{0}" failed: {1}', step.title, error.message));
    SETUP_ERROR.mark(this);
  }
}
