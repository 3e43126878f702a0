import type { ActionHandler } from './context.js';
import { problemActions } from './problem.js';

/** Card actions by the `action` key of a button's callback value. Each handler re-checks authority. */
export const ACTIONS: Record<string, ActionHandler> = { ...problemActions };

export function registerActions(map: Record<string, ActionHandler>): void {
  Object.assign(ACTIONS, map);
}
