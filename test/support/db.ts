import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/entry/database.js';
import { withDatabase } from './global-setup.js';

export interface TestDatabase extends Database {
  /** PostgreSQL only: the database's URL (a second service instance can connect to it). */
  url?: string;
}

/** A fresh, migrated database for one test file (or test): nothing shared, nothing seeded. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (inject('dbKind') === 'postgres') {
    const template = inject('pgTemplate');
    const name = `duban_t_${template.slice(10)}_${randomBytes(4).toString('hex')}`;
    const adminUrl = inject('pgAdminUrl');
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name} template ${template}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(adminUrl, name);
    const d = await openDatabase({ url, max: 5 }, { migrate: false });
    return {
      ...d,
      url,
      async close() {
        await d.close();
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
        await a.end();
      },
    };
  }
  const bytes = readFileSync(inject('pgliteDump'));
  return openDatabase({ memory: true, loadDataDir: new Blob([bytes]) }, { migrate: false });
}

export const onPostgres = () => inject('dbKind') === 'postgres';
