import { calendarActions } from './calendar.js';
import type { ActionHandler } from './context.js';
import { evaluationActions } from './evaluation.js';
import { evidenceActions } from './evidence.js';
import { feedbackActions } from './feedback.js';
import { importActions } from './import.js';
import { listActions } from './list.js';
import { problemActions } from './problem.js';

/** Card actions by the `action` key of a button's callback value. Each handler re-checks authority. */
export const ACTIONS: Record<string, ActionHandler> = {
  ...problemActions,
  ...listActions,
  ...evidenceActions,
  ...calendarActions,
  ...feedbackActions,
  ...evaluationActions,
  ...importActions,
};

export function registerActions(map: Record<string, ActionHandler>): void {
  Object.assign(ACTIONS, map);
}
