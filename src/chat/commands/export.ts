import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { parseStateFilter } from '../../services/problem-filter.js';
import { type ExportFilter, exportProblems } from '../../services/spreadsheet/export.js';
import { importTemplate } from '../../services/spreadsheet/template.js';
import { resolveUnit } from '../../services/units/read.js';
import type { CommandContext, CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';

const FORM =
  '格式：/导出 [单位] [状态] [议题:<名称>]；状态可写 已交办、已签收、整改中、待销号、已销号、已撤销、逾期 或 未销号。例：/导出 市人社局 逾期';

/** The answer is the file itself, uploaded through the outbox and sent as a reply to the command. */
function sendFile(ctx: CommandContext, purpose: string, file: { name: string; bytes: Uint8Array }) {
  ctx.send({
    msgType: 'file',
    content: {},
    purpose,
    file,
    replyTo: { messageId: ctx.msg.messageId, chatId: ctx.msg.chatId },
  });
}

export const exportCommand: CommandSpec = {
  names: ['导出', 'export'],
  private: true,
  who: 'staff',
  usage: '/导出 [单位] [状态] [议题:<名称>]',
  summary:
    '把当前议题的问题清单导出为 Excel 文件（第二张表为各单位统计），筛选方式同 /清单；已归档议题也可导出。',
  example: '/导出 市人社局 逾期',
  async run(ctx) {
    const { campaign, rest } = campaignOption(ctx.args);
    const f: ExportFilter = campaign !== undefined ? { campaign } : {};
    const unitWords: string[] = [];
    for (const w of words(rest)) {
      const state = parseStateFilter(w);
      if (state) {
        if (f.state) throw invalid(`只能指定一个状态。${FORM}`);
        f.state = state;
      } else unitWords.push(w);
    }
    if (unitWords.length) f.unitId = (await resolveUnit(ctx.tx, unitWords.join(' '))).id;
    const r = await exportProblems(await serviceCtx(ctx), f);
    if (!r.count) return { text: '没有符合条件的问题，未生成文件。' };
    sendFile(ctx, 'export', { name: r.fileName, bytes: r.bytes });
    return { none: true };
  },
};

export const importTemplateCommand: CommandSpec = {
  names: ['导入模板', 'template'],
  who: 'staff',
  usage: '/导入模板',
  summary: '发送问题清单导入模板（.xlsx，含示例行）。填好后把文件直接发给我，核对预览后确认即可导入。',
  async run(ctx) {
    const t = await importTemplate(await serviceCtx(ctx));
    sendFile(ctx, 'import_template', { name: t.fileName, bytes: t.bytes });
    return { none: true };
  },
};
