/**
 * Renders a card (or text message) as readable terminal text with numbered buttons:
 * local mode's log and `npm run chat` show what Lark would show.
 */
export interface RenderedButton {
  n: number;
  label: string;
  value: Record<string, unknown>;
  /** Set when the button submits a form: the form's field names. */
  formFields?: { name: string; label: string; required: boolean; kind: string; options?: string[] }[];
}

export interface Rendered {
  text: string;
  buttons: RenderedButton[];
}

const unentity = (s: string) =>
  s.replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d))).replace(/\*\*/g, '');

type Node = Record<string, unknown>;

export function renderMessage(msgType: string, content: string | unknown): Rendered {
  const c = typeof content === 'string' ? safeParse(content) : content;
  if (msgType === 'text') return { text: String((c as Node)?.text ?? ''), buttons: [] };
  if (msgType === 'file') return { text: `[文件 ${String((c as Node)?.file_key ?? '')}]`, buttons: [] };
  if (msgType !== 'interactive') return { text: `[${msgType}]`, buttons: [] };
  const card = c as Node;
  const lines: string[] = [];
  const buttons: RenderedButton[] = [];
  const header = card.header as Node | undefined;
  const title = (header?.title as Node | undefined)?.content;
  if (title) lines.push(`【${String(title)}】`);
  const walk = (els: unknown, formFields?: RenderedButton['formFields']) => {
    if (!Array.isArray(els)) return;
    for (const el of els as Node[]) {
      switch (el.tag) {
        case 'div':
          lines.push(unentity(String((el.text as Node | undefined)?.content ?? '')));
          break;
        case 'markdown':
          lines.push(unentity(String(el.content ?? '')));
          break;
        case 'hr':
          lines.push('────────');
          break;
        case 'column_set':
          for (const col of (el.columns as Node[] | undefined) ?? []) walk(col.elements, formFields);
          break;
        case 'collapsible_panel':
          walk(el.elements, formFields);
          break;
        case 'form': {
          const fields: NonNullable<RenderedButton['formFields']> = [];
          walk(el.elements, fields);
          break;
        }
        case 'input':
        case 'select_static':
        case 'multi_select_static':
        case 'date_picker':
          formFields?.push({
            name: String(el.name),
            label: String(
              (el.label as Node | undefined)?.content ??
                (el.placeholder as Node | undefined)?.content ??
                el.name,
            ),
            required: Boolean(el.required),
            kind: String(el.tag),
            options: Array.isArray(el.options)
              ? (el.options as Node[]).map((o) => String(o.value))
              : undefined,
          });
          break;
        case 'button': {
          const value = ((el.behaviors as Node[] | undefined)?.[0]?.value ?? {}) as Record<string, unknown>;
          const b: RenderedButton = {
            n: buttons.length + 1,
            label: String((el.text as Node | undefined)?.content ?? ''),
            value,
          };
          if (el.form_action_type === 'submit' && formFields) b.formFields = formFields;
          buttons.push(b);
          break;
        }
        case 'table': {
          const cols = (el.columns as Node[] | undefined) ?? [];
          lines.push(cols.map((x) => String(x.display_name)).join(' | '));
          for (const row of (el.rows as Node[] | undefined) ?? [])
            lines.push(cols.map((x) => unentity(String(row[String(x.name)] ?? ''))).join(' | '));
          break;
        }
        case 'chart':
          lines.push('[图表]');
          break;
        default:
          break;
      }
    }
  };
  walk((card.body as Node | undefined)?.elements);
  if (buttons.length) lines.push(buttons.map((b) => `[${b.n}] ${b.label}`).join('  '));
  return { text: lines.filter((l) => l !== '').join('\n'), buttons };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}
