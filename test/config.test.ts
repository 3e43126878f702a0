import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

describe('parseConfig', () => {
  it('defaults to local mode on 127.0.0.1:8787 with PGlite in ./data', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: './data',
      lark: undefined,
      timezone: 'Asia/Shanghai',
      reminderCron: '5 9 * * *',
      digestCron: '5 9 * * 1',
    });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('listens on all interfaces with Lark credentials', () => {
    const c = parseConfig({
      LARK_APP_ID: 'a',
      LARK_APP_SECRET: 'b',
      LARK_VERIFICATION_TOKEN: 'c',
      LARK_ENCRYPT_KEY: 'd',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.lark?.baseUrl).toBe('https://open.feishu.cn');
  });

  it('refuses LARK_APP_ID without the secrets that authenticate Lark', () => {
    try {
      parseConfig({ LARK_APP_ID: 'a', LARK_APP_SECRET: 'b' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).toContain('LARK_VERIFICATION_TOKEN');
      expect((e as ConfigError).message).toContain('LARK_ENCRYPT_KEY');
    }
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['APP_TIMEZONE', { APP_TIMEZONE: 'Mars/Olympus' }],
    ['REMINDER_CRON', { REMINDER_CRON: 'every day' }],
    ['LARK_BASE_URL', { LARK_BASE_URL: 'not a url' }],
  ])('names %s when it is wrong', (name, env) => {
    expect(() => parseConfig(env)).toThrow(name);
  });

  it('splits ADMIN_OPEN_IDS', () => {
    expect(parseConfig({ ADMIN_OPEN_IDS: 'ou_a, ou_b,,' }).adminOpenIds).toEqual(['ou_a', 'ou_b']);
  });
});
