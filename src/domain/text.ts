/**
 * Inbound text is cleaned once, where it enters (Lark payloads, web forms, spreadsheet cells):
 * PostgreSQL refuses NUL in text and lone surrogates in UTF-8, and a refused insert would be a 500
 * that Lark redelivers for hours. Tab and newline are kept; other C0 controls are dropped; a lone
 * surrogate becomes U+FFFD.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B-\u001F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(s: string): string {
  return s.replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Every string in a parsed JSON value (keys included), cleaned; other values as they are. */
export function cleanDeep<T>(v: T): T {
  if (typeof v === 'string') return cleanText(v) as T;
  if (Array.isArray(v)) return v.map(cleanDeep) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      // A "__proto__" key is kept as an own property, never as the object's prototype.
      Object.defineProperty(out, cleanText(k), {
        value: cleanDeep(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return v;
}

/** Levenshtein distance for "did you mean". */
export function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** The closest candidates within a small distance, or sharing a substring. */
export function closest(input: string, candidates: string[], max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: c.includes(input) || input.includes(c) ? 0.5 : distance(input, c) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(Math.max(input.length, 2) / 2)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c, 'zh'));
  return [...new Set(scored.map((x) => x.c))].slice(0, max);
}
