import type { Hono } from 'hono';
import type { CommandContext, CommandReply } from './chat/context.js';
import type { AppDeps } from './deps.js';
import { ballotRoute } from './http/ballot.js';
import { feedbackRoute } from './http/feedback.js';
import { receiveEvidence } from './services/evidence.js';

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
    ],
    onAttachment: (ctx) => receiveEvidence(deps.files, ctx),
  };
}
