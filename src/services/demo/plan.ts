import type { WorkdayCalendar } from '../../domain/calendar.js';
import { addDays, formatDateCn, todayIn } from '../../domain/dates.js';
import type { Category, ProblemState, Source, Timeliness } from '../../domain/problem.js';
import {
  DEPARTMENTS,
  type DemoItem,
  type DemoUnit,
  EVALUATED,
  GIVEN,
  SURNAMES,
  TOWN_TEMPLATES,
  TOWNS,
  townCount,
} from './data.js';
import { planDeputies } from './deputies.js';
import type { DemoPlan, PlanGroup, PlanPerson, PlanUnit, SeedProblem, Who } from './plan-types.js';

export type {
  DemoPlan,
  PlanEvent,
  PlanGroup,
  PlanPerson,
  PlanProblem,
  PlanUnit,
  SeedProblem,
  Who,
} from './plan-types.js';

/**
 * The demo campaign as data, before any row is written: who is who, and each problem's state and
 * history a few months into the campaign. Pure and seeded: the same `now` gives the same plan, and
 * every problem has a stable key (import_key) so loading twice leaves one copy.
 */

/** A small, seeded PRNG (mulberry32): the demo is the same on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const GROUP_NAMES = ['第一督导组', '第二督导组', '第三督导组', '第四督导组', '第五督导组', '第六督导组'];
const SOURCE_WEIGHTS: [Source, number][] = [
  ['走访', 0.45],
  ['座谈会', 0.25],
  ['暗访', 0.1],
  ['线上匿名', 0.1],
  ['代表建议', 0.1],
];
const SOURCE_PHRASE: Record<Source, string> = {
  走访: '调研组走访企业时，企业反映',
  座谈会: '专题座谈会上，企业代表反映',
  暗访: '暗访组发现',
  线上匿名: '线上匿名反馈窗口收到反映',
  代表建议: '人大代表提出建议',
};
const PROGRESS: Record<Category, string[]> = {
  政务服务环境: [
    '已梳理办事材料清单，取消重复提交材料，编制一次性告知单。',
    '已优化线上办理流程，压缩审批时限，正在跟踪企业办事体验。',
    '已对窗口人员开展专项培训，推行容缺受理和帮办代办。',
  ],
  要素保障: [
    '已召开专题协调会，明确责任股室和时间节点，建立工作台账。',
    '已完成现场调研和需求摸底，正在协调资金和项目。',
    '主体工作已完成过半，正在加快推进剩余事项。',
  ],
  部门执法: [
    '已梳理执法检查事项，推行“综合查一次”，减少重复检查。',
    '已统一处罚裁量基准并公开，组织执法人员培训。',
    '已建立涉企检查备案制度，本季度检查次数明显下降。',
  ],
  法治环境: [
    '已建立涉企纠纷快调快处机制，指定专人跟踪。',
    '已梳理积案清单，逐案明确化解措施和时限。',
    '已联合相关部门开展集中化解，部分案件已办结。',
  ],
  政策兑现: [
    '已梳理应兑现政策清单，逐项核对企业名单和资金。',
    '已拨付第一批资金，剩余部分正在走审批程序。',
    '已通过政策宣讲会和企业群推送，提高政策知晓率。',
  ],
  作风建设: [
    '已召开专题会议剖析原因，对相关人员进行约谈提醒。',
    '已建立企业诉求限时回应机制，实行首问负责。',
    '已开展作风专项整治，公开监督电话接受企业评议。',
  ],
};
const CLOSURE_SUMMARY = [
  '整改任务已全部完成，相关制度已建立并长效运行，申请销号。',
  '经整改，企业反映的问题已解决，企业对整改结果表示满意，申请销号。',
  '已按期完成整改，并建立常态化工作机制，佐证材料已上传，申请销号。',
];
const APPROVAL = ['经现场核查，整改到位，同意销号。', '核查了佐证材料并回访企业，同意销号。', ''];
const EXTENSION_REASON = [
  '涉及多部门协调，资金审批尚未完成，申请延期。',
  '工程受天气影响，施工进度滞后，申请延期。',
  '需待上级政策明确后实施，申请延期。',
];

/** A person's fake open_id and a Chinese name, distinct across the demo. */
function namer() {
  const used = new Set<string>();
  let i = 0;
  return (openId: string): PlanPerson => {
    for (;;) {
      const name = `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i * 13) % GIVEN.length]}`;
      i++;
      if (!used.has(name)) {
        used.add(name);
        return { openId, name };
      }
    }
  };
}

