import { formatDateCn, isValidDate, parseDateInput, todayIn } from '../../domain/dates.js';
import { invalid } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';

/** Resolves "2026-12-31", "2026年12月31日" or "10个工作日" to a date in APP_TIMEZONE; refuses past or unreal dates. */
export function resolveDeadline(ctx: Pick<ServiceCtx, 'now' | 'config' | 'calendar'>, raw: string): string {
  const today = todayIn(ctx.now, ctx.config.timezone);
  const t = raw.trim();
  const n = /^(\d{1,3})\s*个?\s*工作日$/.exec(t);
  if (n) {
    const k = Number(n[1]);
    if (k < 1) throw invalid('工作日数须至少为 1。');
    return ctx.calendar.addWorkdays(today, k);
  }
  const d = parseDateInput(t);
  if (!d) {
    const looksLikeDate = /^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}/.test(t);
    throw invalid(
      looksLikeDate
        ? `期限「${t}」不是真实存在的日期。`
        : `期限「${t}」格式有误，请写作 YYYY-MM-DD（如 2026-12-31）或“N个工作日”（如 10个工作日）。`,
    );
  }
  if (!isValidDate(d)) throw invalid(`期限「${t}」不是真实存在的日期。`);
  if (d < today) throw invalid(`期限 ${formatDateCn(d)} 早于今天（${formatDateCn(today)}），请重新填写。`);
  return d;
}
