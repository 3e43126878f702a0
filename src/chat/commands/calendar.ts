import { dayLabel, noticeDraftCard } from '../../../cards/calendar.js';
import { formatInstantCn, parseDateInput, todayIn } from '../../domain/dates.js';
import { invalid } from '../../domain/errors.js';
import type { DayInfo, DaySource } from '../../services/calendar/common.js';
import { draftNotice } from '../../services/calendar/draft-notice.js';
import { monthView } from '../../services/calendar/read.js';
import { removeOverride } from '../../services/calendar/remove-override.js';
import { setOverride } from '../../services/calendar/set-override.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { namesOf } from '../../services/people/read.js';
import type { CommandContext, CommandSpec } from '../context.js';
import { words } from '../parse.js';

const FORMS = [
  '/日历 查看 <YYYY-MM>　列出该月的节假日、调休上班日和单日设置',
  '/日历 设置 <YYYY-MM-DD> 工作日|休息日 [名称]　把某一天设为工作日或休息日',
  '/日历 删除 <YYYY-MM-DD>　删除某一天的单日设置',
  '/日历 导入 [年份] <通知全文>　导入国务院办公厅当年节假日安排通知（确认后生效）',
];
const formsText = () => FORMS.map((f) => `· ${f}`).join('\n');

const WORKDAY_WORDS = new Set(['工作日', '上班', '班', 'workday', 'work']);
const HOLIDAY_WORDS = new Set(['休息日', '节假日', '假日', '放假', '休息', 'holiday', 'off']);

const SOURCE_LABEL: Record<DaySource, string> = {
  override: '单日设置',
  notice: '导入的通知',
  statutory: '国务院安排',
  fallback: '按法定节假日推算',
  weekly: '常规',
};

/** "10月10日（周六） 调休上班（国庆节）〔导入的通知〕"; the year is left out inside a month's listing. */
function describe(d: DayInfo, year?: number): string {
  const what = d.workday
    ? d.source === 'statutory' || d.source === 'notice'
      ? '调休上班'
      : '工作日'
    : '休息';
  return `${dayLabel(d.date, year)} ${what}${d.name ? `（${d.name}）` : ''}〔${SOURCE_LABEL[d.source]}〕`;
}

function dateArg(raw: string | undefined, form: string): string {
  const d = raw ? parseDateInput(raw) : undefined;
  if (!d)
    throw invalid(`${raw ? `「${raw}」不是有效日期。` : '缺少日期。'}格式：${form}（日期如 2026-10-10）`);
  return d;
}

function monthArg(raw: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(raw.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
  return `${m[1]}-${m[2]!.padStart(2, '0')}`;
}

async function view(ctx: CommandContext, month: string): Promise<string> {
  const v = await monthView(await serviceCtx(ctx), month);
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5))];
  let state: string;
  if (v.imported) {
    const by = v.imported.by
      ? ((await namesOf(ctx.tx, [v.imported.by])).get(v.imported.by) ?? '管理员')
      : '管理员';
    state = `已确认（${by}于 ${formatInstantCn(v.imported.at, ctx.config.timezone)} 导入国务院通知）`;
  } else if (v.confirmed) state = '已确认（国务院已公布，内置数据）';
  else
    state = `未经确认：${y} 年安排尚未公布或导入，按法定节假日推算、不含调休。公布后请用 /日历 导入 ${y} <通知全文> 导入`;
  const lines = [`${y}年${m}月 工作日日历`, `${y} 年节假日安排：${state}`];
  lines.push(
    ...(v.days.length ? v.days.map((d) => describe(d, y)) : ['本月没有节假日或调休，周一至周五上班。']),
  );
  return lines.join('\n');
}

export const calendarCommand: CommandSpec = {
  names: ['日历', 'calendar'],
  who: 'admin',
  usage: '/日历 查看|设置|删除|导入 …',
  summary: '工作日日历：单日设为工作日或休息日，导入国务院年度节假日安排通知。',
  example: '/日历 设置 2026-12-31 休息日 年终盘点',
  async run(ctx) {
    const sub = /^(\S+)\s*([\s\S]*)$/.exec(ctx.args);
    const [verb, rest] = sub ? [sub[1]!, sub[2]!.trim()] : ['', ''];
    switch (verb.toLowerCase()) {
      case '':
        return {
          text: `${await view(ctx, todayIn(ctx.now, ctx.config.timezone).slice(0, 7))}\n\n用法：\n${formsText()}`,
        };
      case '查看':
      case 'view':
      case 'show': {
        const month = rest ? monthArg(rest) : todayIn(ctx.now, ctx.config.timezone).slice(0, 7);
        if (!month)
          throw invalid(`「${rest}」不是有效月份。格式：/日历 查看 <YYYY-MM>（如 /日历 查看 2026-10）`);
        return { text: await view(ctx, month) };
      }
      case '设置':
      case 'set': {
        const form = '/日历 设置 <YYYY-MM-DD> 工作日|休息日 [名称]';
        const [rawDate, kind, ...name] = words(rest);
        const date = dateArg(rawDate, form);
        const k = kind?.toLowerCase();
        const workday = k && WORKDAY_WORDS.has(k) ? true : k && HOLIDAY_WORDS.has(k) ? false : undefined;
        if (workday === undefined)
          throw invalid(`${kind ? `「${kind}」无效，` : ''}请写明“工作日”或“休息日”。格式：${form}`);
        const r = await setOverride(await serviceCtx(ctx), { date, workday, name: name.join(' ') });
        const same = r.before.workday === workday ? '（与原安排相同，已固定为单日设置）' : '';
        const lost =
          r.before.source === 'notice'
            ? '\n该日原为导入通知中的安排；删除本设置后，需重新导入通知才能恢复。'
            : '';
        return {
          text: `已将 ${dayLabel(date)} 设为${workday ? '工作日' : '休息日'}${r.after.name ? `（${r.after.name}）` : ''}${same}。\n原为：${describe(r.before)}${lost}`,
        };
      }
      case '删除':
      case 'remove':
      case 'delete': {
        const date = dateArg(words(rest)[0], '/日历 删除 <YYYY-MM-DD>');
        const now = await removeOverride(await serviceCtx(ctx), { date });
        return { text: `已删除 ${dayLabel(date)} 的单日设置。现为：${describe(now)}` };
      }
      case '导入':
      case 'import': {
        const m = /^(\d{4})年?\s+([\s\S]*)$/.exec(rest);
        const [year, notice] = m ? [Number(m[1]), m[2]!.trim()] : [undefined, rest];
        if (!notice)
          throw invalid('请在命令后粘贴国务院办公厅节假日安排通知全文。格式：/日历 导入 [年份] <通知全文>');
        const draft = await draftNotice(await serviceCtx(ctx), { text: notice, year });
        const prevBy = draft.previous?.by
          ? (await namesOf(ctx.tx, [draft.previous.by])).get(draft.previous.by)
          : undefined;
        return { card: noticeDraftCard(draft, ctx.config.timezone, prevBy) };
      }
      default:
        throw invalid(`未识别的操作「${verb}」。可用：\n${formsText()}`);
    }
  },
};
