/** The demo plan's shapes: people, units, groups, and each problem with its history. */
import type { Category, ProblemState, Source, Timeliness } from '../../domain/problem.js';

export interface PlanPerson {
  openId: string;
  name: string;
}

export interface PlanUnit {
  name: string;
  shortName: string | null;
  aliases: string[];
  contacts: PlanPerson[];
  evaluated: boolean;
}

export interface PlanGroup {
  name: string;
  units: string[];
  members: PlanPerson[];
}

export type Who = 'staff' | 'lead' | 'supervisor';

export interface PlanEvent {
  at: Date;
  who: Who;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface PlanProblem {
  key: string;
  unit: string;
  co: string[];
  title: string;
  description: string;
  /** One of its campaign's categories (the seed's are the 营商 ones). */
  category: string;
  timeliness: Timeliness;
  source: Source;
  assignedAt: Date;
  deadline: string;
  state: ProblemState;
  progressPct: number | null;
  events: PlanEvent[];
  /** A quantified outcome reported with the last progress (the seed's figures). */
  outcome?: string;
  /** Extension granted: the deadline it replaced. */
  extendedFrom?: string;
  /** The code's year when it is the campaign's, not the year it was assigned in. */
  codeYear?: number;
  /** 提出人: a 人大代表 recorded by name. */
  raiserName?: string;
}

/** A problem of the seed campaign: one of the 营商 categories. */
export type SeedProblem = PlanProblem & { category: Category };

export interface DemoPlan {
  staff: PlanPerson[];
  units: PlanUnit[];
  groups: PlanGroup[];
  /** The seed campaign's 189. */
  problems: SeedProblem[];
  /** The second campaign's twelve (deputies.ts). */
  deputies: PlanProblem[];
}
