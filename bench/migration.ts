/**
 * The campaigns migrations on a deployment's worth of data: a database made by the schema before
 * campaigns (migrations up to 0004) with 100,000 problems in 500 units, then the pending migrations
 * applied as the service does at start-up, and the default campaign named. Run:
 * `npm run bench -- --only migrate`.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { seedCampaign, withBenchDatabase } from './seed.js';

/** The last migration before campaigns: what a deployment upgrading in place was made by. */
const BEFORE_CAMPAIGNS = '0004_outbox';

export interface MigrationResult {
  problems: number;
  migrateMs: number;
  applied: string[];
  inDefault: number;
}

export async function benchMigration(
  adminUrl: string,
  o: { problems?: number } = {},
): Promise<MigrationResult> {
  const nProblems = o.problems ?? 100_000;
  const folder = join(process.cwd(), 'db/migrations');
  return withBenchDatabase(
    adminUrl,
    'migrate',
    async (database, url) => {
      const old = mkdtempSync(join(tmpdir(), 'duban-migrations-'));
      const client = postgres(url, { max: 1, onnotice: () => {} });
      try {
        cpSync(folder, old, { recursive: true });
        const journal = JSON.parse(readFileSync(join(old, 'meta/_journal.json'), 'utf8'));
        const cut = journal.entries.findIndex((e: { tag: string }) => e.tag === BEFORE_CAMPAIGNS);
        const applied = journal.entries.slice(cut + 1).map((e: { tag: string }) => e.tag);
        journal.entries = journal.entries.slice(0, cut + 1);
        writeFileSync(join(old, 'meta/_journal.json'), JSON.stringify(journal));
        await migrate(drizzle(client), { migrationsFolder: old });
        await seedCampaign(database.db, nProblems, 500);

        const t = performance.now();
        await migrate(drizzle(client), { migrationsFolder: folder });
        const migrateMs = performance.now() - t;
        const [{ n }] = (await client`
          select count(*)::int as n from problems p join campaigns c on c.id = p.campaign_id where c.is_default`) as unknown as [
          { n: number },
        ];
        return { problems: nProblems, migrateMs, applied, inDefault: n };
      } finally {
        await client.end({ timeout: 5 });
        rmSync(old, { recursive: true, force: true });
      }
    },
    { migrate: false },
  );
}
