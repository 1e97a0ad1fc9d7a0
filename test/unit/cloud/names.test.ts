import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceLabel } from '../../../src/cloud/names';

describe('instanceLabel', () => {
  it('names an instance by its name and id, or by its id alone', () => {
    assert.equal(instanceLabel({ instanceId: 'i-1', instanceName: 'web' }), 'web (i-1)');
    assert.equal(instanceLabel({ instanceId: 'i-1', instanceName: '' }), 'i-1');
    assert.equal(instanceLabel({ instanceId: 'i-1' }), 'i-1');
    assert.equal(instanceLabel({ instanceId: 'i-1', instanceName: 'i-1' }), 'i-1');
  });
});
