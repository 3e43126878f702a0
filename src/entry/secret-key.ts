import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigError } from '../config.js';

/**
 * APP_SECRET_KEY keys the HMACs (voting codes, anonymous dedup) and is never stored in the database,
 * so a database dump alone cannot reverse them. A connected deployment must set it. In local mode
 * on PGlite a key is kept in DATA_DIR/secret.key (0600) beside the data, so codes survive a restart;
 * in local mode on PostgreSQL a random key lives for this process only.
 */
export function withSecretKey(config: Config, warn: (msg: string) => void): Config {
  if (config.appSecretKey) return config;
  if (config.lark)
    throw new ConfigError(['APP_SECRET_KEY: required when LARK_APP_ID is set (e.g. openssl rand -hex 32)']);
  if (config.databaseUrl) {
    warn('APP_SECRET_KEY is not set: a random key is used for this process only (voting codes end with it)');
    return { ...config, appSecretKey: randomBytes(32).toString('hex') };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { ...config, appSecretKey: readFileSync(file, 'utf8').trim() };
}
