import { z } from 'zod';
import { ACTIVATIONS } from '../engine/activations.ts';
import { LECTURE_DEFAULTS, LECTURE_EXAMPLE } from '../engine/index.ts';

/**
 * The single source of truth for every command's parameters: names, types,
 * ranges, defaults and help text. Discord options, Slack usage, /help and the
 * CLI help are all generated from these schemas (see describe.ts).
 */
export const MAX_DEPTH = 50;
export const MAX_STEPS = 1000;

export const explodeSchema = z.object({
  w: z.number().default(LECTURE_DEFAULTS.w).describe('initial weight of every layer (w1=, w2=… set one layer)').meta({ example: '500' }),
  b: z
    .union([z.number(), z.literal('centered')])
    .optional()
    .describe("bias of every layer, or centered (each z=0, where phi' peaks); b1=… sets one layer")
    .meta({
      example: 'centered',
      // For /help and the CLI only: Discord's option descriptions stop at 100 characters.
      defaultNote:
        "default centered for sigmoid and tanh: each neuron starts at z = 0, where phi' peaks, so a link is exactly the lecture's bound peak·|w| (0.25·w for sigmoid); 0 for relu and linear, where phi' is the same for every z > 0",
    }),
  lr: z.number().gt(0).default(LECTURE_DEFAULTS.lr).describe('learning rate').meta({ example: '0.01' }),
  depth: z.number().int().min(1).max(MAX_DEPTH).default(LECTURE_DEFAULTS.depth).describe('number of layers in the chain').meta({ example: '3' }),
  act: z.enum(ACTIVATIONS).default(LECTURE_DEFAULTS.act).describe('activation of every layer').meta({ example: 'sigmoid' }),
  x: z.number().default(LECTURE_DEFAULTS.x).describe('the input').meta({ example: '1' }),
  y: z.number().default(LECTURE_DEFAULTS.y).describe('the target').meta({ example: '1' }),
  steps: z.number().int().min(1).max(MAX_STEPS).default(LECTURE_DEFAULTS.steps).describe('gradient-descent steps').meta({ example: '30' }),
  clip: z.number().gt(0).optional().describe('clip the global gradient norm to this (off by default)').meta({ example: '5' }),
});
export type ExplodeInput = z.infer<typeof explodeSchema>;

export const exampleSchema = z.object({
  factors: z
    .array(z.number())
    .min(1)
    .max(12)
    .default([...LECTURE_EXAMPLE.factors])
    .describe('the chain-rule factors, comma-separated, outermost first')
    .meta({ example: '150,100,125,50' }),
  w: z.number().default(LECTURE_EXAMPLE.w).describe('the weight before the update').meta({ example: '500' }),
  lr: z.number().gt(0).default(LECTURE_EXAMPLE.lr).describe('learning rate').meta({ example: '0.01' }),
});
export type ExampleInput = z.infer<typeof exampleSchema>;

/** Keys that may carry a layer number (w2=-3, b1=0.5) in the explode language. */
export const EXPLODE_LAYER_KEYS = ['w', 'b'] as const;
