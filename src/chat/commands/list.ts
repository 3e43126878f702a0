import { listCard } from '../../../cards/list.js';
import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { parseStateFilter } from '../../services/problem-filter.js';
import { type ListFilter, listProblems } from '../../services/queries.js';
import { resolveUnit } from '../../services/units/read.js';
import type { CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';

const FORM =
  '格式：/清单 [单位] [状态] [议题:<名称>] [第N页]；状态可写 已交办、已签收、整改中、待销号、已销号、已撤销、逾期 或 未销号。例：/清单 市人社局 逾期';

export const listCommand: CommandSpec = {
  names: ['清单', 'list'],
  readOnly: true,
  // Contacts may list their own units' problems too; listProblems decides who sees what.
  who: 'anyone',
  usage: '/清单 [单位] [状态] [议题:<名称>]',
  summary:
    '当前议题的问题清单，可按单位和状态筛选；联络员看到本单位在各进行中议题的问题，按议题分组；每页 10 件。',
  example: '/清单 市人社局 逾期',
  async run(ctx) {
    const { campaign, rest } = campaignOption(ctx.args);
    const f: ListFilter = { page: 1, ...(campaign !== undefined ? { campaign } : {}) };
    const unitWords: string[] = [];
    for (const w of words(rest)) {
      const page = /^第(\d{1,4})页$/.exec(w) ?? /^(?:page|p)[:=]?(\d{1,4})$/i.exec(w);
      const state = parseStateFilter(w);
      if (page) f.page = Number(page[1]);
      else if (state) {
        if (f.state) throw invalid(`只能指定一个状态。${FORM}`);
        f.state = state;
      } else unitWords.push(w);
    }
    if (unitWords.length) f.unitId = (await resolveUnit(ctx.tx, unitWords.join(' '))).id;
    return { card: listCard(await listProblems(await serviceCtx(ctx), f)) };
  },
};
