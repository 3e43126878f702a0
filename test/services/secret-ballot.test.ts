import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import {
  auditLog,
  ballotPool,
  ballotReceipts,
  evaluations,
  outbox,
  problems,
  units,
  voters,
  votingCodes,
} from '../../db/schema/index.js';
import { verifyAudit } from '../../src/audit/chain.js';
import type { TallyResult } from '../../src/domain/tally.js';
import { ask, cardOf, codeIn, EMAIL, P, setupCampaign } from '../support/campaign.js';
import { dumpDatabase } from '../support/dump.js';
import { type Harness, startHarness } from '../support/harness.js';
import { story } from '../support/story.js';

/**
 * The 满意度测评 done-when case (docs/domain.md, "Evaluation"): voters of all four categories, in chat and by code;
 * one votes twice, one code is used twice, one person is not on the roll. The tally is checked
 * against a hand count (with the < 3 merge), no count is visible before the close, and after the
 * close a dump of every table shows no link between a voter and a choice.
 */

let h: Harness;
const now = new Date('2026-12-10T02:00:00Z'); // Thursday 10:00 Asia/Shanghai

// 常委会委员 4 in chat; 人大代表 2 in chat + 1 by code; 群众代表 1 and 企业家代表 1 by code.
const W = ['ou_w1', 'ou_w2', 'ou_w3', 'ou_w4'];
const D = ['ou_d1', 'ou_d2'];
const ALL_CHAT = [...W, ...D];
const EDU = '市教育局';
const HEALTH = '市卫生健康委员会';
const HR = '市人力资源和社会保障局';
type C = 's' | 'b' | 'd';
const CODE = { s: 'satisfied', b: 'basic', d: 'dissatisfied' } as const;
// [教育, 卫健, 人社]
const CHAT_VOTES: Record<string, [C, C, C]> = {
  ou_w1: ['s', 's', 's'],
  ou_w2: ['d', 'b', 's'],
  ou_w3: ['b', 's', 'b'],
  ou_w4: ['s', 'd', 's'],
  ou_d1: ['s', 's', 's'],
  ou_d2: ['b', 's', 's'],
};
const CODE_VOTES: { category: string; choices: [C, C, C] }[] = [
  { category: '人大代表', choices: ['d', 'b', 'b'] },
  { category: '群众代表', choices: ['s', 's', 's'] },
  { category: '企业家代表', choices: ['b', 's', 's'] },
];

let unitIds: Record<string, number> = {};
let codes: Record<string, string[]> = {};
const codeOf = (category: string) => codes[category]![0]!;
/** P.other's ballot as first received (the close patches every copy to 已结束). */
let staleBallot: { messageId: string; value: Record<string, unknown> };

async function open() {
  codes = {};
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  const names = ['委员一', '委员二', '委员三', '委员四', '代表一', '代表二'];
  ALL_CHAT.forEach((id, i) => {
    h.fake.addUser({ open_id: id, name: names[i]!, email: EMAIL(id) });
  });
  await ask(h, P.staff, '/单位 添加 市卫生健康委员会 简称:市卫健局');
  const rows = await h.database.db.select().from(units);
  unitIds = Object.fromEntries(rows.map((u) => [u.name, u.id]));
  await ask(h, P.staff, '/督导组 添加 第一督导组');
  await ask(h, P.staff, '/督导组 添加 第二督导组');
  await ask(h, P.staff, '/督导组 添加 第六督导组');
  await ask(h, P.staff, `/督导组 成员 第一督导组 添加 ${EMAIL(P.sup)}`);
  // Closed problems: the 回头看 selection needs something to re-check.
  for (const unit of ['市教育局', '市卫健局', '市人社局']) {
    const r = await ask(h, P.staff, `/交办 ${unit}历史问题 单位:${unit} 期限:2026-12-31`);
    await h.database.db
      .update(problems)
      .set({ state: 'closed', closedAt: now })
      .where(eq(problems.code, codeIn(r.text)));
  }
  await h.dispatch();
  h.drain();
}
const vote = story({ open, close: () => h.stop() });

function ballotValues(choices: [C, C, C]): Record<string, string> {
  return {
    [`u_${unitIds[EDU]}`]: CODE[choices[0]],
    [`u_${unitIds[HEALTH]}`]: CODE[choices[1]],
    [`u_${unitIds[HR]}`]: CODE[choices[2]],
  };
}

async function chatVote(who: string, choices: [C, C, C], as = who) {
  const card = cardOf(h, who, '满意度测评选票');
  const submit = card.buttons.find((b) => b.formFields)!;
  expect(submit.label).toBe('提交');
  return h.click(as, { messageId: card.messageId, value: submit.value, formValue: ballotValues(choices) });
}

