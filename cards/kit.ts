/**
 * Card JSON 2.0 building blocks (docs/lark.md §4). User-supplied text goes into plain_text
 * (never parsed as markdown: no injected links, no @all); our own labels may use markdown.
 */
export type Json = Record<string, unknown>;
export type Element = Json;
export type HeaderColor =
  | 'blue'
  | 'wathet'
  | 'turquoise'
  | 'green'
  | 'yellow'
  | 'orange'
  | 'red'
  | 'carmine'
  | 'violet'
  | 'purple'
  | 'indigo'
  | 'grey';

export interface Card extends Json {
  schema: '2.0';
  config: Json;
  header?: Json;
  body: { elements: Element[] };
}

export function card(
  title: string,
  elements: Element[],
  opts: { color?: HeaderColor; enTitle?: string; subtitle?: string } = {},
): Card {
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', locales: ['zh_cn', 'en_us'] },
    header: {
      template: opts.color ?? 'blue',
      title: {
        tag: 'plain_text',
        content: title,
        ...(opts.enTitle ? { i18n_content: { en_us: opts.enTitle } } : {}),
      },
      ...(opts.subtitle ? { subtitle: { tag: 'plain_text', content: opts.subtitle } } : {}),
    },
    body: { elements },
  };
}

/** Plain text, never interpreted: the only safe home for what users typed. */
export function text(content: string, opts: { size?: 'normal' | 'notation'; color?: string } = {}): Element {
  return {
    tag: 'div',
    text: {
      tag: 'plain_text',
      content,
      ...(opts.size ? { text_size: opts.size } : {}),
      ...(opts.color ? { text_color: opts.color } : {}),
    },
  };
}

/** Markdown for our own fixed labels only. Interpolated user text must go through escapeMd. */
export function md(content: string): Element {
  return { tag: 'markdown', content };
}

/** A label in bold followed by a plain value: "**状态**：已交办" without parsing the value. */
export function field(label: string, value: string): Element {
  return md(`**${escapeMd(label)}**：${escapeMd(value)}`);
}

const MD_SPECIAL = /[\\`*_~[\]()#|>!<&:@]/g;
/** Escapes markdown and Lark tags in user text (docs/lark.md §7) with numeric entities. */
export function escapeMd(s: string): string {
  return s.replace(MD_SPECIAL, (c) => `&#${c.charCodeAt(0)};`).replace(/\n/g, '\n');
}

/** An image the bot uploaded (by its key), as wide as the card. */
export function image(imgKey: string, alt: string): Element {
  return {
    tag: 'img',
    img_key: imgKey,
    alt: { tag: 'plain_text', content: alt },
    scale_type: 'fit_horizontal',
  };
}

export function hr(): Element {
  return { tag: 'hr' };
}

export type ButtonType = 'primary' | 'default' | 'danger' | 'primary_filled' | 'danger_filled' | 'text';

/** A button whose callback value is validated again on the server (never trusted for authority). */
export function button(
  label: string,
  value: Json,
  type: ButtonType = 'default',
  opts: { name?: string; confirm?: string } = {},
): Element {
  return {
    tag: 'button',
    ...(opts.name ? { name: opts.name } : {}),
    type,
    text: { tag: 'plain_text', content: label },
    behaviors: [{ type: 'callback', value }],
    ...(opts.confirm
      ? {
          confirm: {
            title: { tag: 'plain_text', content: '请确认' },
            text: { tag: 'plain_text', content: opts.confirm },
          },
        }
      : {}),
  };
}

export function buttons(items: Element[]): Element {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: items.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

export function input(
  name: string,
  label: string,
  opts: {
    placeholder?: string;
    required?: boolean;
    multiline?: boolean;
    maxLength?: number;
    value?: string;
  } = {},
): Element {
  return {
    tag: 'input',
    name,
    label: { tag: 'plain_text', content: label },
    ...(opts.multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
    placeholder: { tag: 'plain_text', content: opts.placeholder ?? `请输入${label}` },
    required: opts.required ?? false,
    ...(opts.maxLength ? { max_length: opts.maxLength } : {}),
    ...(opts.value ? { default_value: opts.value } : {}),
  };
}

export function select(
  name: string,
  label: string,
  options: { label: string; value: string }[],
  opts: { required?: boolean; initial?: string; multi?: boolean } = {},
): Element {
  return {
    tag: opts.multi ? 'multi_select_static' : 'select_static',
    name,
    placeholder: { tag: 'plain_text', content: `请选择${label}` },
    required: opts.required ?? false,
    ...(opts.initial ? { initial_option: opts.initial } : {}),
    options: options.map((o) => ({ text: { tag: 'plain_text', content: o.label }, value: o.value })),
  };
}

export function datePicker(
  name: string,
  label: string,
  opts: { required?: boolean; initial?: string } = {},
): Element {
  return {
    tag: 'date_picker',
    name,
    placeholder: { tag: 'plain_text', content: `请选择${label}` },
    required: opts.required ?? false,
    ...(opts.initial ? { initial_date: opts.initial } : {}),
  };
}

/** A form: fields plus a 提交 button whose callback value names the action. */
export function form(name: string, fields: Element[], submitValue: Json, submitLabel = '提交'): Element {
  return {
    tag: 'form',
    name,
    elements: [
      ...fields,
      {
        tag: 'button',
        name: `${name}_submit`,
        form_action_type: 'submit',
        type: 'primary',
        text: { tag: 'plain_text', content: submitLabel },
        behaviors: [{ type: 'callback', value: submitValue }],
      },
    ],
  };
}

export function note(content: string): Element {
  return text(content, { size: 'notation', color: 'grey' });
}

/** The card's size as Lark counts it (the serialized content); Lark refuses over 30 KB. */
export function cardBytes(c: unknown): number {
  return Buffer.byteLength(JSON.stringify(c), 'utf8');
}
export const CARD_LIMIT_BYTES = 30 * 1024;

/**
 * A card that fits Lark's limit: each step, from the fullest, is built until one fits. When none
 * does, `otherwise` (a last, smallest card, not measured) or else the last step's card is used.
 */
export function fitCard<S>(
  steps: readonly [S, ...S[]],
  build: (step: S) => Card,
  o: { limit?: number; otherwise?: () => Card } = {},
): Card {
  const limit = o.limit ?? CARD_LIMIT_BYTES;
  let c = build(steps[0]);
  for (const step of steps.slice(1)) {
    if (cardBytes(c) <= limit) return c;
    c = build(step);
  }
  if (cardBytes(c) <= limit) return c;
  return o.otherwise ? o.otherwise() : c;
}
