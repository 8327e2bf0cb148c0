import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { nodeIO } from '../../src/cli/node-io.ts';
import { pngSize } from '../../src/render/png-size.ts';
import { PNG_SIGNATURE } from './helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'gradbot-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function io(): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return { ...nodeIO, out: (l) => lines.push(l), err: (l) => lines.push(l), lines };
}

function png(path: string): Buffer {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(pngSize(bytes).width).toBe(1200);
  return bytes;
}

describe('gradbot --out DIR', () => {
  it('explode writes breakdown.png and chart.png into a new directory', async () => {
    const dir = join(root, 'nested', 'lecture');
    const cli = io();
    expect(await runCli(['explode', 'w=500', 'lr=0.01', '--out', dir], cli)).toBe(0);
    png(join(dir, 'breakdown.png'));
    png(join(dir, 'chart.png'));
    expect(cli.lines).toContain(`wrote ${join(dir, 'breakdown.png')}`);
    expect(cli.lines).toContain(`wrote ${join(dir, 'chart.png')}`);
  });

  it('example writes example.png', async () => {
    const dir = join(root, 'example');
    const cli = io();
    expect(await runCli(['example', 'factors=150,100,125,50', '--out', dir], cli)).toBe(0);
    png(join(dir, 'example.png'));
  });
});
