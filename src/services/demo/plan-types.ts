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
  category: Category;
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
}

export interface DemoPlan {
  staff: PlanPerson[];
  units: PlanUnit[];
  groups: PlanGroup[];
  problems: PlanProblem[];
}
