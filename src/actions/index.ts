import { calendarActions } from './calendar.js';
import type { ActionHandler } from './context.js';
import { evaluationActions } from './evaluation.js';
import { evidenceActions } from './evidence.js';
import { feedbackActions } from './feedback.js';
import { importActions } from './import.js';
import { listActions } from './list.js';
import { problemActions } from './problem.js';
import { revisitActions } from './revisit.js';

/**
 * Card actions by the `action` key of a button's callback value. Each handler re-checks authority;
 * what it throws is shown by src/present's toToast (src/http/card-action.ts).
 * A Map, not an object: the name comes from the click, and "constructor" or "__proto__" must find nothing.
 */
export const ACTIONS = new Map<string, ActionHandler>(
  Object.entries({
    ...problemActions,
    ...listActions,
    ...evidenceActions,
    ...calendarActions,
    ...feedbackActions,
    ...evaluationActions,
    ...importActions,
    ...revisitActions,
  }),
);

export const actionFor = (name: string): ActionHandler | undefined => ACTIONS.get(name);
