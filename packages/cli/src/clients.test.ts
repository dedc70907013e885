import { describe, expect, it } from 'vitest';
import { partitionOf } from './clients.js';

describe('partitionOf', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    // The partitions a prefix table got wrong (all became `aws`).
    ['eusc-de-east-1', 'aws-eusc'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['us-isof-east-1', 'aws-iso-f'],
    ['eu-isoe-west-1', 'aws-iso-e'],
  ])('%s is in %s', (region, expected) => {
    expect(partitionOf(region)).toBe(expected);
  });

  it('places a Region not yet in the table by its partition pattern', () => {
    expect(partitionOf('eusc-de-north-9')).toBe('aws-eusc');
    expect(partitionOf('us-isof-west-9')).toBe('aws-iso-f');
  });
});
