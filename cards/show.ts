import type { Capability, EvidenceItem, HistoryItem, ProblemView } from '../src/domain/problem-view.js';
import { type Card, fitCard, note } from './kit.js';
import { problemCard } from './problem.js';

/** What /查看 shows one viewer: the problem, their buttons, its whole history, evidence and 未送达. */
export interface ShowView {
  view: ProblemView;
  caps: Set<Capability>;
  timezone: string;
  history: HistoryItem[];
  evidence: EvidenceItem[];
  /** The viewer's copy as a cooperating unit. */
  asCo: boolean;
  /** 未送达 lines: messages about the problem Lark refused for good. */
  undelivered: string[];
  /** 提出人 and 回访 lines, for staff and supervisors only (units never see who raised it). */
  revisit?: string[];
}

/** The /查看 card. Lark refuses cards over 30 KB: the latest records are kept when a long history would not fit. */
export function showCard(s: ShowView): Card {
  const build = (keep: number | undefined) => {
    const c = problemCard(s.view, {
      caps: s.caps,
      timezone: s.timezone,
      history: keep === undefined ? s.history : s.history.slice(-keep),
      evidence: keep === undefined ? s.evidence : s.evidence.slice(0, keep),
      asCo: s.asCo,
    });
    if (s.revisit?.length) c.body.elements.push(note(s.revisit.join('\n')));
    if (s.undelivered.length) c.body.elements.push(note(s.undelivered.slice(0, 20).join('\n')));
    return c;
  };
  return fitCard([undefined, 10, 5, 0], build);
}
