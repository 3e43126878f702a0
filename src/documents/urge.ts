import { formatDateCn } from '../domain/dates.js';
import { blank, chineseDate, heading1, masthead, pack, para, signature, title } from './gongwen.js';
import { contactLine } from './notice.js';
import { table } from './table.js';
import type { UrgeView } from './views.js';

/** 催办通知书: one unit, all its overdue problems, with workdays overdue. */
export async function urgeDocument(v: UrgeView): Promise<Buffer> {
  const rows = v.problems.map((p, i) => [
    String(i + 1),
    p.code,
    p.title,
    formatDateCn(p.deadline),
    String(p.overdueWorkdays),
  ]);
  const body = [
    ...masthead(v.orgName, v.docNumber),
    ...title('催办通知书'),
    para(`${v.unit}：`, { indent: false }),
    para(
      `经核查，截至${formatDateCn(v.date)}，你单位牵头办理的以下 ${v.problems.length} 个问题已超过整改期限，尚未办结销号。现予催办。`,
    ),
    heading1('一、逾期问题'),
    table(['序号', '问题编号', '问题名称', '整改期限', '逾期工作日'], rows, [8, 21, 37, 22, 12], [2]),
    blank(),
    heading1('二、办理要求'),
    para('1.请收到本通知后 3 个工作日内反馈整改进展，说明逾期原因和下一步措施。'),
    para('2.已整改到位的，请提交佐证材料并申请销号；确需延期的，请提出延期申请并说明理由。'),
    heading1('三、联系方式'),
    para(contactLine(v.contact)),
    ...signature(v.orgName, chineseDate(v.date)),
  ];
  return pack({ title: `催办通知书 ${v.unit}`, orgName: v.orgName, body });
}
