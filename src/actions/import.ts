import { z } from 'zod';
import {
  IMPORT_CANCEL_ACTION,
  IMPORT_CONFIRM_ACTION,
  importCancelledCard,
  importRunningCard,
  NEW_UNITS_FIELD,
} from '../../cards/import.js';
import { serviceCtx } from '../services/ctx-from.js';
import { cancelImport, confirmImport } from '../services/spreadsheet/import-commit.js';
import type { ActionHandler } from './context.js';

/** The buttons name a draft only; confirmImport and cancelImport check again that the clicker is staff. */
const DraftValue = z.object({ id: z.string().min(1).max(64) });
/** A multi-select submits a list; tolerate a single value or nothing ticked. */
const Ticked = z
  .union([z.array(z.string().max(200)).max(500), z.string().max(200)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const importActions: Record<string, ActionHandler> = {
  [IMPORT_CONFIRM_ACTION]: async (ctx) => {
    const { id } = DraftValue.parse(ctx.value);
    const ticked = Ticked.parse(ctx.formValue[NEW_UNITS_FIELD]);
    const r = await confirmImport(await serviceCtx(ctx), id, ticked, ctx.messageId);
    return {
      toast: { type: 'success', content: `已开始导入 ${r.rows} 件问题`, en: 'Import started' },
      card: importRunningCard(r.fileName, r.rows, ctx.actor.name),
    };
  },
  [IMPORT_CANCEL_ACTION]: async (ctx) => {
    const { id } = DraftValue.parse(ctx.value);
    const r = await cancelImport(await serviceCtx(ctx), id);
    return {
      toast: { type: 'info', content: '已取消导入，未作任何改动' },
      card: importCancelledCard(r.fileName, ctx.actor.name),
    };
  },
};
