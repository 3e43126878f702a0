import type { RenderedButton } from '../../cards/render-text.js';

type Node = Record<string, unknown>;
type Field = NonNullable<RenderedButton['formFields']>[number];

/** What the text renderer leaves out but a click needs: the confirm dialog, field defaults, option labels. */
export interface ButtonDetails {
  confirm?: string;
  /** The button's `name`: Lark sends it back as action.name. */
  name?: string;
  defaults: Record<string, string>;
  options: Record<string, { label: string; value: string }[]>;
}

const textOf = (v: unknown): string | undefined => {
  const c = (v as Node | undefined)?.content;
  return typeof c === 'string' ? c : undefined;
};

/** The n-th button (1-based) in the order cards/render-text.ts numbers them. */
export function buttonDetails(card: unknown, n: number): ButtonDetails | undefined {
  let count = 0;
  let found: ButtonDetails | undefined;
  const walk = (els: unknown, form?: Omit<ButtonDetails, 'confirm' | 'name'>) => {
    if (!Array.isArray(els) || found) return;
    for (const el of els as Node[]) {
      if (found) return;
      switch (el.tag) {
        case 'column_set':
          for (const col of (el.columns as Node[] | undefined) ?? []) walk(col.elements, form);
          break;
        case 'collapsible_panel':
          walk(el.elements, form);
          break;
        case 'form':
          walk(el.elements, { defaults: {}, options: {} });
          break;
        case 'input':
        case 'select_static':
        case 'multi_select_static':
        case 'date_picker': {
          if (!form) break;
          const name = String(el.name);
          const def = el.default_value ?? el.initial_option ?? el.initial_date;
          if (typeof def === 'string' && def) form.defaults[name] = def;
          if (Array.isArray(el.options))
            form.options[name] = (el.options as Node[]).map((o) => ({
              value: String(o.value),
              label: textOf(o.text) ?? String(o.value),
            }));
          break;
        }
        case 'button': {
          count++;
          if (count !== n) break;
          const confirm = textOf((el.confirm as Node | undefined)?.text);
          const inForm = el.form_action_type === 'submit' && form;
          found = {
            ...(confirm ? { confirm } : {}),
            ...(typeof el.name === 'string' ? { name: el.name } : {}),
            defaults: inForm ? form.defaults : {},
            options: inForm ? form.options : {},
          };
          break;
        }
        default:
          break;
      }
    }
  };
  walk(((card as Node | undefined)?.body as Node | undefined)?.elements);
  return found;
}

/** "+0800" for a date in a time zone: Lark's date pickers send "2026-12-31 +0800". */
export function offsetOf(timezone: string, date: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${date}T12:00:00Z`))
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  return m ? `${m[1]}${m[2]}${m[3]}` : '+0000';
}

/** Selects and date pickers carry only a placeholder ("请选择牵头单位"): show the field's name. */
export const fieldLabel = (f: { label: string }) => f.label.replace(/^请(选择|输入)/, '') || f.label;

export type Ask = (prompt: string) => Promise<string | undefined>;

const CANCEL = /^[:：](cancel|取消)$/i;

function parseAnswer(
  f: Field,
  raw: string,
  options: { label: string; value: string }[],
  timezone: string,
): { value: unknown } | { error: string } {
  const pick = (s: string) => {
    const t = s.trim();
    if (/^\d+$/.test(t) && options[Number(t) - 1]) return options[Number(t) - 1]!.value;
    return options.find((o) => o.label === t || o.value === t)?.value;
  };
  switch (f.kind) {
    case 'select_static': {
      const v = pick(raw);
      return v === undefined ? { error: `没有「${raw}」这一项，请输入序号或名称。` } : { value: v };
    }
    case 'multi_select_static': {
      const parts = raw.split(/[,，、\s]+/).filter(Boolean);
      const values = parts.map(pick);
      const bad = parts.filter((_, i) => values[i] === undefined);
      return bad.length
        ? { error: `没有「${bad.join('、')}」，请输入序号或名称，用逗号分隔。` }
        : { value: values };
    }
    case 'date_picker': {
      const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw.trim());
      const date = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
      const d = new Date(`${date}T00:00:00Z`);
      if (!m || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date)
        return { error: '请按 YYYY-MM-DD 输入日期，例如 2026-12-31。' };
      return { value: `${date} ${offsetOf(timezone, date)}` };
    }
    default:
      return { value: raw };
  }
}

/**
 * Asks for each field of a form, as the Lark client would show it: required ones marked, select
 * options listed with numbers, dates as YYYY-MM-DD. Blank keeps the default or skips an optional
 * field; `:cancel` (or the end of input) abandons the form. Returns the form_value Lark would send.
 */
export async function fillForm(
  fields: Field[],
  details: ButtonDetails,
  ask: Ask,
  say: (s: string) => void,
  timezone: string,
): Promise<Record<string, unknown> | undefined> {
  const value: Record<string, unknown> = {};
  say('请填写表单（回车跳过选填项或采用默认值；输入 :cancel 取消）：');
  for (const f of fields) {
    const options = details.options[f.name] ?? (f.options ?? []).map((v) => ({ label: v, value: v }));
    const def = details.defaults[f.name];
    const multi = f.kind === 'multi_select_static';
    const label = fieldLabel(f);
    if (options.length) say(`  ${label} 的选项：${options.map((o, i) => `${i + 1}) ${o.label}`).join('  ')}`);
    const hint =
      f.kind === 'date_picker'
        ? '（YYYY-MM-DD）'
        : options.length
          ? multi
            ? '（序号或名称，可多选，逗号分隔）'
            : '（序号或名称）'
          : '';
    const defLabel = def ? (options.find((o) => o.value === def)?.label ?? def) : undefined;
    const prompt = `  ${label}${f.required ? '（必填）' : '（选填）'}${hint}${defLabel ? `［默认：${defLabel}］` : ''}：`;
    for (;;) {
      const raw = await ask(prompt);
      if (raw === undefined || CANCEL.test(raw.trim())) return undefined;
      const t = raw.trim();
      if (!t) {
        if (def !== undefined) {
          value[f.name] =
            f.kind === 'date_picker' ? `${def} ${offsetOf(timezone, def)}` : multi ? [def] : def;
          break;
        }
        if (f.required) {
          say('  此项必填。');
          continue;
        }
        break;
      }
      const parsed = parseAnswer(f, t, options, timezone);
      if ('error' in parsed) {
        say(`  ${parsed.error}`);
        continue;
      }
      value[f.name] = parsed.value;
      break;
    }
  }
  return value;
}
