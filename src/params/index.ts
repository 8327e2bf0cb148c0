export * from './schemas.ts';
export * from './describe.ts';
export * from './parse.ts';
export * from './explode.ts';
export * from './tokenize.ts';
export * from './suggest.ts';
export * from './layers.ts';
