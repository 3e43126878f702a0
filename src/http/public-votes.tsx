import type { FC } from 'hono/jsx';
import { formatInstantCn } from '../domain/dates.js';
import { percent } from '../domain/ranking.js';
import type { PublicReinspection, PublicVote } from '../services/disclosure/votes.js';

/** GET /public, the parts after the problem list: published vote results and 回头看 (public.tsx). */

const Cell: FC<{ n: number; rate: number | null }> = ({ n, rate }) => (
  <td>
    {n}
    <small>{percent(rate)}</small>
  </td>
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
          <table>
            <thead>
              <tr>
                <th>排名 · 单位</th>
                <th>满意</th>
                <th>基本满意</th>
                <th>不满意</th>
                <th>票数</th>
              </tr>
            </thead>
            <tbody>
              {v.units.map((u) => (
                <tr>
                  <td>
                    {u.rank}. {u.name}
                  </td>
                  <Cell n={u.counts.satisfied} rate={u.rates.satisfied} />
                  <Cell n={u.counts.basic} rate={u.rates.basic} />
                  <Cell n={u.counts.dissatisfied} rate={u.rates.dissatisfied} />
                  <td>{u.counts.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {v.mergeNote ? <p class="note">{v.mergeNote}</p> : null}
        {v.groups.length && v.units.some((u) => u.byGroup.length) ? (
          <details>
            <summary>按投票人类别</summary>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>单位 · 类别</th>
                    <th>满意</th>
                    <th>基本满意</th>
                    <th>不满意</th>
                  </tr>
                </thead>
                <tbody>
                  {v.units.flatMap((u) =>
                    u.byGroup.map((g) => (
                      <tr>
                        <td>
                          {u.name} · {g.label}
                        </td>
                        <Cell n={g.counts.satisfied} rate={g.rates.satisfied} />
                        <Cell n={g.counts.basic} rate={g.rates.basic} />
                        <Cell n={g.counts.dissatisfied} rate={g.rates.dissatisfied} />
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
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
          <table>
            <thead>
              <tr>
                <th>单位</th>
                <th>复查问题</th>
                <th>维持销号</th>
                <th>重新整改</th>
                <th>待复查</th>
              </tr>
            </thead>
            <tbody>
              {r.units.map((u) => (
                <tr>
                  <td>{u.name}</td>
                  <td>{u.total}</td>
                  <td>{u.confirmed}</td>
                  <td>{u.reopened}</td>
                  <td>{u.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    ))}
  </section>
);
