import { z } from 'zod';
import { ACTION, parseValue } from '../../cards/actions.js';
import { importCancelledCard, importRunningCard, NEW_UNITS_FIELD } from '../../cards/import.js';
import { serviceCtx } from '../services/ctx-from.js';
import { cancelImport, confirmImport } from '../services/spreadsheet/import-commit.js';
import type { ActionHandler } from './context.js';

/** The buttons name a draft only; confirmImport and cancelImport check again that the clicker is staff. */
/** A multi-select submits a list; tolerate a single value or nothing ticked. */
const Ticked = z
  .union([z.array(z.string().max(200)).max(500), z.string().max(200)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const importActions: Record<string, ActionHandler> = {
  [ACTION.importConfirm]: async (ctx) => {
    const { id } = parseValue(ACTION.importConfirm, ctx.value);
    const ticked = Ticked.parse(ctx.formValue[NEW_UNITS_FIELD]);
    const r = await confirmImport(await serviceCtx(ctx), id, ticked, ctx.messageId);
    return {
      toast: { type: 'success', content: `已开始导入 ${r.rows} 件问题`, en: 'Import started' },
      card: importRunningCard(r.fileName, r.rows, ctx.actor.name),
    };
  },
  [ACTION.importCancel]: async (ctx) => {
    const { id } = parseValue(ACTION.importCancel, ctx.value);
    const r = await cancelImport(await serviceCtx(ctx), id);
    return {
      toast: { type: 'info', content: '已取消导入，未作任何改动' },
      card: importCancelledCard(r.fileName, ctx.actor.name),
    };
  },
};
