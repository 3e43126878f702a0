/** Problem states and their Chinese labels (README.md "States and transitions"). */
export const STATES = [
  'assigned',
  'acknowledged',
  'in_progress',
  'closure_requested',
  'closed',
  'withdrawn',
] as const;
export type ProblemState = (typeof STATES)[number];

export const STATE_LABEL: Record<ProblemState, string> = {
  assigned: '已交办',
  acknowledged: '已签收',
  in_progress: '整改中',
  closure_requested: '待销号',
  closed: '已销号',
  withdrawn: '已撤销',
};

export const OPEN_STATES: ProblemState[] = ['assigned', 'acknowledged', 'in_progress', 'closure_requested'];
export const isOpen = (s: string) => (OPEN_STATES as string[]).includes(s);

/** The six elements (要素) of docs/domain.md §2. */
export const CATEGORIES = [
  '政务服务环境',
  '要素保障',
  '部门执法',
  '法治环境',
  '政策兑现',
  '作风建设',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TIMELINESS = ['立行立改', '长期整改'] as const;
export type Timeliness = (typeof TIMELINESS)[number];

export const SOURCES = ['走访', '座谈会', '暗访', '线上匿名', '代表建议'] as const;
export type Source = (typeof SOURCES)[number];

/** DB-<year>-<NNN>, at least three digits. */
export function problemCode(year: number, seq: number): string {
  return `DB-${year}-${String(seq).padStart(3, '0')}`;
}

export function parseCode(s: string): string | undefined {
  const m = /^DB-(\d{4})-(\d{3,})$/i.exec(s.trim());
  return m ? `DB-${m[1]}-${m[2]}` : undefined;
}

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const TEXT_MAX = 5000;

/** Actions and the states they start from. */
export const TRANSITIONS = {
  acknowledge: ['assigned'],
  progress: ['acknowledged', 'in_progress'],
  requestClosure: ['acknowledged', 'in_progress'],
  approveClosure: ['closure_requested'],
  returnClosure: ['closure_requested'],
  reopen: ['closed'],
  reassign: ['assigned', 'acknowledged', 'in_progress'],
  withdraw: ['assigned', 'acknowledged', 'in_progress', 'closure_requested'],
  requestExtension: ['assigned', 'acknowledged', 'in_progress'],
  requestDispute: ['assigned', 'acknowledged', 'in_progress'],
  evidence: ['assigned', 'acknowledged', 'in_progress', 'closure_requested'],
} satisfies Record<string, ProblemState[]>;
export type TransitionName = keyof typeof TRANSITIONS;

export function allows(action: TransitionName, state: string): boolean {
  return (TRANSITIONS[action] as string[]).includes(state);
}