const nextWorkday = (calendar: WorkdayCalendar, date: string): string => {
  let d = date;
  while (!calendar.isWorkday(d)) d = addDays(d, 1);
  return d;
};

/** An instant at a wall-clock time on a date in `tz`. */
export function atLocal(date: string, minutes: number, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(guess));
  const g = (t: string) => Number(p.find((x) => x.type === t)?.value);
  const offset = Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute')) - guess;
  return new Date(guess - offset);
}

interface Raw {
  key: string;
  unit: DemoUnit | { name: string; shortName: null };
  item: DemoItem;
}

function rawItems(): Raw[] {
  const out: Raw[] = [];
  for (const u of [...EVALUATED, ...DEPARTMENTS])
    u.items.forEach((item, i) => {
      out.push({ key: `demo:${u.shortName ?? u.name}:${i + 1}`, unit: u, item });
    });
  TOWNS.forEach((town, ti) => {
    const used = new Set<number>();
    for (let j = 0; j < townCount(ti); j++) {
      let k = (ti * 5 + j * 3) % TOWN_TEMPLATES.length;
      while (used.has(k)) k = (k + 1) % TOWN_TEMPLATES.length;
      used.add(k);
      const tpl = TOWN_TEMPLATES[k]!;
      const item: DemoItem = {
        t: tpl.t(town.name, town.industries[j % 2]!),
        c: tpl.c,
        q: tpl.q,
        co: tpl.co ? [tpl.co] : undefined,
      };
      out.push({ key: `demo:${town.name}:${j + 1}`, unit: { name: town.name, shortName: null }, item });
    }
  });
  return out;
}

/** How far the campaign got, by timeliness: most 立行立改 are done, most 长期整改 under way. */
const STATE_ODDS: Record<Timeliness, [ProblemState, number][]> = {
  立行立改: [
    ['closed', 0.72],
    ['closure_requested', 0.06],
    ['in_progress', 0.19],
    ['acknowledged', 0.03],
  ],
  长期整改: [
    ['closed', 0.2],
    ['closure_requested', 0.1],
    ['in_progress', 0.45],
    ['acknowledged', 0.15],
    ['assigned', 0.1],
  ],
};

function weighted<T>(x: number, odds: [T, number][]): T {
  let acc = 0;
  for (const [v, w] of odds) {
    acc += w;
    if (x < acc) return v;
  }
  return odds.at(-1)![0];
}

/** The six evaluated units' closed problems matter: the vote's 回头看 re-checks 教育局 and 卫健局. */
const MIN_CLOSED: Record<string, number> = { 市卫生健康局: 6, 市教育局: 5 };

