import { exampleSchema, explodeSchema, LAYERS_PRESETS, layersSchema, usageLines } from '../params/index.ts';

export function cliHelp(): string {
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`).join('\n');
  return `gradbot: see why gradients explode and vanish

usage:
  gradbot explode [key=value ...] [--json] [--out DIR]
      simulate the lecture's chain of neurons and print the chain-rule breakdown
${indent(usageLines(explodeSchema))}
  gradbot layers [key=value ...] [--json] [--out DIR]
      a deep, wide network layer by layer: per-layer gain and gradient, saturation, training, a verdict
${indent(usageLines(layersSchema))}
    presets:
${indent(Object.entries(LAYERS_PRESETS).map(([name, p]) => `  preset=${name}: ${p.about}`))}
  gradbot example [factors=150,100,125,50 w=500 lr=0.01] [--json] [--out DIR]
      the lecture's worked example with the given factors
${indent(usageLines(exampleSchema))}
  gradbot quiz [key=value ...] [--seed N] [--topic T] [--kind K] [--json]
      one quiz question about that run (or, with --topic, from the concept bank); same seed, same question
  gradbot doctor
      check this machine and the environment (canvas, fonts, render pool, database, tokens); exit 1 names each problem and its fix
  gradbot migrate-store --from sqlite:PATH --to postgres://user:password@host:5432/db
      copy the quizzes, answers, scores, reviews, class settings, Slack installations (tokens stay sealed: keep the same GRADBOT_SECRET_KEY), TAs and spent OAuth states of a SQLite store into PostgreSQL (safe to run twice)
  gradbot help

Bad input exits with status 2 and a one-line message naming the key.`;
}
