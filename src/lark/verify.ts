import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** Lark refuses nothing older, but a replayed request should not live forever: README.md's 12-hour window. */
export const MAX_SKEW_SECONDS = 12 * 3600;

export type IntakeRefusal =
  | {
      status: 401;
      reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'bad_token' | 'not_encrypted';
    }
  | { status: 400; reason: 'bad_json' | 'bad_ciphertext' | 'bad_payload' };

export interface IntakeKeys {
  encryptKey: string | undefined;
  verificationToken: string | undefined;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks X-Lark-Signature = hex(sha256(timestamp + nonce + encryptKey + rawBody)) over the
 * raw bytes as received. The SDK's own check (EventDispatcher/CardActionHandler) hashes
 * JSON.stringify(parsedBody) instead, so it accepts a body whose bytes differ from what was
 * signed as long as it re-serializes the same, and rejects a genuine body that Lark formatted
 * differently; it also never compares the verification token and has no replay window.
 */
export function checkSignature(
  rawBody: string,
  headers: { timestamp?: string | null; nonce?: string | null; signature?: string | null },
  encryptKey: string,
  nowMs: number,
): IntakeRefusal | undefined {
  const { timestamp, nonce, signature } = headers;
  if (!timestamp || !nonce || !signature) return { status: 401, reason: 'missing_signature' };
  const expected = createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(Buffer.from(rawBody, 'utf8'))
    .digest('hex');
  if (!safeEqual(expected, signature.toLowerCase())) return { status: 401, reason: 'bad_signature' };
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > MAX_SKEW_SECONDS) {
    return { status: 401, reason: 'stale_timestamp' };
  }
  return undefined;
}

/**
 * Decrypts Lark's {"encrypt": …} body like the SDK's AESCipher (AES-256-CBC, key sha256(encryptKey),
 * IV first 16 bytes), but decodes UTF-8 once over all the bytes: the SDK decodes update() and final()
 * separately, and workerd's node:crypto then splits a Chinese character at a chunk boundary into U+FFFD.
 */
export function decrypt(encrypt: string, encryptKey: string): string | undefined {
  try {
    const buf = Buffer.from(encrypt, 'base64');
    const key = createHash('sha256').update(encryptKey).digest();
    const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
    return typeof plain === 'string' && plain.length > 0 ? plain : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Verify before parse: signature over raw bytes, replay window, decryption, JSON.
 * Returns the decrypted JSON value or why the request is refused. The verification
 * token is checked by the caller once the payload's shape is known.
 */
export function openLarkBody(
  rawBody: string,
  headers: { timestamp?: string | null; nonce?: string | null; signature?: string | null },
  keys: IntakeKeys,
  nowMs: number,
): { ok: true; value: unknown } | { ok: false; refusal: IntakeRefusal } {
  const outer = parseJson(rawBody);
  if (outer === undefined || typeof outer !== 'object' || outer === null) {
    return { ok: false, refusal: { status: 400, reason: 'bad_json' } };
  }
  const encrypted = typeof (outer as { encrypt?: unknown }).encrypt === 'string';
  if (!keys.encryptKey) {
    if (encrypted) return { ok: false, refusal: { status: 400, reason: 'bad_ciphertext' } };
    return { ok: true, value: outer };
  }
  if (!encrypted) {
    // A plain url_verification carrying the right token is still answered (README.md, intake rules).
    const o = outer as { type?: unknown; token?: unknown };
    if (o.type === 'url_verification') return { ok: true, value: outer };
    return { ok: false, refusal: { status: 401, reason: 'not_encrypted' } };
  }
  // Signature first, on the raw bytes, before we decrypt or parse anything inside.
  const signed = Boolean(headers.signature);
  if (signed) {
    const sig = checkSignature(rawBody, headers, keys.encryptKey, nowMs);
    if (sig) return { ok: false, refusal: sig };
  }
  const plain = decrypt((outer as { encrypt: string }).encrypt, keys.encryptKey);
  if (plain === undefined) return { ok: false, refusal: { status: 400, reason: 'bad_ciphertext' } };
  const inner = parseJson(plain);
  if (inner === undefined) return { ok: false, refusal: { status: 400, reason: 'bad_json' } };
  // Lark signs every encrypted event and callback; whether it signs the url_verification
  // challenge is uncertain (docs/lark.md §1), so only a challenge may come unsigned.
  const isChallenge =
    typeof inner === 'object' && inner !== null && (inner as { type?: unknown }).type === 'url_verification';
  if (!signed && !isChallenge) return { ok: false, refusal: { status: 401, reason: 'missing_signature' } };
  return { ok: true, value: inner };
}
