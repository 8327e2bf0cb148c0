import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { workedExample } from '../../src/engine/index.ts';
import { parseExplode } from '../../src/params/index.ts';
import { exampleImage, explodeImages } from '../../src/render/index.ts';

/**
 * For speed work on the renderer: a fingerprint of the decoded pixels (not
 * the PNG bytes, which change with the compression settings) of a spread of
 * runs. Record before a change, check after it:
 *
 *   node --import tsx scripts/bench/pixels.ts record /tmp/before.json
 *   node --import tsx scripts/bench/pixels.ts check /tmp/before.json
 */
const RUNS = [
  'w=500 lr=0.01',
  'w=510 lr=0.0101',
  'w=1',
  'w=0.5 steps=100',
  'b=0.3',
  'act=tanh w=1.5 depth=6',
  'act=relu depth=8 clip=1',
  'act=linear',
  'act=linear w=1e308',
  'act=linear x=1e308 w=1e308 w2=0',
  'depth=50',
  'steps=1000',
  'depth=50 steps=1000 act=tanh w=1.5',
  'w=0 b=0 x=0 y=0 act=linear',
  'w=1e-300',
  'act=relu depth=4 w=2 w3=-1',
  'act=tanh w=-3 lr=5 depth=5',
  'w=2 lr=0.5 x=-3 y=0.25',
];
const EXAMPLES: [number[], number, number][] = [
  [[150, 100, 125, 50], 500, 0.01],
  [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 3, 0.1],
  [[1e200, 1e200], 1, 1],
  [[0.25, 0.25], 2, 0.5],
];

function pixels(png: Buffer): string {
  const img = PNG.sync.read(png);
  return `${img.width}x${img.height}:${createHash('sha256').update(img.data).digest('hex').slice(0, 16)}`;
}

function fingerprints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of RUNS) {
    const parsed = parseExplode({ text });
    if (!parsed.ok) throw new Error(parsed.message);
    const { breakdown, chart } = explodeImages(parsed.spec);
    out[`${text} breakdown`] = pixels(breakdown.png);
    out[`${text} chart`] = pixels(chart.png);
  }
  for (const [factors, w, lr] of EXAMPLES) out[`example ${factors.join(',')} w=${w} lr=${lr}`] = pixels(exampleImage(workedExample(factors, w, lr)).png);
  return out;
}

const [cmd, file] = process.argv.slice(2);
if ((cmd !== 'record' && cmd !== 'check') || !file) {
  process.stderr.write('usage: pixels.ts record|check FILE\n');
  process.exit(2);
}
const now = fingerprints();
if (cmd === 'record') {
  writeFileSync(file, JSON.stringify(now, null, 2));
  process.stdout.write(`recorded ${Object.keys(now).length} pictures\n`);
} else {
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const differ = Object.keys(before).filter((k) => before[k] !== now[k]);
  for (const k of differ) process.stdout.write(`differs: ${k}\n`);
  process.stdout.write(`${Object.keys(before).length - differ.length} of ${Object.keys(before).length} pictures pixel-identical\n`);
  process.exitCode = differ.length > 0 ? 1 : 0;
}
