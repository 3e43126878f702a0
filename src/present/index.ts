import { DomainError, isValidationError } from '../domain/errors.js';

/**
 * The one error presenter. Services throw DomainError (or a zod error for input of the wrong
 * shape); each transport hands what it caught to one of these and never maps codes itself.
 * Anything else is a fault: it is not shown to anyone (toReply and toToast return undefined so
 * the caller rethrows it; toHttp answers a generic 500 that carries no internal message).
 */

/** A refusal: a DomainError the domain threw, or input of the wrong shape. Nothing was changed. */
export type RefusalKind = 'refused' | 'invalid';

export function refusalOf(e: unknown): RefusalKind | undefined {
  if (e instanceof DomainError) return 'refused';
  if (isValidationError(e)) return 'invalid';
  return undefined;
}

/** The text shown for an unexpected fault; the log has the details. */
export const FAULT_TEXT = '服务暂时不可用，请稍后重试';

/** A chat command's answer to a refusal; undefined for a fault. */
export function toReply(e: unknown): string | undefined {
  if (e instanceof DomainError) return e.message;
  if (isValidationError(e)) return '命令内容格式有误，请发送 /帮助 查看正确格式。';
  return undefined;
}

/** A card-click toast, in both of Lark's languages. */
export interface Toast {
  type: 'error';
  content: string;
  i18n: { zh_cn: string; en_us: string };
}

const toast = (zh: string, en: string): Toast => ({
  type: 'error',
  content: zh,
  i18n: { zh_cn: zh, en_us: en },
});

/** The English line shown to a clicker whose client is in English, by error code. */
const EN_BY_CODE: Record<DomainError['code'], string> = {
  forbidden: 'Not allowed',
  not_found: 'Not found',
  invalid: 'Invalid input',
  conflict: 'Not possible in its current state',
  rate_limited: 'Too many requests, please try again later',
};

/** A card click's answer to a refusal; undefined for a fault. */
export function toToast(e: unknown): Toast | undefined {
  if (e instanceof DomainError) return toast(e.message, EN_BY_CODE[e.code]);
  if (isValidationError(e)) return toast('提交的内容格式有误，请重新操作。', 'Invalid input');
  return undefined;
}

/** A click on a button whose action no longer exists (an old card). */
export const STALE_BUTTON_TOAST = toast(
  '此按钮已失效，请发送 /帮助 查看可用命令。',
  'This button is no longer valid.',
);

export type HttpErrorStatus = 400 | 403 | 404 | 409 | 413 | 429 | 500;

export function httpStatusOf(e: DomainError): Exclude<HttpErrorStatus, 500> {
  switch (e.code) {
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
    default:
      return 400;
  }
}

/** An HTTP answer to any error: a refusal keeps its message, a fault says only FAULT_TEXT. */
export function toHttp(e: unknown): { status: HttpErrorStatus; body: { msg: string } } {
  if (e instanceof DomainError) return { status: httpStatusOf(e), body: { msg: e.message } };
  if (isValidationError(e)) return { status: 400, body: { msg: '提交的内容格式有误，请重新操作。' } };
  return { status: 500, body: { msg: FAULT_TEXT } };
}
