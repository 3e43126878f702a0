import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import { CATEGORIES, DESCRIPTION_MAX, SOURCES, TIMELINESS, TITLE_MAX } from '../../domain/problem.js';
import { closest } from '../../domain/text.js';
import { type UnitRow, unitLabels } from '../units/read.js';
import { splitList } from './columns.js';
import type { RawProblemRow, RawUnitRow } from './read.js';

/**
 * Every row of an import checked against the units the bot knows, before anything is written.
 * The same function runs for the preview (unknown units listed, to be ticked) and again at commit
 * (unknown units not ticked are errors), so a file that changed meaning in between imports nothing.
 */

export interface RowIssue {
  sheet: string;
  row: number;
  messages: string[];
}

/** A unit of the 单位与联络员 sheet, its contacts already looked up in the directory. */
export interface DeclaredUnit {
  row: number;
  name: string;
  shortName: string | null;
  aliases: string[];
  contacts: { raw: string; openId: string; name: string }[];
  /** The registered unit it names (then only its contacts are added); null: created with the import. */
  existingId: number | null;
}

export interface PlannedRow {
  row: number;
  key: string;
  title: string;
  description: string;
  /** Canonical names: a registered unit's full name, or the name of a unit the import creates. */
  leadUnit: string;
  coUnits: string[];
  category: string | null;
  timeliness: string;
  /** YYYY-MM-DD. */
  deadline: string;
  source: string;
}

export interface UnknownUnit {
  name: string;
  rows: number[];
  suggestions: string[];
}

export interface Validation {
  ready: PlannedRow[];
  /** Rows already imported before (same key): skipped. */
  existing: { row: number; code: string }[];
  errors: RowIssue[];
  /** Names in the problem rows that no registered or declared unit carries (preview only). */
  unknown: UnknownUnit[];
}

