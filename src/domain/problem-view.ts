import type { RequestKind } from './deciders.js';
import type { ProblemState } from './problem.js';

/** A problem as cards and lists show it: plain data, computed by services, rendered by cards/. */
export interface ProblemView {
  id: number;
  code: string;
  title: string;
  description: string;
  source: string;
  category: string | null;
  timeliness: string;
  state: ProblemState;
  deadline: string;
  leadUnit: { id: number; name: string };
  coUnits: { id: number; name: string }[];
  group: { id: number; name: string } | null;
  progressPct: number | null;
  evidenceCount: number;
  pending: PendingRequest[];
  /** Workdays past the deadline (0 when not overdue); null when closed or withdrawn. */
  overdueWorkdays: number | null;
  calendarConfirmed: boolean;
  underEvaluation?: boolean;
  /** Its campaign's categories, which the edit form offers. */
  categories?: readonly string[];
}

export interface PendingRequest {
  id: number;
  kind: 'closure' | 'extension' | 'dispute';
  text: string;
  newDeadline: string | null;
  requestedByName: string;
  unitName: string | null;
  requestedAt: Date;
}

export interface HistoryItem {
  at: Date;
  actorName: string;
  unitName: string | null;
  kind: string;
  text: string;
  data: Record<string, unknown> | null;
}

export interface EvidenceItem {
  id: number;
  name: string;
  size: number;
  contentType: string;
  kind: string;
  fileKey: string | null;
  uploadedByName: string;
  uploadedAt: Date;
}

/** What a viewer may do with a problem; decides the buttons on their copy of the card. */
export type Capability =
  | 'acknowledge'
  | 'progress'
  | 'requestClosure'
  | 'requestExtension'
  | 'requestDispute'
  | 'decideClosure'
  | 'decideExtension'
  | 'decideDispute'
  | 'withdraw'
  | 'edit'
  | 'viewEvidence';

/** How a viewer relates to a problem. */
export interface Relation {
  lead: boolean;
  co: boolean;
  supervisor: boolean;
  staff: boolean;
  /** The pending requests this viewer may decide (domain/deciders.ts); none when absent. */
  decides?: ReadonlySet<RequestKind>;
}
