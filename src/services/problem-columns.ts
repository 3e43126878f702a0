import { problems } from '../../db/schema/index.js';

/** The columns every open-problem sweep starts with (the weekly digest, the daily reminders). */
export const problemHeadColumns = {
  id: problems.id,
  code: problems.code,
  title: problems.title,
  state: problems.state,
  deadline: problems.deadline,
};