export function planDemo(now: Date, tz: string, calendar: WorkdayCalendar): DemoPlan {
  const r = rng(20260928);
  const person = namer();
  const staff = [person('ou_demo_staff_1'), person('ou_demo_staff_2')];
  const unitsList: PlanUnit[] = [];
  const addUnit = (u: { name: string; shortName: string | null; aliases?: string[] }, evaluated: boolean) => {
    const n = unitsList.length + 1;
    const contacts = Array.from({ length: evaluated ? 2 : 1 }, (_, k) =>
      person(`ou_demo_unit${String(n).padStart(2, '0')}_${k + 1}`),
    );
    unitsList.push({ name: u.name, shortName: u.shortName, aliases: u.aliases ?? [], contacts, evaluated });
  };
  for (const u of EVALUATED) addUnit(u, true);
  for (const u of DEPARTMENTS) addUnit(u, false);
  for (const t of TOWNS) addUnit({ name: t.name, shortName: null }, false);
  const byLabel = new Map<string, PlanUnit>();
  for (const u of unitsList)
    for (const l of [u.name, u.shortName ?? '', ...u.aliases]) if (l) byLabel.set(l, u);

  // Groups 1–5 follow the evaluated units one to one, group 5 two of them; group 6 all the others.
  const ev = unitsList.filter((u) => u.evaluated).map((u) => u.name);
  const groupUnits = [
    [ev[0]!],
    [ev[1]!],
    [ev[2]!],
    [ev[3]!],
    [ev[4]!, ev[5]!],
    unitsList.filter((u) => !u.evaluated).map((u) => u.name),
  ];
  const groups: PlanGroup[] = GROUP_NAMES.map((name, g) => ({
    name,
    units: groupUnits[g]!,
    members: [person(`ou_demo_sup_${g + 1}_1`), person(`ou_demo_sup_${g + 1}_2`)],
  }));

  const today = todayIn(now, tz);
  // The list was handed over over two weeks, about four months ago.
  const start = nextWorkday(calendar, addDays(today, -115));
  const raws = rawItems();
  const problems: SeedProblem[] = raws.map((raw, i) => {
    const item = raw.item;
    const unit = byLabel.get(raw.unit.name)!;
    const assignedOn = calendar.addWorkdays(start, Math.floor((i * 10) / raws.length));
    const assignedAt = atLocal(assignedOn, 9 * 60 + 30 + (i % 40), tz);
    const deadline =
      item.q === '立行立改'
        ? calendar.addWorkdays(assignedOn, 20 + Math.floor(r() * 11))
        : nextWorkday(calendar, addDays(assignedOn, 150 + Math.floor(r() * 90)));
    const source = item.s ?? weighted(r(), SOURCE_WEIGHTS);
    return {
      key: raw.key,
      unit: unit.name,
      co: (item.co ?? []).map((c) => byLabel.get(c)!.name).filter((c) => c !== unit.name),
      title: item.t,
      description: `${SOURCE_PHRASE[source]}：${item.t}。请${unit.shortName ?? unit.name}牵头研究解决，按期反馈整改情况。`,
      category: item.c,
      timeliness: item.q,
      source,
      assignedAt,
      deadline,
      state: item.out ? 'closed' : weighted(r(), STATE_ODDS[item.q]),
      progressPct: null,
      events: [],
      outcome: item.out,
    };
  });
  for (const [unit, min] of Object.entries(MIN_CLOSED)) {
    const mine = problems.filter((p) => p.unit === unit);
    let closed = mine.filter((p) => p.state === 'closed').length;
    for (const p of mine.sort((a, b) =>
      a.timeliness === b.timeliness ? 0 : a.timeliness === '立行立改' ? -1 : 1,
    )) {
      if (closed >= min) break;
      if (p.state !== 'closed') {
        p.state = 'closed';
        closed++;
      }
    }
  }
  for (const p of problems) {
    history(p, now, tz, calendar, r);
    officeHours(p, now, tz, calendar, r);
  }
  return { staff, units: unitsList, groups, problems, deputies: planDeputies(now, tz, calendar, atLocal) };
}

