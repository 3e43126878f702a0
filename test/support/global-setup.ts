import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/entry/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbKind: 'postgres' | 'pglite';
    pgAdminUrl: string;
    pgTemplate: string;
    pgliteDump: string;
  }
}

/** Migrate once per run: a PostgreSQL template database, or a PGlite dump that each file loads. */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `duban_tpl_${randomBytes(4).toString('hex')}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${template}`);
    const tplUrl = withDatabase(url, template);
    const d = await openDatabase({ url: tplUrl, max: 1 });
    await d.close();
    project.provide('dbKind', 'postgres');
    project.provide('pgAdminUrl', url);
    project.provide('pgTemplate', template);
    project.provide('pgliteDump', '');
    return async () => {
      const rows = await admin<
        { datname: string }[]
      >`select datname from pg_database where datname like ${`${template}%`} or datname like ${`duban_t_${template.slice(10)}_%`}`;
      for (const r of rows) await admin.unsafe(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    };
  }
  const d = await openDatabase({ memory: true });
  const dump = await d.pglite!.dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'duban-pglite-'));
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await d.close();
  project.provide('dbKind', 'pglite');
  project.provide('pgAdminUrl', '');
  project.provide('pgTemplate', '');
  project.provide('pgliteDump', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
