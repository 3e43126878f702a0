import { formatDateCn } from '../domain/dates.js';
import { blank, chineseDate, heading1, masthead, pack, para, signature, title } from './gongwen.js';
import type { NoticeView, StaffContact } from './views.js';

export function contactLine(c: StaffContact): string {
  const parts = [`联系人：${c.name}`];
  if (c.phone) parts.push(`联系电话：${c.phone}`);
  if (c.email) parts.push(`电子邮箱：${c.email}`);
  return `${parts.join('；')}。`;
}

/** 督办通知书 for one problem, addressed to its lead unit. */
export async function noticeDocument(v: NoticeView): Promise<Buffer> {
  const p = v.problem;
  const co = p.coUnits.length ? p.coUnits.join('、') : '无';
  const body = [
    ...masthead(v.orgName, v.docNumber),
    ...title('督办通知书'),
    para(`${p.leadUnit}：`, { indent: false }),
    para(
      `根据监督工作安排，现将“${p.title}”问题（编号 ${p.code}）交由你单位牵头办理${p.coUnits.length ? `，${co}配合` : ''}。请高度重视，认真研究，切实抓好整改落实。`,
    ),
    heading1('一、问题情况'),
    para(`问题编号：${p.code}`),
    para(`问题名称：${p.title}`),
    ...(p.category ? [para(`问题类别：${p.category}`)] : []),
    para(`问题描述：${p.description.trim() || '（见问题名称）'}`),
    heading1('二、承办单位'),
    para(`牵头单位：${p.leadUnit}`),
    para(`配合单位：${co}`),
    heading1('三、整改时限'),
    para(`请于${formatDateCn(p.deadline)}前整改到位。`),
    heading1('四、工作要求'),
    para(`1.请于${formatDateCn(v.feedbackBy ?? p.deadline)}前反馈整改进展，整改期间及时报告阶段性成效。`),
    para('2.整改完成后，请提交佐证材料（文件、照片、台账等），并申请销号。'),
    para('3.确需延期的，请在期限届满前提出申请并说明理由；不属于你单位职责的，请及时申请改派。'),
    heading1('五、联系方式'),
    para(contactLine(v.contact)),
    blank(),
    ...signature(v.orgName, chineseDate(v.date)),
  ];
  return pack({ title: `督办通知书 ${p.code}`, orgName: v.orgName, body });
}
