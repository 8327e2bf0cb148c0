// The worker thread's entry. Node 20 does not carry a parent's tsx loader
// (--import tsx, or register() as bin/gradbot.mjs does) into worker threads,
// so the worker registers tsx itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const { serve } = await import('./worker.ts');
serve();
