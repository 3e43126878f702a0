import { describe, expect, it } from 'vitest';
import { ConfigError, checkSigning, parseConfig } from '../src/config.js';

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

  it("titles the anonymous web form from FEEDBACK_TITLE, else from ORG_NAME (never a campaign's subject)", () => {
    expect(parseConfig({}).feedbackTitle).toBe('人大常委会办公室 · 匿名反馈');
    expect(parseConfig({ ORG_NAME: '丹江口市人大常委会办公室' }).feedbackTitle).toBe(
      '丹江口市人大常委会办公室 · 匿名反馈',
    );
    expect(parseConfig({ FEEDBACK_TITLE: '人大代表联络站 · 意见建议' }).feedbackTitle).toBe(
      '人大代表联络站 · 意见建议',
    );
  });

  it('listens on all interfaces with Lark credentials', () => {
    const c = parseConfig({
      LARK_APP_ID: 'cli_a0b1c2d3e4f50008',
      LARK_APP_SECRET: 'b',
      LARK_VERIFICATION_TOKEN: 'c',
      LARK_ENCRYPT_KEY: 'd',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.lark?.baseUrl).toBe('https://open.feishu.cn');
  });

  it("refuses an app id without Lark's shape in webhook mode too, naming the variable", () => {
    const keys = { LARK_APP_SECRET: 'b', LARK_VERIFICATION_TOKEN: 'c', LARK_ENCRYPT_KEY: 'd' };
    for (const bad of ['cli_test', 'cli_a0b1c2d3e4f5000', 'cli_a0b1c2d3e4f5000g', 'app_a0b1c2d3e4f50008']) {
      try {
        parseConfig({ LARK_APP_ID: bad, ...keys });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toContain('LARK_APP_ID');
        expect((e as ConfigError).message).toContain('16 位十六进制');
      }
    }
  });

  it('refuses LARK_APP_ID without the secrets that authenticate Lark', () => {
    try {
      parseConfig({ LARK_APP_ID: 'cli_a0b1c2d3e4f50008', LARK_APP_SECRET: 'b' });
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

describe('fail closed: unsigned events only on loopback unless ALLOW_UNSIGNED=1', () => {
  const keys = { LARK_VERIFICATION_TOKEN: 'vt', LARK_ENCRYPT_KEY: 'ek' };

  it('local mode on loopback needs no keys', () => {
    expect(checkSigning(parseConfig({}))).toBeUndefined();
    expect(checkSigning(parseConfig({ HOST: '127.0.0.2' }))).toBeUndefined();
    expect(checkSigning(parseConfig({ HOST: '::1' }))).toBeUndefined();
    expect(() => parseConfig({ HOST: 'localhost' }, 'node')).not.toThrow();
  });

  it('refuses a non-loopback HOST or Workers without the keys, naming them and the way out', () => {
    for (const [env, runtime] of [
      [{ HOST: '0.0.0.0' }, 'node'],
      [{ HOST: '10.0.0.5', LARK_VERIFICATION_TOKEN: 'vt' }, 'node'],
      [{}, 'workers'],
    ] as const) {
      try {
        parseConfig(env, runtime);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toContain('LARK_ENCRYPT_KEY');
        expect((e as ConfigError).message).toContain('ALLOW_UNSIGNED=1');
      }
      expect(() => checkSigning(parseConfig(env), runtime)).toThrow(ConfigError);
    }
  });

  it('with the keys, or with ALLOW_UNSIGNED=1 (and a warning), it starts', () => {
    expect(checkSigning(parseConfig({ HOST: '0.0.0.0', ...keys }))).toBeUndefined();
    expect(checkSigning(parseConfig(keys), 'workers')).toBeUndefined();
    const warning = checkSigning(parseConfig({ HOST: '0.0.0.0', ALLOW_UNSIGNED: '1' }));
    expect(warning).toContain('ALLOW_UNSIGNED');
    expect(checkSigning(parseConfig({ ALLOW_UNSIGNED: '1' }), 'workers')).toContain('Workers');
  });
});
