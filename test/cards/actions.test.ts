import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ACTION, type ActionName, type ActionValue, act, parseValue, VALUES } from '../../cards/actions.js';
import { problemCard } from '../../cards/problem.js';
import type { ProblemView } from '../../src/domain/problem-view.js';

/** Every callback value in a card's JSON (buttons and form submits). */
function valuesIn(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) for (const n of node) valuesIn(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'callback' && o.value && typeof o.value === 'object')
      out.push(o.value as Record<string, unknown>);
    for (const v of Object.values(o)) valuesIn(v, out);
  }
  return out;
}

describe('button action values', () => {
  it('names every action once, each with a value schema', () => {
    const names = Object.values(ACTION);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(VALUES).sort()).toEqual([...names].sort());
  });

  it('still accepts the values of cards sent before rid was dropped', () => {
    for (const name of [ACTION.closureApprove, ACTION.extensionApprove]) {
      expect(parseValue(name, { action: name, pid: 12, rid: 34 })).toEqual({ pid: 12 });
      // Values as Lark may hand them back: numbers as strings.
      expect(parseValue(name, { action: name, pid: '12', rid: '34' })).toEqual({ pid: 12 });
    }
    expect(parseValue(ACTION.acknowledge, { action: 'p.ack', pid: 7 })).toEqual({ pid: 7 });
    expect(parseValue(ACTION.problemOpen, { action: 'p.open', pid: 7, form: 'progress' })).toEqual({
      pid: 7,
      form: 'progress',
    });
  });

  it('round-trips what act builds', () => {
    const one = <N extends ActionName>(name: N, fields: ActionValue<N>) => {
      const value = act(name, fields);
      expect(value.action).toBe(name);
      expect(parseValue(name, JSON.parse(JSON.stringify(value)))).toEqual(fields);
    };
    one(ACTION.problemForm, { pid: 3, form: 'rejectExtension' });
    one(ACTION.problemOpen, { code: 'DB-2026-001' });
    one(ACTION.problemOpen, { pid: 3, form: 'progress' });
    one(ACTION.acknowledge, { pid: 3 });
    one(ACTION.closureApprove, { pid: 3 });
    one(ACTION.assign, {});
    one(ACTION.evidenceAttach, { pid: 3, mid: 'om_1', fk: 'file_v2_1', kind: 'file', name: 'a.pdf' });
    one(ACTION.evidenceSend, { pid: 3, eid: 9 });
    one(ACTION.listPage, { u: 2, s: '逾期', page: 4 });
    one(ACTION.listPage, { page: 1 });
    one(ACTION.noticeConfirm, { id: 'draft-1' });
    one(ACTION.feedbackConvert, { fid: '7f9c2ba4-e88f-4e1b-8b5a-1a2b3c4d5e6f' });
    one(ACTION.ballot, { eid: 5 });
    one(ACTION.reinspectionReopen, { iid: 8 });
    one(ACTION.importCancel, { id: 'draft-2' });
  });

  it('refuses a value of the wrong shape', () => {
    expect(() => parseValue(ACTION.problemOpen, { action: 'p.open', code: 42 })).toThrow(ZodError);
    expect(() => parseValue(ACTION.problemOpen, { action: 'p.open', code: 42, pid: 3 })).toThrow(ZodError);
    expect(() => parseValue(ACTION.problemOpen, { action: 'p.open' })).toThrow(ZodError);
    expect(() => parseValue(ACTION.acknowledge, { action: 'p.ack', pid: 'DROP TABLE' })).toThrow(ZodError);
    expect(() => parseValue(ACTION.problemForm, { pid: 1, form: 'constructor' })).toThrow(ZodError);
  });

  it('new problem cards send no rid', () => {
    const at = new Date('2026-12-01T02:00:00Z');
    const view: ProblemView = {
      id: 3,
      code: 'DB-2026-003',
      title: '示例',
      description: '',
      state: 'closure_requested',
      deadline: '2026-12-31',
      leadUnit: { id: 1, name: '市人社局' },
      coUnits: [],
      category: null,
      timeliness: '长期整改',
      source: '交办',
      group: null,
      progressPct: null,
      evidenceCount: 0,
      calendarConfirmed: true,
      overdueWorkdays: 0,
      underEvaluation: false,
      pending: [
        {
          id: 11,
          kind: 'closure',
          text: '已整改',
          newDeadline: null,
          requestedByName: '张三',
          unitName: null,
          requestedAt: at,
        },
        {
          id: 12,
          kind: 'extension',
          text: '需延期',
          newDeadline: '2027-01-31',
          requestedByName: '张三',
          unitName: null,
          requestedAt: at,
        },
      ],
    };
    const values = valuesIn(
      problemCard(view, { caps: new Set(['decideClosure', 'decideExtension']), timezone: 'Asia/Shanghai' }),
    );
    expect(values.map((v) => v.action)).toEqual(
      expect.arrayContaining([ACTION.closureApprove, ACTION.extensionApprove]),
    );
    for (const v of values) {
      expect(v).not.toHaveProperty('rid');
      expect(() => parseValue(v.action as ActionName, v)).not.toThrow();
    }
  });
});
