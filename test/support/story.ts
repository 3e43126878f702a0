import { it } from 'vitest';

/**
 * A story told in steps that build on each other (open a vote, cast ballots, close it, publish).
 * Each step is its own test, and each test opens a world of its own and replays the steps before
 * it there. No test reads state another test made, so any one runs alone (`-t`), in any order
 * (`--sequence.shuffle`) or after a failure elsewhere, and still means the same thing.
 */
export interface Story {
  step(name: string, fn: () => Promise<void>): void;
}

export interface World {
  /** Build a fresh world (harness, database, people) before each step's replay. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Runs before every step, replayed ones included (what a beforeEach did in the shared world). */
  beforeStep?(): Promise<void>;
}

/** A later step replays every step before it, so it gets more time than one test alone. */
const STEP_TIMEOUT_MS = 120_000;

export function story(world: World): Story {
  const steps: { name: string; fn: () => Promise<void> }[] = [];
  return {
    step(name, fn) {
      const before = steps.slice();
      steps.push({ name, fn });
      it(
        name,
        async () => {
          await world.open();
          try {
            for (const s of [...before, { name, fn }]) {
              await world.beforeStep?.();
              await s.fn();
            }
          } finally {
            await world.close();
          }
        },
        STEP_TIMEOUT_MS,
      );
    },
  };
}
