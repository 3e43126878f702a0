import type { WorkdayCalendar } from '../../domain/calendar.js';
import { addDays, todayIn } from '../../domain/dates.js';
import type { ProblemState } from '../../domain/problem.js';
import type { PlanProblem } from './plan-types.js';

/**
 * The demo's second campaign: the year's 代表建议办理, twelve suggestions raised by named 人大代表
 * and handed to the seed's units a few weeks ago, so `/议题 切换` has something to show. Its codes
 * take the campaign's year (DB-2027-001…), continuing that year's counter like any other.
 */

export const DEPUTY_CAMPAIGN = {
  name: '2027年代表建议办理',
  kind: '代表建议',
  year: 2027,
  categories: ['城乡建设', '教育卫生', '交通出行', '社会保障', '生态环境', '其他'],
} as const;

interface Suggestion {
  t: string;
  unit: string;
  c: (typeof DEPUTY_CAMPAIGN.categories)[number];
  raiser: string;
  state: ProblemState;
}

const SUGGESTIONS: Suggestion[] = [
  {
    t: '加快推进老旧小区加装电梯',
    unit: '市住房和城乡建设局',
    c: '城乡建设',
    raiser: '王建国代表',
    state: 'in_progress',
  },
  {
    t: '整治学校周边上下学时段交通秩序',
    unit: '市公安局',
    c: '交通出行',
    raiser: '李秀英代表',
    state: 'closed',
  },
  {
    t: '增加城区公办幼儿园学位',
    unit: '市教育局',
    c: '教育卫生',
    raiser: '张志强代表',
    state: 'acknowledged',
  },
  {
    t: '在乡镇卫生院推广远程会诊',
    unit: '市卫生健康局',
    c: '教育卫生',
    raiser: '刘桂兰代表',
    state: 'in_progress',
  },
  {
    t: '优化城乡公交线路，延长末班车时间',
    unit: '市交通运输局',
    c: '交通出行',
    raiser: '陈明代表',
    state: 'closure_requested',
  },
  {
    t: '扩大社区居家养老服务覆盖面',
    unit: '市民政局',
    c: '社会保障',
    raiser: '杨建华代表',
    state: 'in_progress',
  },
  {
    t: '加强丹江口库区支流水质保护',
    unit: '市水利和湖泊局',
    c: '生态环境',
    raiser: '赵丽华代表',
    state: 'assigned',
  },
  {
    t: '提高灵活就业人员参保补贴标准',
    unit: '市人力资源和社会保障局',
    c: '社会保障',
    raiser: '黄德明代表',
    state: 'closed',
  },
  {
    t: '规范城区占道经营和夜市管理',
    unit: '市城市管理执法局',
    c: '城乡建设',
    raiser: '周海燕代表',
    state: 'acknowledged',
  },
  {
    t: '推进农村生活垃圾分类收运',
    unit: '市农业农村局',
    c: '生态环境',
    raiser: '吴国平代表',
    state: 'in_progress',
  },
  {
    t: '为残疾人出行增设无障碍设施',
    unit: '市残疾人联合会',
    c: '社会保障',
    raiser: '郑淑珍代表',
    state: 'closed',
  },
  {
    t: '完善医保异地就医直接结算',
    unit: '市医疗保障局',
    c: '其他',
    raiser: '孙永刚代表',
    state: 'closure_requested',
  },
];

const PROGRESS = [
  '已与代表当面沟通，明确办理思路和时间节点。',
  '已开展实地调研，形成办理方案，正在组织实施。',
  '已列入年度重点工作，资金和项目正在落实。',
];

/** The twelve, with a history matching each state; `at` builds an instant on a date (plan.ts atLocal). */
export function planDeputies(
  now: Date,
  tz: string,
  calendar: WorkdayCalendar,
  at: (date: string, minutes: number, tz: string) => Date,
): PlanProblem[] {
  const today = todayIn(now, tz);
  const latest = now.getTime() - 3600_000;
  let start = addDays(today, -40);
  while (!calendar.isWorkday(start)) start = addDays(start, 1);
  return SUGGESTIONS.map((s, i) => {
    const day = (n: number) => calendar.addWorkdays(start, n);
    const when = (n: number, minutes: number) =>
      new Date(Math.min(at(day(n), minutes, tz).getTime(), latest));
    const assignedAt = when(i % 3, 9 * 60 + 40 + i);
    const p: PlanProblem = {
      key: `demo:deputy:${i + 1}`,
      unit: s.unit,
      co: [],
      title: s.t,
      description: `${s.raiser}建议：${s.t}。请认真研究办理，与代表沟通后按期答复。`,
      category: s.c,
      timeliness: '长期整改',
      source: '代表建议',
      assignedAt,
      deadline: calendar.addWorkdays(day(i % 3), 60),
      state: s.state,
      progressPct: null,
      events: [{ at: assignedAt, who: 'staff', kind: 'assigned', text: `交办${s.unit}` }],
      codeYear: DEPUTY_CAMPAIGN.year,
      raiserName: s.raiser,
    };
    const ev = (n: number, who: 'staff' | 'lead' | 'supervisor', kind: string, text = '', data?: object) =>
      p.events.push({
        at: when(n, 10 * 60 + i * 7),
        who,
        kind,
        text,
        ...(data ? { data: { ...data } } : {}),
      });
    if (s.state === 'assigned') return p;
    ev(2 + (i % 3), 'lead', 'acknowledged');
    if (s.state === 'acknowledged') return p;
    const done = s.state === 'closed' || s.state === 'closure_requested';
    p.progressPct = done ? 100 : 30 + (i % 3) * 20;
    ev(8 + (i % 4), 'lead', 'progress', PROGRESS[i % PROGRESS.length]!, {
      percent: p.progressPct,
      part: 'lead',
    });
    if (!done) return p;
    ev(14, 'lead', 'evidence', '办理答复材料.txt');
    ev(15, 'lead', 'closure_requested', '已按代表建议办理完毕，并书面答复代表，申请销号。');
    if (s.state === 'closed')
      ev(17, 'supervisor', 'closure_approved', '经核实，已办理并答复代表，同意销号。');
    return p;
  });
}
