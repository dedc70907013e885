export * from './errors.js';
export * from './sizes.js';
export * from './types.js';
export * from './checksum.js';
