import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { regionName } from '../../../src/cloud/regionNames';

describe('regionName', () => {
  it("gives the console's name in the UI language, nothing for an unknown region", () => {
    assert.equal(regionName('cn-hangzhou', 'en'), 'China (Hangzhou)');
    assert.equal(regionName('cn-hangzhou', 'zh-cn'), '华东1（杭州）');
    assert.equal(regionName('cn-shanghai', 'zh-CN'), '华东2（上海）');
    assert.equal(regionName('ap-southeast-1', 'de'), 'Singapore');
    assert.equal(regionName('cn-nowhere-9', 'en'), undefined);
  });
});
