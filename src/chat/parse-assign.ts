import type { AssignInput } from '../services/problems/assign.js';

type Key = Exclude<keyof AssignInput, 'raiser'> | 'raiserText';

const KEYS: Record<string, Key> = {
  单位: 'leadUnit',
  牵头: 'leadUnit',
  牵头单位: 'leadUnit',
  unit: 'leadUnit',
  配合: 'coUnits',
  配合单位: 'coUnits',
  co: 'coUnits',
  期限: 'deadline',
  due: 'deadline',
  类别: 'category',
  category: 'category',
  时效: 'timeliness',
  timeliness: 'timeliness',
  来源: 'source',
  source: 'source',
  议题: 'campaign',
  campaign: 'campaign',
  描述: 'description',
  desc: 'description',
  提出人: 'raiserText',
  raiser: 'raiserText',
};

const KEY_RE = new RegExp(
  `(?:^|\\s)(${Object.keys(KEYS)
    .sort((a, b) => b.length - a.length)
    .join('|')})\\s*[:：]`,
  'gi',
);

/**
 * `/交办 <标题> 单位:<牵头单位> [配合:<单位>,<单位>] 期限:<…> [类别:…] [时效:…] [提出人:…] [描述:…]`:
 * the title is the text before the first key; 描述 takes the rest of the message, so a
 * description may itself contain colons. Parses the raw text (keys take : or ：), so titles and
 * descriptions keep their full-width punctuation.
 */
export function parseAssignArgs(rest: string): {
  input: AssignInput;
  missing: string[];
  /** 提出人 as typed: a person (@, e-mail, mobile) or a 代表's name; the command resolves it. */
  raiserText?: string;
} {
  const hits: { key: Key; start: number; valueStart: number }[] = [];
  for (const m of rest.matchAll(KEY_RE)) {
    const key = KEYS[m[1]!.toLowerCase()] ?? KEYS[m[1]!];
    if (!key) continue;
    hits.push({ key, start: m.index!, valueStart: m.index! + m[0].length });
    if (key === 'description') break;
  }
  const title = (hits.length ? rest.slice(0, hits[0]!.start) : rest).trim();
  const input: AssignInput = { title, leadUnit: '', deadline: '', coUnits: [] };
  let raiserText: string | undefined;
  hits.forEach((h, i) => {
    const end = h.key === 'description' ? rest.length : (hits[i + 1]?.start ?? rest.length);
    const value = rest.slice(h.valueStart, end).trim();
    if (h.key === 'raiserText') raiserText = value;
    else if (h.key === 'coUnits') input.coUnits = value.split(/[,，、\s]+/).filter(Boolean);
    else (input as Record<string, unknown>)[h.key] = value;
  });
  const missing: string[] = [];
  if (!input.title) missing.push('标题');
  if (!input.leadUnit) missing.push('单位');
  if (!input.deadline) missing.push('期限');
  return { input, missing, raiserText };
}
