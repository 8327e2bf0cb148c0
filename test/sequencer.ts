import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take 8 s or more (each starts processes, servers, a browser
 * or a class's worth of commands), longest first. On a fresh checkout, as in
 * CI, vitest has no timings to sort by; without this list the longest files
 * could start last and end the run alone on one worker.
 */
export const LONG_FIRST = [
  'test/ops/instances.test.ts',
  'test/slack/fuzz.e2e.test.ts',
  'test/render/pool.test.ts',
  'test/discord/shards.e2e.test.ts',
  'test/web/browser.test.ts',
  'test/store/postgres.test.ts',
  'test/ops/secrets.test.ts',
  'test/limits/faults.e2e.test.ts',
  'test/ops/shutdown.test.ts',
  'test/limits/class.e2e.test.ts',
  'test/ops/doctor.test.ts',
];

const rank = (spec: TestSpecification): number => {
  const i = LONG_FIRST.findIndex((f) => spec.moduleId.endsWith(`/${f}`));
  return i < 0 ? LONG_FIRST.length : i;
};

/**
 * The long files first, then the other files with a fresh module graph each
 * (they mostly wait on child processes, which is better done while others
 * compute than in a tail of its own), then the files that share one module
 * graph per worker, project by project (vitest hands a worker's shared graph
 * on only to a next file of the same project): many short CPU-bound files,
 * which end the run evenly. Projects are not run one after another, as
 * vitest's own sequencer does: all three workers stay busy.
 */
export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const shared = (s: TestSpecification) => (s.project.config.isolate === false ? 1 : 0);
    return [...files].sort(
      (a, b) => rank(a) - rank(b) || shared(a) - shared(b) || a.project.name.localeCompare(b.project.name) || a.moduleId.localeCompare(b.moduleId),
    );
  }
}
