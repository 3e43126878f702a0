import type { FC } from 'hono/jsx';
import { formatInstantCn } from '../domain/dates.js';
import { percent } from '../domain/ranking.js';
import type { Counts, Rates } from '../domain/tally.js';
import type { PublicReinspection, PublicVote } from '../services/disclosure/votes.js';
import { Table } from './html.js';

/** GET /public, the parts after the problem list: published vote results and 回头看 (public.tsx). */

const Cell: FC<{ n: number; rate: number | null }> = ({ n, rate }) => (
  <td>
    {n}
    <small>{percent(rate)}</small>
  </td>
);

const CHOICE_HEADS = ['满意', '基本满意', '不满意'];

/** 满意 / 基本满意 / 不满意: votes and their share. */
const Cells: FC<{ counts: Counts; rates: Rates }> = ({ counts, rates }) => (
  <>
    <Cell n={counts.satisfied} rate={rates.satisfied} />
    <Cell n={counts.basic} rate={rates.basic} />
    <Cell n={counts.dissatisfied} rate={rates.dissatisfied} />
  </>
);

export const Votes: FC<{ votes: PublicVote[]; tz: string }> = ({ votes, tz }) => (
  <section id="votes">
    <h2>满意度测评结果</h2>
    {votes.map((v) => (
      <div>
        <h3>{v.name}</h3>
        <p class="note">
          {formatInstantCn(v.publishedAt, tz)} 公布 · 共 {v.voters} 人投票 ·
          按满意率排名，满意率相同的按不满意票少者在前。
        </p>
        <div class="scroll">
          <Table head={['排名 · 单位', ...CHOICE_HEADS, '票数']}>
            {v.units.map((u) => (
              <tr>
                <td>
                  {u.rank}. {u.name}
                </td>
                <Cells counts={u.counts} rates={u.rates} />
                <td>{u.counts.total}</td>
              </tr>
            ))}
          </Table>
        </div>
        {v.mergeNote ? <p class="note">{v.mergeNote}</p> : null}
        {v.groups.length && v.units.some((u) => u.byGroup.length) ? (
          <details>
            <summary>按投票人类别</summary>
            <div class="scroll">
              <Table head={['单位 · 类别', ...CHOICE_HEADS]}>
                {v.units.flatMap((u) =>
                  u.byGroup.map((g) => (
                    <tr>
                      <td>
                        {u.name} · {g.label}
                      </td>
                      <Cells counts={g.counts} rates={g.rates} />
                    </tr>
                  )),
                )}
              </Table>
            </div>
          </details>
        ) : null}
      </div>
    ))}
  </section>
);

export const Reinspection: FC<{ rounds: PublicReinspection[] }> = ({ rounds }) => (
  <section id="reinspection">
    <h2>回头看</h2>
    <p class="note">
      测评中获不满意票的单位，其已销号问题由督导组逐件复查：整改到位的维持销号，未到位的重新整改。
    </p>
    {rounds.map((r) => (
      <div>
        <h3>{r.evaluationName}</h3>
        <div class="scroll">
          <Table head={['单位', '复查问题', '维持销号', '重新整改', '待复查']}>
            {r.units.map((u) => (
              <tr>
                <td>{u.name}</td>
                <td>{u.total}</td>
                <td>{u.confirmed}</td>
                <td>{u.reopened}</td>
                <td>{u.pending}</td>
              </tr>
            ))}
          </Table>
        </div>
      </div>
    ))}
  </section>
);
