export * from './activations.ts';
export * from './network.ts';
export * from './init.ts';
export * from './simulate.ts';
export * from './example.ts';
export * from './verdict.ts';
export * from './baseline.ts';
export * from './json.ts';
