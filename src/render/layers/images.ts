import { layersReport, type LayersParams, type LayersReport } from '../../engine/layers/index.ts';
import type { ReplyImage } from '../../reply.ts';
import { pngSize } from '../png-size.ts';
import { activationsAlt, renderActivationsPng } from './activations.ts';
import { gradientAlt, renderGradientPng } from './gradient.ts';
import { renderTrainingPng, trainingAlt } from './training.ts';

export const LAYERS_IMAGE_NAMES = ['gradient.png', 'activations.png', 'training.png'] as const;

function image(name: string, png: Buffer, alt: string): ReplyImage {
  return { name, png, alt, ...pngSize(png) };
}

/** The three pictures of a /layers run, in the order a reply shows them. */
export function layersImagesOf(report: LayersReport): ReplyImage[] {
  return [
    image('gradient.png', renderGradientPng(report), gradientAlt(report)),
    image('activations.png', renderActivationsPng(report), activationsAlt(report)),
    image('training.png', renderTrainingPng(report), trainingAlt(report)),
  ];
}

/** The run, its comparison and its pictures, on this thread: what a render worker does for one /layers. */
export function layersImages(p: LayersParams): { report: LayersReport; images: ReplyImage[] } {
  const report = layersReport(p);
  return { report, images: layersImagesOf(report) };
}
