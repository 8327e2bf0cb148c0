export { canRender, RenderBusyError, type Renderer, type RenderRequest } from './types.ts';
export { createRenderPool, type RenderPoolOptions } from './pool.ts';
export { createInProcessRenderer } from './inprocess.ts';
export { explodeImages, exampleImage } from './images.ts';
export { pngSize } from './png-size.ts';
export { renderBreakdownPng, breakdownAlt } from './breakdown.ts';
export { renderChartPng, chartAlt, createChartCanvas, chartCanvas, CHART_SIZE } from './chart.ts';
export { renderExamplePng, exampleAlt } from './example.ts';
export { calloutsOf, type Callout, type CalloutKind } from './callouts.ts';
