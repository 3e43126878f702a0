import type postgres from 'postgres';

export interface Counts {
  e: number;
  o: number;
}

export async function counts(db: postgres.Sql): Promise<Counts> {
  const [c] = await db<Counts[]>`
    select (select count(*) from processed_events)::int as e, (select count(*) from outbox)::int as o`;
  return c!;
}

/** Commit-before-answer: every event answered 2xx has its processed_events row and its reply. */
export async function verifyIntake(
  db: postgres.Sql,
  o: {
    acked: string[];
    before: Counts;
    connections: number;
    wrapped: boolean;
    non2xx: number;
    counted: number;
  },
) {
  const { acked, before } = o;
  const messageIds = acked.map((id) => id.replace(/^ev_/, 'om_'));
  const after = await counts(db);
  const [byId] = await db<{ events: number; replies: number }[]>`
    select (select count(*) from processed_events where event_id = any(${acked}::text[]))::int as events,
           (select count(*) from outbox where target_message_id = any(${messageIds}::text[]))::int as replies`;
  const rowsAdded = after.e - before.e;
  const outboxAdded = after.o - before.o;
  const ok =
    byId!.events === acked.length &&
    byId!.replies === acked.length &&
    rowsAdded >= acked.length &&
    // Rows without an answer can only be requests still in flight when the run stopped.
    rowsAdded - acked.length <= o.connections &&
    !o.wrapped;
  console.log(
    `  commit-before-answer: ${ok ? 'ok' : 'FAILED'} — ${acked.length} answered 2xx, ` +
      `${byId!.events} of them in processed_events, ${byId!.replies} with their outbox reply; ` +
      `${rowsAdded} events / ${outboxAdded} outbox rows added ` +
      `(${rowsAdded - acked.length} committed but unanswered at stop), non-2xx ${o.non2xx}`,
  );
  return {
    commitBeforeAnswer: ok,
    answered2xx: acked.length,
    answered2xxCountedByAutocannon: o.counted,
    processedEventsOfAnswered: byId!.events,
    outboxRepliesOfAnswered: byId!.replies,
    processedEventsAdded: rowsAdded,
    outboxRowsAdded: outboxAdded,
    committedButUnansweredAtStop: rowsAdded - acked.length,
    non2xx: o.non2xx,
    eventsReused: o.wrapped,
  };
}
