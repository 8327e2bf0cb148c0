/**
 * glibc's malloc hands out blocks over its mmap threshold (128 KiB) as their
 * own mappings, returned to the system when freed, but it raises the
 * threshold to the size of each such block that is freed. Every reply's PNGs
 * (about 100-200 KB each) are allocated on a render worker and freed on the
 * main thread, so after the first few they come from malloc's arenas instead,
 * which fragment: the process held more and more. Fixed at 128 KiB (which
 * also stops it moving), the bench's gradbot side held 474 MB after 103
 * renders and 508 MB after 5,000 (+34 MB, of which the render cache filling
 * to its bound is 19 MB), against 533 and 614 MB (+81 MB) without.
 *
 * glibc reads it once, when the process starts, so it is set where gradbot is
 * started: `npm start`, the Dockerfile and the bench (a test checks the
 * first two against this value).
 */
export const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;
