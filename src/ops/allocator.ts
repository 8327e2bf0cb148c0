/**
 * glibc's malloc hands out blocks over its mmap threshold (128 KiB) as their
 * own mappings, returned to the system when freed, but it raises the
 * threshold to the size of each such block that is freed. Every reply's PNGs
 * (about 100-200 KB each) are allocated on a render worker and freed on the
 * main thread, so after the first few they come from malloc's arenas instead,
 * which fragment: the process held more and more. Fixed at 128 KiB (which
 * also stops it moving), the bench's gradbot side held 474 MB after 103
 * renders and 508 MB after 5,000 (+34 MB, of which the render cache filling
 * to its bound is 19 MB), against 533 and 614 MB (+81 MB) without (read
 * 1.5 s after the renders, with the workers collecting when idle, as the
 * bench then did; read straight after them, as it does now: 498 -> 516 MB).
 *
 * It costs drawing time: each larger temporary buffer is now mapped and
 * unmapped (a breakdown card 38 instead of 33 ms, a chart 28 instead of 24 ms,
 * in the same minute on one thread). A fixed threshold above the PNGs' size
 * does not keep the memory: from 100 to 2,000 renders, 1 MiB gave 475 -> 549
 * MB and 4 MiB (as fast as the default) 473 -> 568 MB, against 458 -> 488 MB
 * at 128 KiB and 527 -> 560 MB, still rising, with glibc's default. A bot
 * that runs for weeks needs the memory more than 5 ms on a picture.
 *
 * glibc reads it once, when the process starts, so it is set where gradbot is
 * started: `npm start`, the Dockerfile and the bench (a test checks the
 * first two against this value).
 */
export const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;
