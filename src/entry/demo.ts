import { resolve } from 'node:path';
import { ConfigError, parseConfig } from '../config.js';
import { loadDemo } from '../services/demo/load.js';
import { DataDirLockedError } from './data-dir-lock.js';
import { openConfiguredDatabase } from './database.js';
import { withSecretKey } from './secret-key.js';

/**
 * `npm run demo [-- --force] [--at <ISO-8601>]`: loads the demo data set (docs/domain.md) into the
 * configured database. It writes rows only and sends no messages; with LARK_APP_ID set it refuses
 * unless --force (the demo's fake people must not land in a tenant's real bot by accident), and it
 * never opens a PGlite directory that a running service holds.
 */
const USAGE = '用法：npm run demo [-- --force] [--at <ISO-8601>]';

function parseArgs(argv: string[]): { force: boolean; at: Date } {
  let force = false;
  let at = new Date();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') force = true;
    else if (a === '--at') {
      const v = argv[++i];
      const d = v ? new Date(v) : new Date(Number.NaN);
      if (!v || Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v))
        throw new Error(`--at 需要 ISO-8601 时间，例如 2026-11-26T10:00:00+08:00。${USAGE}`);
      at = d;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`无法识别的参数「${a}」。${USAGE}`);
  }
  return { force, at };
}

function lockedMessage(e: DataDirLockedError): string {
  return [
    `npm run demo 不能打开数据目录 ${resolve(e.dir)}：它正被进程 ${e.holder.pid}${e.holder.port ? `（端口 ${e.holder.port} 上的 duban）` : ''}使用。`,
    '嵌入式数据库（PGlite）只能由一个进程打开。请先停止服务（npm start），再运行 npm run demo，然后重新启动服务。',
    `The data directory ${resolve(e.dir)} is held by process ${e.holder.pid}; PGlite allows one process only. ` +
      'Stop the service first, then run npm run demo again (or set DATABASE_URL to use PostgreSQL).',
  ].join('\n');
}

async function main(): Promise<number> {
  const { force, at } = parseArgs(process.argv.slice(2));
  if (process.env.LARK_APP_ID?.trim() && !force) {
    console.error(
      '已设置 LARK_APP_ID：演示数据含虚构的单位、人员和问题，不应写入连接飞书的正式数据库。如确需载入，请加 --force：npm run demo -- --force\n' +
        'LARK_APP_ID is set: the demo data set is fictional. Refusing to load it into a connected deployment; pass --force to do it anyway.',
    );
    return 1;
  }
  const config = withSecretKey(parseConfig(process.env), (m) => console.warn(m));
  const database = await openConfiguredDatabase(config);
  if (database instanceof DataDirLockedError) {
    console.error(lockedMessage(database));
    return 1;
  }
  try {
    const r = await loadDemo(database.db, { now: at, timezone: config.timezone });
    const where = config.databaseUrl ? 'PostgreSQL（DATABASE_URL）' : `PGlite（${resolve(config.dataDir)}）`;
    const lines = [
      r.problems.inserted
        ? `已载入演示数据到 ${where}：问题 ${r.problems.inserted} 件（已存在 ${r.problems.existing} 件），新建单位 ${r.unitsCreated} 个、督导组 ${r.groupsCreated} 个。`
        : `演示数据已在 ${where} 中（${r.problems.existing} 件问题），未作改动。`,
      `议题：${r.campaigns.map((c) => `「${c.name}」${c.problems} 件`).join('，')}；默认议题为「${r.campaigns[0]!.name}」，发送 /议题 切换 <名称> 切换。`,
      `被评议单位：${['市卫健局', '市教育局', '市人社局', '市科经局', '市民政局', '市残联'].map((u) => `${u} ${r.byUnit[u] ?? 0}`).join('，')}。`,
      '演示数据不发送任何消息；人员为虚构的 ou_demo_… 账号。',
    ];
    console.log(lines.join('\n'));
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
