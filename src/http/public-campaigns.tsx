import type { FC } from 'hono/jsx';
import { CAMPAIGN_STATE_LABEL, campaignSlug } from '../domain/campaign.js';
import { closeRate, percent } from '../domain/ranking.js';
import type { PublicCampaign } from '../services/disclosure/campaigns.js';
import { FOOTER_NOTE, Page } from './public-layout.js';

/** GET /public: the campaigns with published content, each linking to its own page (public.tsx). */

export const LIST_TITLE = '问题整改公开';

export const CampaignList: FC<{ campaigns: PublicCampaign[] }> = ({ campaigns }) => (
  <Page title={LIST_TITLE}>
    <h1>{LIST_TITLE}</h1>
    <p class="note">各监督议题的问题整改情况、公开问题清单和满意度测评结果。</p>
    <section id="campaigns">
      <h2>监督议题</h2>
      {campaigns.length ? (
        <ul class="campaigns">
          {campaigns.map((c) => (
            <li>
              <div class="title">
                <a href={`/public/${campaignSlug(c)}`}>{c.name}</a>
              </div>
              <div class="sub">
                <span class={`badge b-${c.state}`}>{CAMPAIGN_STATE_LABEL[c.state]}</span>
                {c.kind} · {c.year}年度
              </div>
              <div class="sub">
                问题 {c.count} 件 · 已销号 {c.closed} 件 · 办结率 {percent(closeRate(c.closed, c.count))} ·
                已公开 {c.published} 件{c.votes ? ` · 测评结果 ${c.votes} 次` : ''}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>暂无公开的内容。</p>
      )}
    </section>
    <footer>
      {FOOTER_NOTE}反映问题，请使用<a href="/feedback">匿名反馈</a>。
    </footer>
  </Page>
);

/** A slug that names no campaign with a public page (never said which: unpublished ones stay unknown). */
export const NoSuchCampaign: FC = () => (
  <Page title={LIST_TITLE}>
    <h1>{LIST_TITLE}</h1>
    <section>
      <p>未找到该议题的公开页面，它可能尚未公开任何内容。</p>
      <p>
        <a href="/public">查看全部公开的议题</a>
      </p>
    </section>
  </Page>
);
