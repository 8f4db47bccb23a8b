import { Typography } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';

/*
 * A small Markdown renderer for chart READMEs. The console ships no Markdown library, and a README
 * is written by whoever pushed the chart, so it is never handed to the browser as HTML: every piece
 * becomes a React element, text stays text (raw HTML in the README shows as its source), links keep
 * only http(s), mailto and in-page targets, and images are shown as links rather than loaded.
 * Covered: ATX headings, paragraphs, fenced and indented code, block quotes, nested lists, GFM
 * tables, thematic breaks; inline code, emphasis, strong, links, autolinks.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const BREAK = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Whether a line starts a block other than a paragraph (so a paragraph ends before it). */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || BREAK.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|'));
}

/** A link target the console may follow: web and mail links and in-page anchors; anything else is dropped. */
export function safeHref(url: string): string | null {
  return /^(https?:\/\/|mailto:|#)/i.test(url.trim()) ? url.trim() : null;
}

const INLINE = new RegExp(
  [
    /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/.source, // 1, 2: code span
    /!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.source, // 3, 4: image
    /\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.source, // 5, 6: link
    /<((?:https?:\/\/|mailto:)[^>\s]+)>/.source, // 7: autolink
    /\*\*(?=\S)([\s\S]*?\S)\*\*/.source, // 8: strong
    /(?<![\w])__(?=\S)([\s\S]*?\S)__(?![\w])/.source, // 9: strong
    /\*(?=[^\s*])([\s\S]*?[^\s*])\*/.source, // 10: emphasis
    /(?<![\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w])/.source, // 11: emphasis
  ].join('|'),
  'g',
);

function link(href: string, children: ReactNode, key: number): ReactNode {
  const safe = safeHref(href);
  if (!safe) return <span key={key}>{children}</span>;
  const external = !safe.startsWith('#');
  return (
    <a key={key} href={safe} {...(external ? { target: '_blank', rel: 'noopener noreferrer nofollow' } : {})}>
      {children}
    </a>
  );
}

export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  let key = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) out.push(text.slice(at, match.index));
    const [, , code, alt, src, label, href, auto, strong1, strong2, em1, em2] = match;
    if (code !== undefined) out.push(<code key={key}>{code.trim()}</code>);
    else if (src !== undefined) out.push(link(src, alt || src, key));
    else if (href !== undefined) out.push(link(href, inline(label!), key));
    else if (auto !== undefined) out.push(link(auto, auto, key));
    else if ((strong1 ?? strong2) !== undefined)
      out.push(<strong key={key}>{inline(strong1 ?? strong2!)}</strong>);
    else out.push(<em key={key}>{inline(em1 ?? em2!)}</em>);
    key += 1;
    at = match.index + match[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Renders Markdown lines as blocks; lists and quotes recurse on their dedented content. */
function blocks(lines: string[], depth: number): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  const push = (node: ReactNode) => out.push(<Fragment key={out.length}>{node}</Fragment>);
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i += 1;
      push(
        <pre>
          <code>{body.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]!) || lines[i]!.trim() === '')) {
        body.push(lines[i++]!.replace(/^( {4}|\t)/, ''));
      }
      push(
        <pre>
          <code>{body.join('\n').trimEnd()}</code>
        </pre>,
      );
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      // The page has its own h1; the README's headings sit one level below it.
      const level = Math.min(heading[1]!.length + 1, 6);
      const Heading = `h${level}` as 'h2';
      push(<Heading>{inline(heading[2] ?? '')}</Heading>);
      i += 1;
      continue;
    }
    if (BREAK.test(line)) {
      push(<hr />);
      i += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '' && (QUOTE.test(lines[i]!) || body.length > 0)) {
        body.push(lines[i++]!.replace(QUOTE, ''));
      }
      push(<blockquote>{depth < 8 ? blocks(body, depth + 1) : body.join('\n')}</blockquote>);
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[2]!);
      const items: string[][] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        const marker = ITEM.exec(current);
        if (marker && /\d/.test(marker[2]!) === ordered) {
          const indent = marker[0].length;
          const content = [current.slice(indent)];
          i += 1;
          // The item goes on while lines are indented under it, or blank with more of it below.
          while (i < lines.length) {
            const next = lines[i]!;
            if (next.trim() === '') {
              if (i + 1 < lines.length && /^\s{2,}/.test(lines[i + 1]!)) {
                content.push('');
                i += 1;
                continue;
              }
              break;
            }
            if (/^\s{2,}/.test(next)) content.push(next.replace(new RegExp(`^\\s{1,${indent}}`), ''));
            else if (!startsBlock(next) && !ITEM.test(next)) content.push(next);
            else break;
            i += 1;
          }
          items.push(content);
          continue;
        }
        if (current.trim() === '' && i + 1 < lines.length && ITEM.test(lines[i + 1]!)) {
          i += 1;
          continue;
        }
        break;
      }
      const List = ordered ? 'ol' : 'ul';
      const start = ordered ? Number.parseInt(item[2]!, 10) : undefined;
      push(
        <List {...(start !== undefined && start !== 1 ? { start } : {})}>
          {items.map((content, n) => (
            // Items have no identity beyond their position.
            <li key={n}>
              {depth < 8 && content.length > 1 ? blocks(content, depth + 1) : inline(content.join('\n'))}
            </li>
          ))}
        </List>,
      );
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]!)) {
      const head = cells(line);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim() !== '')
        rows.push(cells(lines[i++]!));
      push(
        <div style={{ overflowX: 'auto' }}>
          <table>
            <thead>
              <tr>
                {head.map((cell, n) => (
                  <th key={n}>{inline(cell)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr key={r}>
                  {head.map((_, n) => (
                    <td key={n}>{inline(row[n] ?? '')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      (paragraph.length === 0 || !startsBlock(lines[i]!))
    ) {
      paragraph.push(lines[i++]!.trim());
    }
    push(<p>{inline(paragraph.join('\n'))}</p>);
  }
  return out;
}

/** Markdown, rendered without ever interpreting it as HTML. */
export function Markdown({ source }: { source: string }) {
  return <Typography>{blocks(source.replaceAll('\r\n', '\n').split('\n'), 0)}</Typography>;
}
