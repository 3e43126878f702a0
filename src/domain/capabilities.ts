import { allows } from './problem.js';
import type { Capability, ProblemView, Relation } from './problem-view.js';

/**
 * The rules of who may do what (README.md, issue "Authority"): lead-unit contacts acknowledge,
 * report, request close-out, extension and reassignment; cooperating units report their part;
 * staff assign, edit and withdraw. Who decides a request is eligibleDeciders (domain/deciders.ts),
 * carried in r.decides. Every service checks these again; buttons only mirror them.
 */
export function capabilities(p: ProblemView, r: Relation): Set<Capability> {
  const caps = new Set<Capability>();
  const pending = (k: string) => p.pending.some((x) => x.kind === k);
  // The assignment card carries all five buttons (README.md); before 签收 the services answer
  // progress and close-out with "请先签收".
  const beforeAck = p.state === 'assigned';
  if (r.lead) {
    if (allows('acknowledge', p.state)) caps.add('acknowledge');
    if (allows('progress', p.state) || beforeAck) caps.add('progress');
    if (allows('requestClosure', p.state) || beforeAck) caps.add('requestClosure');
    if (allows('requestExtension', p.state) && !pending('extension')) caps.add('requestExtension');
    if (allows('requestDispute', p.state) && !pending('dispute')) caps.add('requestDispute');
  }
  // Cooperating units report their part whenever the problem is open.
  if (r.co && (allows('progress', p.state) || beforeAck)) caps.add('progress');
  const decides = r.decides ?? new Set();
  if (p.state === 'closure_requested' && pending('closure') && decides.has('closure'))
    caps.add('decideClosure');
  if (pending('extension') && decides.has('extension')) caps.add('decideExtension');
  if (pending('dispute') && decides.has('dispute')) caps.add('decideDispute');
  if (r.staff) {
    if (allows('withdraw', p.state)) caps.add('withdraw');
    if (p.state !== 'withdrawn') caps.add('edit');
  }
  if (r.lead || r.co || r.supervisor || r.staff) caps.add('viewEvidence');
  return caps;
}

export function canSee(r: Relation): boolean {
  return r.lead || r.co || r.supervisor || r.staff;
}
