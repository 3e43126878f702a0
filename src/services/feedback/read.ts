import { asc, eq } from 'drizzle-orm';
import { anonymousFeedback, problems } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { invalid, notFound } from '../../domain/errors.js';
import { STATE_LABEL } from '../../domain/problem.js';
import { anonymousRevisitNote } from '../revisits/read.js';
import { receiptHash } from './common.js';

export interface FeedbackStatus {
  receivedOn: string;
  text: string;
}

/** What became of a submission, for whoever holds the receipt code; with its 回访 once closed. */
export async function lookupFeedback(conn: Conn, code: string, now: Date): Promise<string> {
  if (!code.trim()) throw invalid('请提供回执码，如：/反馈查询 ABCD-EFGH-JKMN');
  const [f] = await conn
    .select()
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.receiptHash, receiptHash(code)));
  if (!f) throw notFound('未找到该回执码，请核对后重试。');
  const [y, m, d] = f.receivedOn.split('-').map(Number);
  const head = `您于${y}年${m}月${d}日提交的匿名反馈`;
  if (f.status === 'converted' && f.problemId) {
    const [p] = await conn.select().from(problems).where(eq(problems.id, f.problemId));
    return `${head}已转为督办问题 ${p?.code ?? ''}，当前状态：${p ? STATE_LABEL[p.state as keyof typeof STATE_LABEL] : '—'}。感谢您的反映。${await anonymousRevisitNote(conn, f.problemId, now)}`;
  }
  if (f.status === 'dismissed')
    return `${head}经研究未予采纳。说明：${f.decisionReason ?? '—'}。感谢您的反映。`;
  return `${head}已收到，工作人员正在研究处理，请稍后再查。`;
}

export async function pendingFeedback(conn: Conn, limit = 10) {
  return conn
    .select()
    .from(anonymousFeedback)
    .where(eq(anonymousFeedback.status, 'new'))
    .orderBy(asc(anonymousFeedback.receivedOn), asc(anonymousFeedback.id))
    .limit(limit);
}
