/**
 * What the document builders take: plain data, read by services, no database here. Dates are
 * ISO (YYYY-MM-DD); the builders write them in Chinese.
 */
export interface Issuer {
  /** 发文机关 (config.org.name). */
  orgName: string;
  /** 文号, already allocated: 丹人大督〔2026〕3号. */
  docNumber: string;
  /** 成文日期. */
  date: string;
}

export interface StaffContact {
  name: string;
  phone?: string | null;
  email?: string | null;
}

export interface NoticeView extends Issuer {
  problem: {
    code: string;
    title: string;
    description: string;
    category?: string | null;
    leadUnit: string;
    coUnits: string[];
    deadline: string;
  };
  /** 反馈整改进展 by this date (defaults to the deadline). */
  feedbackBy?: string;
  contact: StaffContact;
}

export interface OverdueItem {
  code: string;
  title: string;
  unit: string;
  deadline: string;
  overdueWorkdays: number;
}

export interface UrgeView extends Issuer {
  unit: string;
  problems: OverdueItem[];
  contact: StaffContact;
}

export interface RankedUnit {
  unit: string;
  /** null: no problems, listed unranked with "—". */
  score: number | null;
  rank: number | null;
  closedRate: number | null;
  problems: number;
}

export interface ReportView extends Issuer {
  /** 2026年11月 / 第48周 / 2026年12月2日: what the 通报 covers, as its title says it. */
  period: string;
  campaign?: string | null;
  figures: { total: number; closed: number; open: number; overdue: number; closedRate: number | null };
  ranking: RankedUnit[];
  overdue: OverdueItem[];
  returned: { code: string; title: string; unit: string; reason: string }[];
  unsatisfied: { code: string; title: string; unit: string; comment: string }[];
  reinspection: { checked: number; total: number; confirmed: number; reopened: number } | null;
  /** The 办结率 chart as PNG; null where charts cannot be drawn (the 通报 says so). */
  chart: Uint8Array | null;
}
