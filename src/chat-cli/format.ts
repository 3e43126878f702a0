import { fieldLabel } from './form.js';
import type { CardState, Entry } from './mailroom.js';

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** One message or card update as the terminal shows it. */
export function formatEntry(e: Entry): string {
  const from = e.state.group ? `督办助手（群「${e.state.group}」）` : '督办助手';
  const body = formatBody(e.state);
  if (e.kind === 'update') return `◆ 卡片 #${e.no} 已更新：\n${body}`;
  if (e.state.msgType === 'interactive') return `◆ ${from} 发来卡片 #${e.no}：\n${body}`;
  return `◆ ${from}${e.msg.kind === 'reply' ? '回复' : ''}：\n${body}`;
}

/** A message's rendered text, indented, with what its form buttons will ask. */
export function formatBody(state: CardState): string {
  const { text, buttons } = state.rendered;
  // The renderer lists a form's fields only on its submit button: say what pressing it will ask.
  const forms = buttons
    .filter((b) => b.formFields?.length)
    .map(
      (b) =>
        `表单「${b.label}」[${b.n}]：${b.formFields!.map((f) => `${fieldLabel(f)}${f.required ? '（必填）' : ''}`).join('、')}`,
    );
  return indent([text || '（空白消息）', ...forms].join('\n'));
}

const TOAST: Record<string, string> = { success: '成功', error: '失败', warning: '注意', info: '提示' };

export function formatToast(t: { type?: string; content?: string }): string {
  return `［${TOAST[t.type ?? ''] ?? '提示'}］${t.content ?? ''}`;
}

export function sizeText(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1048576).toFixed(1)} MB`;
}
