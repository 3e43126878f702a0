import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PATHS_FILE, renderPaths } from '../../src/dev/architecture-paths.js';

it('docs/architecture-paths.md is what the code says today (npm run docs:paths rewrites it)', async () => {
  const doc = await renderPaths();
  expect(doc).toContain('| /交办 | `src/chat/commands/assign.ts` → ');
  expect(doc).toMatch(/\| `p\.ack`.*`src\/actions\/problem\.ts`/);
  expect(doc).toMatch(/\| `reminders` \| `src\/jobs\/index\.ts` → .*`src\/services\/reminders\.ts`/);
  expect(readFileSync(PATHS_FILE, 'utf8')).toBe(doc);
});
