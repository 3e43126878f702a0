import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';
import {
  FAULT_TEXT,
  refusalOf,
  STALE_BUTTON_TOAST,
  toHttp,
  toReply,
  toToast,
} from '../../src/present/index.js';

/** Every code and its HTTP status: a new code fails to compile here until it is listed. */
const STATUS: Record<DomainErrorCode, number> = {
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  rate_limited: 429,
};

/** The English toast line by code (the Chinese one is the error's own message). */
const EN: Record<DomainErrorCode, string> = {
  forbidden: 'Not allowed',
  not_found: 'Not found',
  invalid: 'Invalid input',
  conflict: 'Not possible in its current state',
  rate_limited: 'Too many requests, please try again later',
};

const zodError = () => {
  const r = z.object({ a: z.string() }).safeParse({});
  if (r.success) throw new Error('expected a zod error');
  return r.error;
};

describe('a DomainError', () => {
  for (const [code, status] of Object.entries(STATUS) as [DomainErrorCode, number][]) {
    it(`${code}: its message as the reply, a bilingual toast, HTTP ${status}`, () => {
      const e = new DomainError(code, `不行：${code}`);
      expect(refusalOf(e)).toBe('refused');
      expect(toReply(e)).toBe(`不行：${code}`);
      const t = toToast(e);
      expect(t?.type).toBe('error');
      expect(t?.content).toBe(`不行：${code}`);
      expect(t?.i18n.zh_cn).toBe(`不行：${code}`);
      expect(t?.i18n.en_us).toBe(EN[code]);
      expect(toHttp(e)).toEqual({ status, body: { msg: `不行：${code}` } });
    });
  }
});

describe('input of the wrong shape (zod)', () => {
  it('is refused with a fixed text, never the issues', () => {
    const e = zodError();
    expect(refusalOf(e)).toBe('invalid');
    expect(toReply(e)).toBe('命令内容格式有误，请发送 /帮助 查看正确格式。');
    expect(toToast(e)).toEqual({
      type: 'error',
      content: '提交的内容格式有误，请重新操作。',
      i18n: { zh_cn: '提交的内容格式有误，请重新操作。', en_us: 'Invalid input' },
    });
    expect(toHttp(e)).toEqual({ status: 400, body: { msg: '提交的内容格式有误，请重新操作。' } });
  });
});

describe('a fault (any other error)', () => {
  it('is not presented to chat or a card, and HTTP says only the generic text', () => {
    const e = new Error('relation "secret_table" does not exist');
    expect(refusalOf(e)).toBeUndefined();
    expect(toReply(e)).toBeUndefined();
    expect(toToast(e)).toBeUndefined();
    expect(toHttp(e)).toEqual({ status: 500, body: { msg: FAULT_TEXT } });
    expect(JSON.stringify(toHttp(e))).not.toContain('secret_table');
    expect(toHttp('a string').status).toBe(500);
  });
});

describe('the stale-button toast', () => {
  it('has zh_cn and en_us', () => {
    expect(STALE_BUTTON_TOAST.i18n.zh_cn).toBe(STALE_BUTTON_TOAST.content);
    expect(STALE_BUTTON_TOAST.i18n.en_us).toBe('This button is no longer valid.');
  });
});
