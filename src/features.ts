import type { Hono } from 'hono';
import type { CommandContext, CommandReply } from './chat/context.js';
import type { AppDeps } from './deps.js';
import { ballotRoute } from './http/ballot.js';
import { feedbackRoute } from './http/feedback.js';
import { publicRoute } from './http/public.js';
import { receiveEvidence } from './services/evidence.js';
import { isImportUpload, receiveImport } from './services/spreadsheet/import-receive.js';

/**
 * Feature wiring beyond the core intake: extra routes (public page, feedback form) and
 * the handler for images and files sent to the bot. Grows with each feature.
 */
export function registerFeatures(deps: AppDeps): {
  routes: [string, Hono][];
  onAttachment?: (ctx: Omit<CommandContext, 'args' | 'rawArgs'>) => Promise<CommandReply>;
} {
  // Images and files are evidence (a spreadsheet import would dispatch on the file type here).
  return {
    routes: [
      ['/feedback', feedbackRoute(deps)],
      ['/ballot', ballotRoute(deps)],
      ['/public', publicRoute(deps)],
    ],
    // A spreadsheet from staff, not a reply to a card, is a list to import; everything else stays evidence.
    onAttachment: (ctx) =>
      isImportUpload(ctx) ? receiveImport(deps.files, ctx) : receiveEvidence(deps.files, ctx),
  };
}
