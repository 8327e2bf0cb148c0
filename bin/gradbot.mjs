#!/usr/bin/env node
// The package's bin: registers tsx so the TypeScript sources run as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/entry.ts');
await main(process.argv.slice(2));
