import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buttonDetails, fillForm, offsetOf } from '../../src/chat-cli/form.js';
import { chooseDatabase, parseChatArgs } from '../../src/chat-cli/options.js';
import { CAST, findPerson } from '../../src/chat-cli/people.js';
import { acquireDataDirLock } from '../../src/entry/data-dir-lock.js';

const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp() {
  const d = mkdtempSync(join(tmpdir(), 'duban-chat-'));
  dirs.push(d);
  return d;
}

const cleanEnv = (extra: Record<string, string>) => {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (
      k.startsWith('LARK_') ||
      k.startsWith('CHAT_') ||
      ['DATABASE_URL', 'PORT', 'HOST', 'DATA_DIR'].includes(k)
    )
      delete env[k];
  return { ...env, ...extra };
};

/** Runs `npm run chat`'s entry with a script on stdin; resolves with everything it printed once it exits. */
function chat(
  script: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/entry/chat.ts'], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run chat did not finish:\n${out}\n${err}`));
    }, 55_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(`${script.join('\n')}\n`);
  });
}

/** The text between a prompt line and the next prompt: what one input produced. */
function answerTo(out: string, input: string): string {
  const i = out.indexOf(`> ${input}\n`);
  if (i < 0) throw new Error(`no "${input}" in the transcript:\n${out}`);
  const rest = out.slice(i + input.length + 3);
  const next = rest.search(/^\[[^\]\n]+\]> /m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe('npm run chat, driven through stdin', () => {
  it('plays the whole loop: roles, unit, contact, assign, 签收, progress form, evidence, close-out, approval', async () => {
    const dataDir = tmp();
    const photo = join(dataDir, 'site.png');
    writeFileSync(photo, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const { code, out, err } = await chat(
      [
        '/角色 工作人员 wangmin@example.com',
        '/角色 督导 liqiang@example.com',
        '/我是 王敏',
        '/单位 添加 市人社局',
        '/联络员 添加 市人社局 zhangwei@example.com',
        // 李强 decides for his group (problems outside any group go to staff).
        '/督导组 添加 第一督导组',
        '/督导组 成员 第一督导组 添加 liqiang@example.com',
        '/督导组 单位 第一督导组 市人社局',
        '/交办 企业社保补贴兑现慢 单位:市人社局 期限:10个工作日 类别:政策兑现',
        ':as 张伟',
        '1', // 签收
        '1', // 反馈进展: opens the form
        '1', // 提交: asks for the fields
        '', // required: asked again
        '已梳理名单，首批补贴已拨付。',
        '40',
        '', // optional, skipped
        `:file ${photo}`,
        '2', // 申请销号
        '1',
        '补贴已全部兑现，附拨付凭证。',
        ':as 3', // 李强
        '1', // 同意销号, with a confirmation
        'y',
        ':as 张伟',
        ':quit',
      ],
      { DATA_DIR: dataDir },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('[管理员]> ');
    expect(answerTo(out, '/角色 工作人员 wangmin@example.com')).toContain('已授予王敏');
    expect(answerTo(out, '/联络员 添加 市人社局 zhangwei@example.com')).toContain(
      '已设置张伟为市人社局联络员',
    );

    const assigned = answerTo(out, '/交办 企业社保补贴兑现慢 单位:市人社局 期限:10个工作日 类别:政策兑现');
    const code1 = /DB-\d{4}-001/.exec(assigned)?.[0];
    expect(code1).toBeDefined();
    // The contact's card waits in their inbox until the terminal plays them.
    expect(assigned).toContain('（张伟 收到 1 条新消息，输入 :as 张伟 查看）');
    const card = answerTo(out, ':as 张伟');
    expect(card).toContain(`【${code1} 企业社保补贴兑现慢】`);
    expect(card).toContain('[1] 签收  [2] 反馈进展  [3] 申请销号  [4] 申请延期  [5] 申请改派');

    const ack = out.slice(out.indexOf('[张伟]> 1\n'));
    expect(ack).toContain(`［成功］已签收 ${code1}`);
    expect(ack).toContain('状态：已签收');

    expect(out).toContain('  整改进展（必填）：\n  此项必填。\n  整改进展（必填）：已梳理名单');
    expect(out).toContain('［成功］');
    expect(out).toContain('状态：整改中');

    // Evidence: the bytes were put in the stand-in and the service downloaded them through the SDK.
    const evidence = answerTo(out, `:file ${photo}`);
    expect(evidence).toContain('回复卡片 #1');
    expect(evidence).toContain(`附到 ${code1}`);
    expect(evidence).toContain('佐证材料：1 件');

    expect(out).toContain('整改情况小结（必填）：补贴已全部兑现');
    expect(out).toContain('状态：待销号');
    const review = answerTo(out, ':as 3');
    expect(review).toContain('现在你是 李强');
    expect(review).toContain('[1] 同意销号  [2] 退回整改');
    expect(out).toContain(`确认同意 ${code1} 销号？（y/N）：y`);
    expect(out).toContain(`［成功］已同意 ${code1} 销号`);
    const decision = out.slice(out.lastIndexOf('> :as 张伟'));
    expect(decision).toContain(code1!);
    expect(decision).toContain('状态：已销号');
  }, 60_000);

  it('walks the demo data set: lists the two campaigns, switches to the 代表建议 one and opens its problem', async () => {
    const dir = tmp();
    const demo = spawnSync(tsx, ['src/entry/demo.ts'], {
      env: cleanEnv({ DATA_DIR: dir }),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(demo.status, demo.stderr).toBe(0);
    const DEPUTIES = '2027年代表建议办理';
    const { code, out, err } = await chat(
      ['/议题 列表', `/议题 切换 ${DEPUTIES}`, '/清单', '/查看 DB-2027-001', ':quit'],
      { CHAT_DATA_DIR: dir },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const list = answerTo(out, '/议题 列表');
    expect(list).toContain('议题共 2 个');
    expect(list).toContain('2026年优化营商环境专项工作评议（专项评议，2026年度，进行中）【默认、当前】');
    expect(list).toContain(`${DEPUTIES}（代表建议，2027年度，进行中）`);
    expect(answerTo(out, `/议题 切换 ${DEPUTIES}`)).toContain(`已切换到议题「${DEPUTIES}」`);
    const list2027 = answerTo(out, '/清单');
    expect(list2027).toContain('【问题清单】');
    expect(list2027).toContain('共 12 件');
    expect(list2027).toContain('DB-2027-001　加快推进老旧小区加装电梯');
    expect(list2027).not.toContain('DB-2026-');
    const shown = answerTo(out, '/查看 DB-2027-001');
    expect(shown).toContain('【DB-2027-001 加快推进老旧小区加装电梯】');
    expect(shown).toContain('牵头单位：市住房和城乡建设局');
    expect(shown).toContain('类别：城乡建设');
    expect(shown).toContain('王建国代表建议');
  }, 180_000);

  it('never opens a data directory another process holds, and says what to do', async () => {
    const dir = tmp();
    const lock = acquireDataDirLock(dir); // this test process plays the running `npm start`
    try {
      const r = spawnSync(tsx, ['src/entry/chat.ts', '--fresh'], {
        env: cleanEnv({ CHAT_DATA_DIR: dir }),
        input: ':quit\n',
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`正被进程 ${process.pid}`);
      expect(r.stderr).toContain('请先停止那个进程');
      expect(r.stderr).toContain('CHAT_DATA_DIR');
      expect(existsSync(join(dir, 'duban.lock'))).toBe(true);
    } finally {
      lock.release();
    }
  }, 40_000);
});

describe('choosing the database', () => {
  const args = parseChatArgs([]);
  it('uses its own directory under DATA_DIR by default, so it never collides with npm start', () => {
    expect(chooseDatabase({}, args)).toEqual({ kind: 'dir', dir: join('./data', 'chat'), fresh: false });
    expect(chooseDatabase({ DATA_DIR: '/srv/duban' }, args)).toEqual({
      kind: 'dir',
      dir: '/srv/duban/chat',
      fresh: false,
    });
    expect(chooseDatabase({ CHAT_DATA_DIR: '/tmp/c' }, parseChatArgs(['--fresh']))).toEqual({
      kind: 'dir',
      dir: '/tmp/c',
      fresh: true,
    });
  });

  it('refuses to wipe the service directory, or to share a Lark deployment without --force', () => {
    expect(chooseDatabase({ CHAT_DATA_DIR: './data' }, parseChatArgs(['--fresh'])).kind).toBe('refused');
    expect(
      chooseDatabase({ DATABASE_URL: 'postgres://x/y', LARK_APP_ID: 'cli_a0b1c2d3e4f50005' }, args).kind,
    ).toBe('refused');
    expect(
      chooseDatabase(
        { DATABASE_URL: 'postgres://x/y', LARK_APP_ID: 'cli_a0b1c2d3e4f50005' },
        parseChatArgs(['--force']),
      ),
    ).toEqual({ kind: 'url', url: 'postgres://x/y' });
    expect(chooseDatabase({ DATABASE_URL: 'postgres://x/y' }, args)).toEqual({
      kind: 'url',
      url: 'postgres://x/y',
    });
    expect(() => parseChatArgs(['--bogus'])).toThrow('--bogus');
  });
});

describe('the cast and forms', () => {
  it('finds a person by number, name, e-mail or part', () => {
    expect(findPerson('4')?.name).toBe('张伟');
    expect(findPerson('李强')?.openId).toBe('ou_chat_liqiang');
    expect(findPerson('liufang')?.name).toBe('刘芳');
    expect(findPerson('工作人员')?.name).toBe('王敏');
    expect(findPerson('nobody')).toBeUndefined();
    expect(CAST).toHaveLength(5);
  });

  it('fills a form the way Lark sends it: options by number, dates with the offset, defaults kept', async () => {
    const card = {
      body: {
        elements: [
          {
            tag: 'form',
            name: 'f',
            elements: [
              { tag: 'select_static', name: 'unit', required: true, options: opts(['甲局', '乙局']) },
              { tag: 'multi_select_static', name: 'co', options: opts(['甲局', '乙局']) },
              { tag: 'date_picker', name: 'due', required: true },
              {
                tag: 'select_static',
                name: 'kind',
                initial_option: '长期整改',
                options: opts(['立行立改', '长期整改']),
              },
              {
                tag: 'button',
                name: 'f_submit',
                form_action_type: 'submit',
                text: { content: '提交' },
                behaviors: [{ value: { action: 'x' } }],
              },
            ],
          },
        ],
      },
    };
    const d = buttonDetails(card, 1)!;
    expect(d.name).toBe('f_submit');
    const answers = ['2', '甲局，乙局', '2026-13-01', '2026-12-31', ''];
    const said: string[] = [];
    const fields = [
      { name: 'unit', label: '单位', required: true, kind: 'select_static' },
      { name: 'co', label: '配合', required: false, kind: 'multi_select_static' },
      { name: 'due', label: '期限', required: true, kind: 'date_picker' },
      { name: 'kind', label: '时效', required: true, kind: 'select_static' },
    ];
    const v = await fillForm(
      fields,
      d,
      async () => answers.shift(),
      (s) => said.push(s),
      'Asia/Shanghai',
    );
    expect(v).toEqual({ unit: '乙局', co: ['甲局', '乙局'], due: '2026-12-31 +0800', kind: '长期整改' });
    expect(said.join('\n')).toContain('请按 YYYY-MM-DD 输入日期');
    expect(
      await fillForm(
        fields,
        d,
        async () => ':cancel',
        () => {},
        'Asia/Shanghai',
      ),
    ).toBeUndefined();
    expect(offsetOf('UTC', '2026-01-01')).toBe('+0000');
  });
});

function opts(values: string[]) {
  return values.map((v) => ({ text: { tag: 'plain_text', content: v }, value: v }));
}
