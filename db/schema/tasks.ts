import { integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { problems } from './problems.js';

/**
 * The Feishu task (Tasks v2) mirroring a problem for its lead unit's contacts (LARK_TASKS=1).
 * `create_outbox_id` is the outbox row that creates it; later patches wait for that row. The task's
 * guid is written by the dispatcher once Lark answers, and stays after the outbox row is purged.
 * See docs/decisions/tasks-0018-feishu-tasks.md.
 */
export const problemTasks = pgTable('problem_tasks', {
  problemId: integer()
    .primaryKey()
    .references(() => problems.id),
  createOutboxId: uuid().notNull(),
  taskGuid: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
