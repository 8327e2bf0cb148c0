import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ALLOCATOR_ENV } from '../../src/ops/allocator.ts';

const root = new URL('../../', import.meta.url).pathname;
const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
const setup = readFileSync(`${root}scripts/setup.sh`, 'utf8');
// Join continuation lines so each instruction is one line.
const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((l) => /^[A-Z]+\s/.test(l));

describe('Dockerfile (no Docker engine here, so it is checked statically)', () => {
  it('passes dockerfilelint', async () => {
    const { stdout } = await promisify(execFile)(`${root}node_modules/.bin/dockerfilelint`, ['Dockerfile'], { cwd: root });
    expect(stdout).toMatch(/Issues: None found/);
  });

  it('copies only files that exist in the checkout', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(3);
    for (const line of copies) {
      const parts = line.split(/\s+/).slice(1).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) expect(existsSync(`${root}${src}`), `${src} (from: ${line})`).toBe(true);
    }
  });

  it('installs the same build packages as scripts/setup.sh, then npm ci', () => {
    const setupPackages = /packages=\(([^)]*)\)/.exec(setup)![1]!.trim().split(/\s+/);
    const buildStage = dockerfile.split(/^FROM /m)[1]!;
    for (const p of setupPackages) expect(buildStage, p).toContain(p);
    expect(buildStage).toMatch(/npm ci/);
  });

  it('runs as a non-root user with a health check and a /data volume', () => {
    const runtime = dockerfile.split(/^FROM /m)[2]!;
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/HEALTHCHECK .*\/healthz/s);
    expect(runtime).toMatch(/VOLUME \["\/data"\]/);
    expect(runtime).toMatch(/DATABASE_URL=sqlite:\/data\//);
    expect(runtime).not.toMatch(/-dev\b/);
  });

  it('starts gradbot with the allocator setting npm start uses (src/ops/allocator.ts)', () => {
    const runtime = dockerfile.split(/^FROM /m)[2]!;
    const start = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts['start']!;
    for (const [name, value] of Object.entries(ALLOCATOR_ENV)) {
      expect(runtime).toMatch(new RegExp(`^ENV .*\\b${name}=${value}\\b`, 'm'));
      expect(start).toMatch(new RegExp(`^(\\S+=\\S+ )*${name}=${value} `));
    }
  });
});
