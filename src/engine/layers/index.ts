export * from './random.ts';
export * from './params.ts';
export * from './network.ts';
export * from './simulate.ts';
export * from './json.ts';
export * from './report.ts';