export interface ValidateEnv {
  sheet: string;
  units: UnitRow[];
  declared: DeclaredUnit[];
  /** At commit: the unknown names staff ticked to create. Undefined in the preview. */
  create?: ReadonlySet<string>;
  /** The campaign's categories (the 营商 six when empty). */
  categories?: readonly string[];
  /** Problems already imported, by import key. */
  existing: ReadonlyMap<string, { code: string; title: string }>;
  /** "2026-12-31" / "10个工作日" → a date; throws a DomainError saying what is wrong. */
  deadline(raw: string): string;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The row's identity across files: its 序号, or its title and lead unit. */
export function importKey(no: string, title: string, leadUnit: string): string {
  if (no) return `no:${squash(no)}`;
  const h = createHash('sha256')
    .update(`${squash(title)}\u0000${leadUnit}`)
    .digest('hex');
  return `h:${h.slice(0, 40)}`;
}

function choice(label: string, value: string, allowed: readonly string[]): string | undefined {
  if ((allowed as readonly string[]).includes(value)) return undefined;
  const near = closest(value, [...allowed], 1);
  return `${label}「${value}」无效${near.length ? `，您是否要写「${near[0]}」？` : '，'}可选：${allowed.join('、')}`;
}

/** Label → canonical unit name, over registered units and the units the workbook declares. */
function unitNames(env: ValidateEnv): Map<string, string> {
  const m = new Map<string, string>();
  for (const u of env.units) for (const l of unitLabels(u)) if (!m.has(l)) m.set(l, u.name);
  for (const d of env.declared)
    if (d.existingId === null)
      for (const l of [d.name, d.shortName ?? '', ...d.aliases]) if (l && !m.has(l)) m.set(l, d.name);
  return m;
}

/** 类别, 时效, 来源 (with their defaults) and the deadline; each problem found is pushed onto `messages`. */
function choiceFields(r: RawProblemRow, env: ValidateEnv, messages: string[]) {
  const category = r.category.trim() || null;
  if (category) {
    const m = choice('类别', category, env.categories ?? CATEGORIES);
    if (m) messages.push(m);
  }
  const timeliness = r.timeliness.trim() || '长期整改';
  const tm = choice('时效', timeliness, TIMELINESS);
  if (tm) messages.push(tm);
  const source = r.source.trim() || '走访';
  const sm = choice('来源', source, SOURCES);
  if (sm) messages.push(sm);
  let deadline = '';
  if (!r.deadline.trim()) messages.push('缺少期限');
  else {
    try {
      deadline = env.deadline(r.deadline);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      messages.push(e.message.replace(/[。.]$/, ''));
    }
  }
  return { category, timeliness, source, deadline };
}

export function validateProblems(rows: readonly RawProblemRow[], env: ValidateEnv): Validation {
  const names = unitNames(env);
  const labels = [...names.keys()];
  const unknown = new Map<string, UnknownUnit>();
  const firstRowOfKey = new Map<string, number>();
  const out: Validation = { ready: [], existing: [], errors: [], unknown: [] };

  for (const r of rows) {
    const messages: string[] = [];
    const unit = (raw: string, label: string): string | undefined => {
      const hit = names.get(raw);
      if (hit) return hit;
      if (env.create?.has(raw)) return raw;
      const suggestions = closest(raw, labels);
      if (env.create) {
        messages.push(
          `${label}「${raw}」不存在${suggestions.length ? `，您是否要找：${suggestions.join('、')}？` : '。'}如需新建，请在预览卡片中勾选该单位。`,
        );
        return undefined;
      }
      const u = unknown.get(raw) ?? { name: raw, rows: [], suggestions };
      if (!u.rows.includes(r.row)) u.rows.push(r.row);
      unknown.set(raw, u);
      return raw;
    };

    const title = squash(r.title);
    if (!title) messages.push('缺少问题标题');
    else if ([...title].length > TITLE_MAX)
      messages.push(`问题标题超过 ${TITLE_MAX} 个字（${[...title].length} 个字）`);
    const leadRaw = r.leadUnit.trim();
    if (!leadRaw) messages.push('缺少牵头单位');
    const lead = leadRaw ? unit(leadRaw, '牵头单位') : undefined;

    // Identity first: a row imported before is skipped whatever else has changed (a date now past).
    const key = importKey(r.no, title, lead ?? leadRaw);
    const first = firstRowOfKey.get(key);
    if (first !== undefined) {
      out.errors.push({
        sheet: env.sheet,
        row: r.row,
        messages: [`与第 ${first} 行重复（${r.no ? `序号「${r.no}」相同` : '问题标题和牵头单位相同'}）`],
      });
      continue;
    }
    firstRowOfKey.set(key, r.row);
    const before = env.existing.get(key);
    if (before) {
      if (r.no && title && squash(before.title) !== title) {
        out.errors.push({
          sheet: env.sheet,
          row: r.row,
          messages: [`序号「${r.no}」已用于 ${before.code}「${before.title}」，与本行标题不同，请核对序号`],
        });
      } else out.existing.push({ row: r.row, code: before.code });
      continue;
    }

    const description = r.description.trim();
    if ([...description].length > DESCRIPTION_MAX) messages.push(`问题描述超过 ${DESCRIPTION_MAX} 个字`);
    const co: string[] = [];
    for (const name of splitList(r.coUnits)) {
      const c = unit(name, '配合单位');
      if (c && c !== lead && !co.includes(c)) co.push(c);
    }
    const { category, timeliness, source, deadline } = choiceFields(r, env, messages);
    if (messages.length) {
      out.errors.push({ sheet: env.sheet, row: r.row, messages });
      continue;
    }
    out.ready.push({
      row: r.row,
      key,
      title,
      description,
      leadUnit: lead!,
      coUnits: co,
      category,
      timeliness,
      deadline,
      source,
    });
  }
  out.unknown = [...unknown.values()];
  return out;
}

/**
 * The 单位与联络员 sheet: each row a unit (registered or new) and its contacts by e-mail or mobile,
 * looked up through the contact API (`lookup` throws a DomainError for someone not found).
 */
export async function prepareUnits(
  rows: readonly RawUnitRow[],
  sheet: string,
  units: UnitRow[],
  lookup: (token: string) => Promise<{ openId: string; name: string }>,
): Promise<{ declared: DeclaredUnit[]; errors: RowIssue[] }> {
  const byLabel = new Map<string, UnitRow>();
  for (const u of units) for (const l of unitLabels(u)) if (!byLabel.has(l)) byLabel.set(l, u);
  const declared = new Map<string, DeclaredUnit>();
  const errors: RowIssue[] = [];
  const taken = new Map<string, string>();
  for (const r of rows) {
    const messages: string[] = [];
    const name = squash(r.name);
    if (!name) {
      errors.push({ sheet, row: r.row, messages: ['缺少单位名称'] });
      continue;
    }
    if ([...name].length > 100) messages.push('单位名称超过 100 个字');
    const existing = byLabel.get(name);
    const d: DeclaredUnit = declared.get(existing?.name ?? name) ?? {
      row: r.row,
      name: existing?.name ?? name,
      shortName: null,
      aliases: [],
      contacts: [],
      existingId: existing?.id ?? null,
    };
    if (!existing) {
      d.shortName ??= squash(r.shortName) || null;
      for (const a of splitList(r.aliases))
        if (!d.aliases.includes(a) && a !== d.name && a !== d.shortName) d.aliases.push(a);
      for (const l of [d.shortName, ...d.aliases]) {
        if (!l) continue;
        const other = byLabel.get(l)?.name ?? (taken.get(l) !== d.name ? taken.get(l) : undefined);
        if (other) messages.push(`简称或别名「${l}」已用于${other}`);
        else taken.set(l, d.name);
      }
    }
    for (const token of splitList(r.contacts, { spaces: 'drop' })) {
      try {
        const p = await lookup(token);
        if (!d.contacts.some((c) => c.openId === p.openId)) d.contacts.push({ raw: token, ...p });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        messages.push(e.message.replace(/[。.]$/, ''));
      }
    }
    if (messages.length) errors.push({ sheet, row: r.row, messages });
    declared.set(d.name, d);
  }
  return { declared: [...declared.values()], errors };
}
