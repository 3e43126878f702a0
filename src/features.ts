import type { Hono } from 'hono';
import type { CommandContext, CommandReply } from './chat/context.js';
import type { AppDeps } from './deps.js';

/**
 * Feature wiring beyond the core intake: extra routes (public page, feedback form) and
 * the handler for images and files sent to the bot. Grows with each feature.
 */
export function registerFeatures(_deps: AppDeps): {
  routes: [string, Hono][];
  onAttachment?: (ctx: Omit<CommandContext, 'args'>) => Promise<CommandReply>;
} {
  return { routes: [] };
}
