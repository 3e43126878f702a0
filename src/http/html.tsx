import type { Child, FC } from 'hono/jsx';

/** What the server-rendered pages (/public, /feedback) share: the page frame, a table, a select. */

export const HtmlPage: FC<{ title: string; css: string; children?: Child }> = ({ title, css, children }) => (
  <html lang="zh-CN">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>{title}</title>
      <style>{css}</style>
    </head>
    <body>{children}</body>
  </html>
);

export const Table: FC<{ head: Child[]; children?: Child }> = ({ head, children }) => (
  <table>
    <thead>
      <tr>
        {head.map((h) => (
          <th>{h}</th>
        ))}
      </tr>
    </thead>
    <tbody>{children}</tbody>
  </table>
);

export interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

/** A labelled select whose first option (value "") means no filter. */
export const Select: FC<{ label: string; name: string; all: string; choices: Choice[] }> = ({
  label,
  name,
  all,
  choices,
}) => (
  <label>
    {label}
    <select name={name}>
      <option value="">{all}</option>
      {choices.map((c) => (
        <option value={c.value} selected={c.selected}>
          {c.label}
        </option>
      ))}
    </select>
  </label>
);
