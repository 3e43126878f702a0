import { afterAll, it } from 'vitest';

/**
 * A story told in steps that build on each other (open a vote, cast ballots, close it, publish).
 * Each step is its own test, and each test runs in the world "after the steps before it":
 *
 * - run in order (the usual case), a step continues the world the step before it just left, so a
 *   story costs one pass, not one pass per step;
 * - run alone (`-t`), out of order (`--sequence.shuffle`) or after a failing step, it opens a fresh
 *   world and replays the steps before it there first.
 *
 * Either way a step sees the same state, so no step depends on which other tests ran, or in what
 * order, or whether they passed.
 */
export interface Story {
  step(name: string, fn: () => Promise<void>): void;
}

export interface World {
  /** Build a fresh world (harness, database, people). */
  open(): Promise<void>;
  close(): Promise<void>;
  /** Runs before every step, replayed ones included (what a beforeEach did in the shared world). */
  beforeStep?(): Promise<void>;
}

/** A step that replays every step before it gets more time than one test alone. */
const STEP_TIMEOUT_MS = 120_000;

export function story(world: World): Story {
  const steps: { name: string; fn: () => Promise<void> }[] = [];
  /** The index of the last step the open world has completed; -1 when no world is open. */
  let done = -1;
  let open = false;
  const run = async (i: number) => {
    await world.beforeStep?.();
    await steps[i]!.fn();
    done = i;
  };
  const reset = async () => {
    if (open) await world.close();
    open = false;
    done = -1;
  };
  // A run that ends on a middle step (-t, shuffle) leaves the world open: close it.
  afterAll(reset);
  return {
    step(name, fn) {
      const index = steps.length;
      steps.push({ name, fn });
      it(
        name,
        async () => {
          try {
            if (!(open && done === index - 1)) {
              await reset();
              await world.open();
              open = true;
              for (let i = 0; i < index; i++) await run(i);
            }
            await run(index);
          } catch (e) {
            await reset();
            throw e;
          }
          // The world stays open for the next step; the last step closes it.
          if (index === steps.length - 1) await reset();
        },
        STEP_TIMEOUT_MS,
      );
    },
  };
}
