import { closedRateChart } from '../../src/documents/chart.js';
import type { NoticeView, ReportView, UrgeView } from '../../src/documents/views.js';

/** Sample views for the three documents: what the tests read back and what docs/samples shows. */
export const ORG = '丹江口市人大常委会办公室';
const contact = { name: '王敏', phone: '0719-5201234', email: 'staff_wang@example.gov.cn' };

export const notice: NoticeView = {
  orgName: ORG,
  docNumber: '丹人大督〔2026〕3号',
  date: '2026-12-02',
  problem: {
    code: 'DB-2026-007',
    title: '企业开办材料重复提交',
    description:
      '走访中企业反映，办理企业开办时，营业执照、社保登记和公积金开户需分别提交身份证明和章程等材料，同一材料重复提交 3 次以上。',
    category: '政务服务环境',
    leadUnit: '市人力资源和社会保障局',
    coUnits: ['市民政局', '市市场监督管理局'],
    deadline: '2026-12-31',
  },
  feedbackBy: '2026-12-15',
  contact,
};

export const urge: UrgeView = {
  orgName: ORG,
  docNumber: '丹人大督〔2026〕4号',
  date: '2026-12-02',
  unit: '市教育局',
  problems: [
    {
      code: 'DB-2026-012',
      title: '校车线路不合理',
      unit: '市教育局',
      deadline: '2026-11-20',
      overdueWorkdays: 8,
    },
    {
      code: 'DB-2026-031',
      title: '民办学校审批时限过长',
      unit: '市教育局',
      deadline: '2026-11-27',
      overdueWorkdays: 3,
    },
  ],
  contact,
};

const bars = [
  { unit: '市人力资源和社会保障局', score: 92.5, rank: 1, closedRate: 0.9, problems: 10 },
  { unit: '市民政局', score: 81.0, rank: 2, closedRate: 0.75, problems: 8 },
  { unit: '市教育局', score: 64.3, rank: 3, closedRate: 0.5, problems: 6 },
  { unit: '市文化和旅游局', score: null, rank: null, closedRate: null, problems: 0 },
];

export const report = (): ReportView => ({
  orgName: ORG,
  docNumber: '丹人大督〔2026〕5号',
  date: '2026-12-02',
  period: '2026年11月',
  campaign: '2026年优化营商环境专项工作评议',
  figures: { total: 24, closed: 16, open: 8, overdue: 2, closedRate: 16 / 24 },
  ranking: bars,
  overdue: urge.problems,
  returned: [{ code: 'DB-2026-018', title: '高龄津贴发放不及时', unit: '市民政局', reason: '佐证材料不全' }],
  unsatisfied: [],
  reinspection: { checked: 6, total: 16, confirmed: 5, reopened: 1 },
  chart: closedRateChart(bars.map((b) => ({ label: b.unit, value: b.closedRate }))),
});