/** The problem's history up to now, consistent with its state (README.md "States and transitions"). */
function history(p: SeedProblem, now: Date, tz: string, calendar: WorkdayCalendar, r: () => number) {
  const A = p.assignedAt.getTime();
  const latest = now.getTime() - 3600_000;
  const at = (t: number) => new Date(Math.min(Math.round(t), latest));
  const ev = (t: number, who: Who, kind: string, text = '', data?: Record<string, unknown>) =>
    p.events.push({ at: at(t), who, kind, text, data });
  const co = p.co.length ? `，配合单位：${p.co.join('、')}` : '';
  ev(A, 'staff', 'assigned', `交办${p.unit}${co}，期限${formatDateCn(p.deadline)}`);
  if (p.state === 'assigned') return;
  const ack = A + (1 + r() * 3) * DAY;
  ev(ack, 'lead', 'acknowledged');
  if (p.state === 'acknowledged') return;
  const deadlineAt = atLocal(p.deadline, 17 * 60, tz).getTime();
  let end: number;
  if (p.state === 'closed')
    end =
      p.timeliness === '立行立改'
        ? Math.min(deadlineAt - (1 + r() * 5) * DAY, latest - 5 * DAY)
        : A + (latest - A) * (0.55 + r() * 0.35);
  else if (p.state === 'closure_requested') end = latest - (1 + r() * 3) * DAY;
  else end = latest - (1 + r() * 12) * DAY;
  end = Math.max(end, ack + 4 * DAY);
  const finishing = p.state === 'closed' || p.state === 'closure_requested';
  const steps = finishing ? 2 : 1 + Math.floor(r() * 3);
  const texts = PROGRESS[p.category];
  const span = (finishing ? 0.8 : 1) * (end - ack);
  for (let k = 1; k <= steps; k++) {
    const last = k === steps;
    // Finishing: 50% then 100%; still working: steps of a whole that is not reached yet.
    const pct = finishing ? (last ? 100 : 50) : Math.round((k / (steps + 1)) * 10) * 10;
    const outcome = last && p.outcome ? p.outcome : null;
    ev(ack + (span * k) / steps, 'lead', 'progress', texts[(k - 1) % texts.length]!, {
      percent: pct,
      outcome,
      part: 'lead',
    });
    p.progressPct = pct;
  }
  // Most open 立行立改 problems past their deadline were granted more time; the rest are overdue.
  if (p.state === 'in_progress' && p.timeliness === '立行立改' && deadlineAt < latest && r() < 0.6) {
    const asked = Math.min(deadlineAt - 2 * DAY, end - DAY);
    const newDeadline = calendar.addWorkdays(todayIn(now, tz), 10 + Math.floor(r() * 15));
    ev(asked, 'lead', 'extension_requested', EXTENSION_REASON[Math.floor(r() * EXTENSION_REASON.length)]!, {
      newDeadline,
    });
    ev(
      asked + DAY,
      'supervisor',
      'extension_approved',
      `期限由${formatDateCn(p.deadline)}延至${formatDateCn(newDeadline)}`,
    );
    p.extendedFrom = p.deadline;
    p.deadline = newDeadline;
  }
  if (!finishing) return;
  ev(end - 0.15 * (end - ack), 'lead', 'evidence', '整改佐证材料.txt');
  const summary = `${CLOSURE_SUMMARY[Math.floor(r() * CLOSURE_SUMMARY.length)]}${p.outcome ? `（${p.outcome}）` : ''}`;
  ev(end - 0.1 * (end - ack), 'lead', 'closure_requested', summary);
  if (p.state === 'closed')
    ev(end, 'supervisor', 'closure_approved', APPROVAL[Math.floor(r() * APPROVAL.length)]!);
}

/**
 * People act on workdays between 09:00 and 17:30: each event moves to such a moment on its day (or
 * the next workday), keeping their order and staying before now.
 */
function officeHours(p: SeedProblem, now: Date, tz: string, calendar: WorkdayCalendar, r: () => number) {
  p.events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const today = todayIn(now, tz);
  const latest = now.getTime() - 3600_000;
  let prev = 0;
  for (const e of p.events) {
    if (e.kind !== 'assigned') {
      let day = todayIn(e.at, tz);
      while (!calendar.isWorkday(day) && day < today) day = addDays(day, 1);
      let t = atLocal(day, 9 * 60 + Math.floor(r() * 510), tz).getTime();
      if (t > latest) t = Math.max(prev + 60_000, latest - 3600_000 * (1 + r()));
      e.at = new Date(Math.max(t, prev + 10 * 60_000));
    }
    prev = e.at.getTime();
  }
  const over = p.events.filter((e) => e.at.getTime() > latest).length;
  // Rare: several events squeezed into the last hour; spread them back, in order.
  p.events.slice(p.events.length - over).forEach((e, i) => {
    e.at = new Date(latest - (over - i) * 5 * 60_000);
  });
}
