import { createHash } from 'node:crypto';
import type { blobs, evidence, problemEvents, problemRequests } from '../../../db/schema/index.js';
import type { PlanPerson, PlanProblem } from './plan.js';

/** Who did a step of a demo problem's history: the staff member, the lead contact or the supervisor. */
export type DemoActor = (p: PlanProblem, who: 'staff' | 'lead' | 'supervisor') => PlanPerson;

type EventRow = typeof problemEvents.$inferInsert;
type RequestRow = typeof problemRequests.$inferInsert;
export type FileRow = { blob: typeof blobs.$inferInsert; row: typeof evidence.$inferInsert };

/** The rows of the demo problems' histories: events, the requests they imply, and evidence files. */
export function historyRows(
  todo: PlanProblem[],
  where: (p: PlanProblem) => { problemId: number; lead: number; code: string },
  actor: DemoActor,
): { events: EventRow[]; requests: RequestRow[]; files: FileRow[] } {
  const events: EventRow[] = [];
  const requests: RequestRow[] = [];
  const files: FileRow[] = [];
  for (const p of todo) {
    const { problemId, lead, code } = where(p);
    eventRows(p, problemId, lead, code, actor, events, files);
    const asked = p.events.find((e) => e.kind === 'closure_requested');
    if (asked) {
      const decided = p.events.find((e) => e.kind === 'closure_approved');
      requests.push({
        problemId,
        kind: 'closure',
        status: decided ? 'approved' : 'pending',
        requestedBy: actor(p, 'lead').openId,
        unitId: lead,
        text: asked.text,
        requestedAt: asked.at,
        decidedBy: decided ? actor(p, 'supervisor').openId : null,
        decidedAt: decided?.at ?? null,
        decisionReason: decided?.text || null,
      });
    }
    const ext = p.events.find((e) => e.kind === 'extension_requested');
    if (ext)
      requests.push({
        problemId,
        kind: 'extension',
        status: 'approved',
        requestedBy: actor(p, 'lead').openId,
        unitId: lead,
        text: ext.text,
        newDeadline: p.deadline,
        requestedAt: ext.at,
        decidedBy: actor(p, 'supervisor').openId,
        decidedAt: p.events.find((e) => e.kind === 'extension_approved')?.at ?? ext.at,
      });
  }
  return { events, requests, files };
}

/** One problem's events, with a stored file for each evidence step. */
function eventRows(
  p: PlanProblem,
  problemId: number,
  lead: number,
  code: string,
  actor: DemoActor,
  events: EventRow[],
  files: FileRow[],
): void {
  for (const e of p.events) {
    const by = actor(p, e.who);
    events.push({
      problemId,
      at: e.at,
      actorOpenId: by.openId,
      actorName: by.name,
      unitId: e.who === 'lead' ? lead : null,
      kind: e.kind,
      text: e.text,
      data: e.data ?? null,
    });
    if (e.kind === 'evidence') {
      const bytes = Buffer.from(
        `${code}「${p.title}」整改佐证材料\n承办单位：${p.unit}\n${p.outcome ?? ''}\n`,
        'utf8',
      );
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      events[events.length - 1]!.data = { sha256, size: bytes.length };
      files.push({
        blob: { sha256, bytes, size: bytes.length, contentType: 'text/plain; charset=utf-8' },
        row: {
          problemId,
          sha256,
          name: e.text,
          size: bytes.length,
          contentType: 'text/plain; charset=utf-8',
          kind: 'file',
          unitId: lead,
          uploadedBy: by.openId,
          uploadedAt: e.at,
        },
      });
    }
  }
}
