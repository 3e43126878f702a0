import { formatDateCn } from '../src/domain/dates.js';
import { CATEGORIES, TIMELINESS } from '../src/domain/problem.js';
import { ACTION, act } from './actions.js';
import { type Card, card, datePicker, type Element, form, input, note, select } from './kit.js';

/** The fields of an assignment (used by the /交办 form and by the triage of anonymous feedback). */
export function assignFields(
  unitNames: string[],
  o: {
    coUnits?: boolean;
    description?: boolean;
    publicTitle?: boolean;
    /** The campaign's own categories (the 营商 six when not given). */
    categories?: readonly string[];
    /** A 提出人 field (the /交办 form; triage's raiser is the anonymous sender). */
    raiser?: boolean;
    /** A campaign to choose (triage of anonymous feedback): the open ones, the current first. */
    campaigns?: { id: number; name: string }[];
  } = {},
): Element[] {
  const units = unitNames.map((n) => ({ label: n, value: n }));
  const categories = o.categories?.length ? o.categories : CATEGORIES;
  return [
    ...(o.campaigns?.length
      ? [
          select(
            'campaign',
            '议题',
            o.campaigns.map((c) => ({ label: c.name, value: String(c.id) })),
            { required: true, initial: String(o.campaigns[0]!.id) },
          ),
        ]
      : []),
    input('title', '问题标题', { required: true, maxLength: 200 }),
    ...(o.publicTitle
      ? [input('public_title', '公开标题（去除可识别信息，用于公开页面）', { maxLength: 200 })]
      : []),
    select('lead_unit', '牵头单位', units, { required: true }),
    ...(o.coUnits ? [select('co_units', '配合单位', units, { multi: true })] : []),
    datePicker('deadline', '整改期限', { required: true }),
    select(
      'category',
      '类别',
      categories.map((c) => ({ label: c, value: c })),
      { required: true },
    ),
    select(
      'timeliness',
      '时效',
      TIMELINESS.map((c) => ({ label: c, value: c })),
      { required: true, initial: '长期整改' },
    ),
    ...(o.description ? [input('description', '问题描述', { multiline: true, maxLength: 5000 })] : []),
    ...(o.raiser
      ? [input('raiser', '提出人（选填，办结后回访：邮箱、手机号或人大代表姓名）', { maxLength: 60 })]
      : []),
  ];
}

/** The assign form (`/交办` without arguments), for one campaign: a form opened before a switch still assigns into it. */
export function assignFormCard(
  unitNames: string[],
  today: string,
  campaign: { id: number; name: string; categories: readonly string[] },
): Card {
  return card(
    '交办问题',
    [
      note(`议题：${campaign.name}`),
      form(
        'assign_form',
        assignFields(unitNames, {
          coUnits: true,
          description: true,
          raiser: true,
          categories: campaign.categories,
        }),
        act(ACTION.assign, { c: campaign.id }),
      ),
      note(
        `今天是${formatDateCn(today)}。也可直接发送：/交办 <标题> 单位:<牵头单位> 期限:<YYYY-MM-DD 或 N个工作日>`,
      ),
    ],
    { color: 'blue', enTitle: 'Assign a problem' },
  );
}
