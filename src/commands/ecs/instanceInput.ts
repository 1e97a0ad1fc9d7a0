/** What an ECS command is told about the instance it works on: the clicked row, or args naming it. */
import type { InstanceNode } from '../../views/ecsView';
import { is, type Input } from '../command';

export const instanceArgs = { regionId: is.string, instanceId: is.string };

export type InstanceInput = Pick<Input<InstanceNode, { regionId?: string; instanceId?: string }>, 'node' | 'args'>;
