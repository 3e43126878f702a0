import { loadCalendar } from './calendar/load.js';
import type { ServiceCtx, ServiceCtxSource } from './context.js';

/**
 * One ServiceCtx per event or click. A transport builds one context object per chat command or
 * card click; the first call for it loads the calendar (two queries), every later call for the
 * same object and transaction gets the same ServiceCtx.
 */
const built = new WeakMap<ServiceCtxSource, { tx: ServiceCtxSource['tx']; ctx: Promise<ServiceCtx> }>();

/** The service context of a chat command or a card click. */
export function serviceCtx(c: ServiceCtxSource): Promise<ServiceCtx> {
  const known = built.get(c);
  if (known && known.tx === c.tx) return known.ctx;
  const ctx = build(c);
  built.set(c, { tx: c.tx, ctx });
  // A failed load is not kept: the next call (if the caller recovers) tries again.
  ctx.catch(() => {
    if (built.get(c)?.ctx === ctx) built.delete(c);
  });
  return ctx;
}

async function build(c: ServiceCtxSource): Promise<ServiceCtx> {
  return {
    tx: c.tx,
    actor: c.actor,
    now: c.now,
    config: c.config,
    directory: c.directory,
    calendar: await loadCalendar(c.tx),
  };
}
