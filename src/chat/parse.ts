/** Full-width forms people type on Chinese keyboards, folded to ASCII (README.md: `：` and `，` work like `:` and `,`). */
export function normalize(s: string): string {
  return s
    .replace(/[：]/g, ':')
    .replace(/[，、]/g, ',')
    .replace(/[／]/g, '/')
    .replace(/[　\u00a0]/g, ' ')
    .replace(/[\r\t]/g, ' ')
    .trim();
}

export interface ParsedCommand {
  name: string;
  /** Everything after the command name, normalized (full-width : and , folded): for structure. */
  rest: string;
  /** Everything after the command name exactly as typed: for free text, which must reach the unit unaltered. */
  raw: string;
}

/** "/交办 标题 单位:x" → {name:'交办', rest:'标题 单位:x'}; undefined when the text is not a command. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const t = normalize(text);
  if (!t.startsWith('/')) return undefined;
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(t);
  if (!m) return undefined;
  const r = /^\s*[/／]\S+\s*([\s\S]*)$/.exec(text);
  return { name: m[1]!.toLowerCase(), rest: m[2]!.trim(), raw: (r?.[1] ?? m[2]!).trim() };
}

/** Splits "a b  c" into words, keeping nothing empty. */
export function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
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
