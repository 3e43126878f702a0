import { invalid } from '../domain/errors.js';
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

/**
 * `议题:<名称>` (or `campaign:<名称>`) anywhere among a set command's words: the campaign it acts
 * on instead of the asker's current one. Returns the other words untouched.
 */
export function campaignOption(args: string): { campaign?: string; rest: string } {
  let campaign: string | undefined;
  const rest = words(args).filter((w) => {
    const m = /^(?:议题|campaign)[:：](.*)$/i.exec(w);
    if (!m) return true;
    campaign = m[1]!.trim();
    return false;
  });
  return { ...(campaign !== undefined ? { campaign } : {}), rest: rest.join(' ') };
}

/** A set command whose only argument is `议题:<名称>`: that name, else undefined (the current campaign). */
export function campaignArg(args: string): string | undefined {
  const { campaign, rest } = campaignOption(args);
  if (rest) throw invalid(`无法识别「${rest}」。可写 议题:<名称> 指定议题，不写则为当前议题。`);
  return campaign;
}
