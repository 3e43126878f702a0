import { and, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { ImportPreviewView } from '../../../cards/import.js';
import { problems } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import type { Conn, Db } from '../../db.js';
import { categoriesOf } from '../../domain/campaign.js';
import type { Logger } from '../../log.js';
import { type CampaignRow, campaignById, defaultCampaign } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import type { Directory } from '../directory.js';
import { resolveDeadline } from '../problems/deadline.js';
import { allUnits } from '../units/read.js';
import { type RowIssue, type Validation, validateProblems } from './validate.js';

/**
 * A parsed workbook waiting for 确认导入 (import_drafts.payload): the rows as read, the declared
 * units with their contacts already looked up, and what the preview listed as unknown. Rows are
 * kept raw and validated again at commit, against the units as they are then.
 */
const Text = z.string().max(10_000);
const RawProblemRow = z.object({
  row: z.number().int(),
  no: Text,
  title: Text,
  description: Text,
  leadUnit: Text,
  coUnits: Text,
  category: Text,
  timeliness: Text,
  deadline: Text,
  source: Text,
});
const Declared = z.object({
  row: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  aliases: z.array(z.string()),
  contacts: z.array(z.object({ raw: z.string(), openId: z.string(), name: z.string() })),
  existingId: z.number().int().nullable(),
});

export const DraftPayload = z.object({
  fileName: z.string(),
  replyTo: z.object({ messageId: z.string(), chatId: z.string().optional() }),
  problemSheet: z.string(),
  problems: z.array(RawProblemRow),
  units: z.array(Declared),
  /** Errors of the 单位与联络员 sheet (contacts not found): a draft has none; kept for the preview. */
  unitErrors: z.array(z.object({ sheet: z.string(), row: z.number(), messages: z.array(z.string()) })),
  skipped: z.array(z.object({ sheet: z.string(), row: z.number(), reason: z.string() })),
  /** The campaign the rows go into: the uploader's current one when the preview was made. */
  campaignId: z.number().int().positive().optional(),
  /** Filled on 确认导入. */
  create: z.array(z.string()).optional(),
  cardMessageId: z.string().optional(),
});
export type DraftPayload = z.infer<typeof DraftPayload>;

/** Import keys already in the campaign, with what they were imported as (keys are unique per campaign). */
export async function existingKeys(
  conn: Conn,
  campaignId: number,
): Promise<Map<string, { code: string; title: string }>> {
  const rows = await conn
    .select({ key: problems.importKey, code: problems.code, title: problems.title })
    .from(problems)
    .where(and(isNotNull(problems.importKey), eq(problems.campaignId, campaignId)));
  return new Map(rows.map((r) => [r.key!, { code: r.code, title: r.title }]));
}

/** The campaign a draft imports into (a draft made before campaigns existed: the default one). */
export async function draftCampaign(conn: Conn, p: Pick<DraftPayload, 'campaignId'>): Promise<CampaignRow> {
  return p.campaignId !== undefined ? campaignById(conn, p.campaignId) : defaultCampaign(conn);
}

/** The draft's rows checked against the database now; `create` set at commit only. */
export async function validateDraft(
  ctx: ServiceCtx,
  p: Pick<DraftPayload, 'problems' | 'units' | 'problemSheet'>,
  campaign: CampaignRow,
  create?: ReadonlySet<string>,
): Promise<Validation> {
  return validateProblems(p.problems, {
    sheet: p.problemSheet,
    units: await allUnits(ctx.tx),
    declared: p.units,
    create,
    categories: categoriesOf(campaign),
    existing: await existingKeys(ctx.tx, campaign.id),
    deadline: (raw) => resolveDeadline(ctx, raw),
  });
}

/** What the preview card shows. Errors of both sheets, in sheet then row order. */
export function previewView(
  p: DraftPayload,
  v: Validation,
  campaign: CampaignRow,
  id?: string,
): ImportPreviewView {
  const errors: RowIssue[] = [...v.errors, ...p.unitErrors].sort((a, b) =>
    a.sheet === b.sheet ? a.row - b.row : a.sheet === p.problemSheet ? -1 : 1,
  );
  return {
    id,
    campaignName: campaign.name,
    fileName: p.fileName,
    problemSheet: p.problemSheet || undefined,
    total: p.problems.length,
    ready: v.ready.map((r) => ({
      row: r.row,
      title: r.title,
      leadUnit: r.leadUnit,
      coUnits: r.coUnits,
      deadline: r.deadline,
    })),
    existing: v.existing.length,
    errors,
    unknown: v.unknown,
    newUnits: p.units
      .filter((u) => u.existingId === null)
      .map((u) => ({ name: u.name, shortName: u.shortName })),
    contacts: p.units
      .filter((u) => u.contacts.length)
      .map((u) => ({ unit: u.name, names: u.contacts.map((c) => c.name) })),
    skipped: p.skipped,
  };
}

/** Something to do: new rows, new units or contacts. */
export function hasWork(p: DraftPayload, v: Validation): boolean {
  return v.ready.length > 0 || p.units.some((u) => u.existingId === null || u.contacts.length > 0);
}

export interface ImportDeps {
  db: Db;
  config: Config;
  directory: Directory;
  log: Logger;
  lookupBudgetMs?: number;
}