async function webVote(code: string, choices: [C, C, C]) {
  const body = new URLSearchParams({ step: 'vote', code, ...ballotValues(choices) });
  const res = await fetch(`${h.url}/ballot`, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
}

/** A submitted ballot's form value, also inside escaped JSON text: `"u_12":"basic"`. */
const BALLOT_CONTENT = /u_\d+\\*"\s*:\s*\\*"(satisfied|basic|dissatisfied)/;

const progressText = async () => (await ask(h, P.staff, '/测评 进度')).text;

describe('the vote', () => {
  vote.step(
    'sets up: evaluated units, a roll of four categories, a vote with ballots to the roll',
    async () => {
      expect((await ask(h, P.staff, '/评议对象 设置 市教育局,市卫健局,市人社局')).text).toContain(
        '已设置评议对象 3 个',
      );
      for (const w of W) await ask(h, P.staff, `/测评 名单 添加 常委会委员 ${EMAIL(w)}`);
      const r = await ask(h, P.staff, `/测评 名单 添加 代表 ${EMAIL(D[0]!)},${EMAIL(D[1]!)}`);
      expect(r.text).toContain('已将 代表一、代表二 加入投票人名单（人大代表）');
      const roll = await ask(h, P.staff, '/测评 名单');
      expect(roll.text).toContain('常委会委员（4 人）');
      expect(roll.text).toContain('人大代表（2 人）');
      const open = await ask(h, P.staff, '/测评 开始 截止:2026-12-10 17:00');
      expect(open.text).toContain('已向名单内 6 名投票人发送选票');
      expect(open.text).toContain('2026年12月10日 17:00');
      await h.dispatch();
      for (const who of ALL_CHAT) {
        const card = cardOf(h, who, '满意度测评选票');
        expect(card.text).toContain(EDU);
        expect(card.buttons.find((b) => b.formFields)!.formFields!.map((f) => f.options)).toEqual([
          ['satisfied', 'basic', 'dissatisfied'],
          ['satisfied', 'basic', 'dissatisfied'],
          ['satisfied', 'basic', 'dissatisfied'],
        ]);
      }
      expect(h.fake.sentTo(P.stranger)).toHaveLength(0);
      expect((await ask(h, P.staff, '/测评 开始')).text).toContain('正在进行，不能同时开始另一次测评');
    },
  );

  vote.step(
    'issues one-time codes to staff; only their hashes are kept and the reply leaves no row behind',
    async () => {
      for (const cat of ['人大代表', '群众代表', '企业家代表']) {
        const r = await ask(h, P.staff, `/测评 投票码 ${cat} 1`);
        codes[cat] = r.text.match(/[A-Z2-9]{5}-[A-Z2-9]{5}/g) ?? [];
        expect(codes[cat], r.text).toHaveLength(1);
      }
      const stored = await h.database.db.select().from(votingCodes);
      expect(stored).toHaveLength(3);
      const all = JSON.stringify(await dumpDatabase(h.database.db));
      for (const c of Object.values(codes).flat()) {
        expect(all).not.toContain(c);
        expect(all).not.toContain(c.replace('-', ''));
      }
      expect(
        await h.database.db.select().from(outbox).where(eq(outbox.purpose, 'voting_codes')),
      ).toHaveLength(0);
    },
  );

  vote.step('counts each chat ballot once; the answer card says it counted and shows no choice', async () => {
    const before = await progressText();
    expect(before).toContain('名单内投票：0/6 人');
    for (const who of ALL_CHAT) {
      const r = await chatVote(who, CHAT_VOTES[who]!);
      expect(r.body.toast, who).toMatchObject({ type: 'success', content: '投票成功，感谢参与。' });
      const shown = JSON.stringify(r.body.card);
      expect(shown).toContain('已提交');
      expect(shown).not.toMatch(/"(satisfied|basic|dissatisfied)"|基本满意|不满意/);
    }
    expect(await h.database.db.select().from(ballotReceipts)).toHaveLength(6);
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(18);
  });

  vote.step('refuses a second ballot, changing nothing', async () => {
    const pool = (await h.database.db.select().from(ballotPool)).length;
    const again = await chatVote(W[0]!, ['d', 'd', 'd']);
    expect(again.body.toast).toMatchObject({ type: 'error' });
    expect(again.body.toast!.content).toContain('您已投过票');
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(pool);
    expect(await h.database.db.select().from(ballotReceipts)).toHaveLength(6);
  });

  vote.step('refuses a person not on the roll, even with the ballot button value', async () => {
    const pool = (await h.database.db.select().from(ballotPool)).length;
    const r = await chatVote(W[0]!, ['d', 'd', 'd'], P.stranger);
    expect(r.body.toast?.type).toBe('error');
    expect(r.body.toast?.content).toContain('不在本次测评的投票人名单中');
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(pool);
  });

  vote.step('refuses an incomplete ballot whole', async () => {
    await ask(h, P.staff, `/测评 名单 添加 委员 ${EMAIL(P.other)}`);
    await h.dispatch();
    const card = cardOf(h, P.other, '满意度测评选票');
    const submit = card.buttons.find((b) => b.formFields)!;
    staleBallot = { messageId: card.messageId, value: submit.value };
    const r = await h.click(P.other, {
      messageId: card.messageId,
      value: submit.value,
      formValue: { [`u_${unitIds[EDU]}`]: 'satisfied' },
    });
    expect(r.body.toast?.content).toContain('尚未选择');
    expect(await h.database.db.select().from(ballotReceipts)).toHaveLength(6);
  });

  vote.step('counts code ballots on the web page; a used or unknown code is refused', async () => {
    for (const v of CODE_VOTES) {
      const r = await webVote(codes[v.category]![0]!, v.choices);
      expect(r.status, r.text).toBe(200);
      expect(r.text).toContain('投票成功');
    }
    const reused = await webVote(codeOf('群众代表'), ['d', 'd', 'd']);
    expect(reused.status).toBe(409);
    expect(reused.text).toContain('该投票码已经使用过');
    const unknown = await webVote('ABCD-EFGH', ['d', 'd', 'd']);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('投票码无效');
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(27);
    expect((await h.database.db.select().from(votingCodes)).every((c) => c.used)).toBe(true);
  });

  vote.step('shows turnout only while the vote is open: no command reveals a count of choices', async () => {
    const p = await progressText();
    expect(p).toContain('名单内投票：6/7 人');
    expect(p).toContain('常委会委员：已投 4/5 人');
    expect(p).toContain('人大代表：已投 2/2 人；投票码已用 1/1 个');
    expect(p).toContain('合计已投票：9 人');
    expect(p).not.toMatch(/不满意|基本满意|满意\s*\d/);
    expect((await ask(h, P.staff, '/测评 结果')).text).toContain('结束后才能查看结果');
    expect((await ask(h, P.sup, '/测评 结果')).text).toContain('结束后才能查看结果');
    expect((await ask(h, P.sup, '/测评 进度')).text).toContain('仅限工作人员');
    expect((await ask(h, P.staff, '/测评 公布')).text).toContain('尚在进行');
    for (const cmd of ['/测评', '/测评 名单', '/评议对象 列表', '/回头看 进度', '/统计', '/排名', '/周报']) {
      const r = await ask(h, P.staff, cmd);
      expect(r.text, cmd).not.toMatch(/(满意|不满意|基本满意)\s*\d|\d\s*票/);
    }
    const audits = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'evaluation.voted'));
    expect(audits).toHaveLength(9);
    expect(audits.filter((a) => a.actorName === '匿名投票码' && a.actorOpenId === null)).toHaveLength(3);
    expect(
      audits.filter((a) => W.includes(a.actorOpenId ?? '') || D.includes(a.actorOpenId ?? '')),
    ).toHaveLength(6);
    expect(JSON.stringify(audits)).not.toMatch(/satisfied|basic|dissatisfied|满意/);
  });

  vote.step(
    'closes: tallies the pool into the results (hand-computed, with the < 3 merge) and deletes the pool',
    async () => {
      const r = await ask(h, P.staff, '/测评 结束');
      expect(r.text).toContain('共 9 人投票');
      expect(await h.database.db.select().from(ballotPool)).toHaveLength(0);
      const [e] = await h.database.db.select().from(evaluations);
      expect(e!.status).toBe('closed');
      const res = e!.results as TallyResult;
      expect(res.voters).toBe(9);
      expect(res.groups).toEqual([
        { label: '常委会委员', categories: ['常委会委员'], voters: 4 },
        { label: '其他代表', categories: ['人大代表', '群众代表', '企业家代表'], voters: 5 },
      ]);
      const unit = (n: string) => res.units.find((u) => u.name === n)!;
      expect(res.units.map((u) => [u.rank, u.name])).toEqual([
        [1, HR],
        [2, HEALTH],
        [3, EDU],
      ]);
      // Atomic: voted ⇔ counted (receipts + spent codes = ballots tallied).
      expect((await h.database.db.select().from(ballotReceipts)).length + 3).toBe(res.voters);
      expect(unit(EDU).counts).toEqual({ satisfied: 4, basic: 3, dissatisfied: 2, total: 9 });
      expect(unit(HEALTH).counts).toEqual({ satisfied: 6, basic: 2, dissatisfied: 1, total: 9 });
      expect(unit(HR).counts).toEqual({ satisfied: 7, basic: 2, dissatisfied: 0, total: 9 });
      expect(unit(EDU).byGroup.map((g) => g.counts)).toEqual([
        { satisfied: 2, basic: 1, dissatisfied: 1, total: 4 },
        { satisfied: 2, basic: 2, dissatisfied: 1, total: 5 },
      ]);
      expect(unit(HEALTH).byGroup.map((g) => g.counts)).toEqual([
        { satisfied: 2, basic: 1, dissatisfied: 1, total: 4 },
        { satisfied: 4, basic: 1, dissatisfied: 0, total: 5 },
      ]);
      // The results card (with its chart) reaches staff and supervisors.
      await h.dispatch();
      for (const who of [P.staff, P.sup, P.admin]) {
        const c = cardOf(h, who, '满意度测评结果');
        expect(c.text).toContain('[图表]');
        expect(c.text).toContain(`1. ${HR}　满意 7（77.8%）　基本满意 2（22.2%）　不满意 0（0.0%）`);
        expect(c.text).toContain('其他代表：满意 2（40.0%）　基本满意 2（40.0%）　不满意 1（20.0%）');
      }
      expect(cardOf(h, W[0]!, '满意度测评选票').text).toContain('已结束');
    },
  );

  vote.step('refuses a late ballot, changing nothing', async () => {
    const r = await h.click(P.other, { ...staleBallot, formValue: ballotValues(['s', 's', 's']) });
    expect(r.body.toast?.type).toBe('error');
    expect(r.body.toast?.content).toContain('已结束投票');
    expect(r.body.card).toBeUndefined();
    const [e] = await h.database.db.select().from(evaluations);
    expect((e!.results as TallyResult).voters).toBe(9);
    expect(await h.database.db.select().from(ballotPool)).toHaveLength(0);
  });

  vote.step('a dump of every table after the close links no voter to a choice', async () => {
    const dump = await dumpDatabase(h.database.db);
    expect(dump.ballot_pool).toEqual([]);
    const receipts = dump.ballot_receipts!;
    expect(receipts).toHaveLength(6);
    const [results] = dump.evaluations!;
    expect(receipts.map((r) => r._xmin)).not.toContain(results!._xmin);
    // Voter identities: open_ids and voters.id. Choices: a column holding exactly one choice.
    const voterRows = await h.database.db.select().from(voters);
    const openIds = new Set(voterRows.map((v) => v.openId));
    const choiceValues = new Set(['satisfied', 'basic', 'dissatisfied', '满意', '基本满意', '不满意']);
    const xminsWithVoter = new Set<string>();
    const xminsWithChoice = new Set<string>();
    for (const [table, rows] of Object.entries(dump)) {
      for (const row of rows) {
        const values = Object.entries(row).filter(([k]) => k !== '_xmin');
        const voterRef = values.some(([k, v]) => openIds.has(String(v)) || k === 'voter_id');
        const choice = values.some(([, v]) => choiceValues.has(String(v)));
        expect(voterRef && choice, `${table}: ${JSON.stringify(row)}`).toBe(false);
        if (voterRef) xminsWithVoter.add(String(row._xmin));
        if (choice) xminsWithChoice.add(String(row._xmin));
        // No row about a voter keeps a ballot's content (a choice per unit) in JSON either.
        if (voterRef) expect(JSON.stringify(row), table).not.toMatch(BALLOT_CONTENT);
      }
    }
    expect([...xminsWithChoice].filter((x) => xminsWithVoter.has(x))).toEqual([]);
    // The only per-choice figures left are the aggregate results.
    expect(JSON.stringify(dump)).not.toMatch(BALLOT_CONTENT);
    expect((await verifyAudit(h.database.db)).ok).toBe(true);
  });

  vote.step('publishes the results once', async () => {
    expect((await ask(h, P.staff, '/测评 公布')).text).toContain('已公布');
    expect((await ask(h, P.staff, '/测评 公布')).text).toContain('已于');
    const [e] = await h.database.db.select().from(evaluations);
    expect(e!.status).toBe('published');
    expect(e!.publishedAt).toEqual(now);
  });

  vote.step(
    'the seed outcome is reproducible: 市教育局 (2 不满意) and 市卫健局 (1) enter 回头看, nobody else',
    async () => {
      const r = await ask(h, P.staff, '/回头看 开始');
      expect(r.text).toContain('2 个单位开展回头看');
      expect(r.text).toContain(`${EDU}（不满意 2 票）`);
      expect(r.text).toContain(`${HEALTH}（不满意 1 票）`);
      expect(r.text).not.toContain(HR);
      const items = await h.database.db.execute(
        sql`select u.name from reinspection_items r join units u on u.id = r.unit_id order by u.name`,
      );
      const names = (
        Array.isArray(items) ? items : (items as unknown as { rows: { name: string }[] }).rows
      ).map((x: { name: string }) => x.name);
      expect(new Set(names)).toEqual(new Set([EDU, HEALTH]));
    },
  );
});
