/** When a render worker collects its garbage (src/render/worker.ts); the bench waits for the idle collection before it reads RSS. */

/**
 * Every picture leaves native memory behind (formula bitmaps, librsvg
 * handles, Pango layouts) that is freed only when V8 collects the small JS
 * objects holding it, and V8, seeing little JS garbage, waits: left alone,
 * two workers' memory floated up by about 100 MB over 600 renders. A full
 * collection between jobs keeps it flat; it is not cheap (a full heap with
 * MathJax in it), so every 100 jobs: every 25 cost about 15% of the
 * throughput, every 100 a few percent (npm run bench, docs/performance.md).
 */
export const COLLECT_EVERY = 100;

/**
 * And once the pictures stop: a worker left with up to 99 jobs' garbage holds
 * it until the next burst, so what the process holds at rest depended on
 * where each worker's count stood (the bench with the render cache off, read
 * 1.5 s after 100 to 2,000 renders: 494-553 MB without this, 506-520 MB with
 * it). One full collection (about 20 ms) after a second without a job: a job
 * that arrives during it waits that long, at most once per lull.
 */
export const COLLECT_WHEN_IDLE_MS = 1000;
