import { Anchor, Typography } from '@mantine/core';
import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

/*
 * Chart READMEs are written by whoever pushed the chart, so they are rendered by react-markdown,
 * which builds React elements and never hands the README to the browser as HTML (raw HTML shows as
 * text). On top of that: links keep only http(s), mailto and in-page targets and open apart, and
 * images are shown as links rather than loaded (a README must not make the browser fetch from
 * anywhere it likes).
 */

/** A link target the console may follow: web and mail links and in-page anchors; anything else is dropped. */
export function safeHref(url: string): string | null {
  return /^(https?:\/\/|mailto:|#)/i.test(url.trim()) ? url.trim() : null;
}

function SafeLink({ href, children }: ComponentProps<'a'>) {
  const target = href ? safeHref(href) : null;
  if (!target) return <span>{children}</span>;
  const inPage = target.startsWith('#');
  return (
    <Anchor href={target} {...(inPage ? {} : { target: '_blank', rel: 'noopener noreferrer nofollow' })}>
      {children}
    </Anchor>
  );
}

function ImageAsLink({ src, alt }: ComponentProps<'img'>) {
  const target = typeof src === 'string' ? safeHref(src) : null;
  const label = alt || (typeof src === 'string' ? src : '');
  return <SafeLink href={target ?? undefined}>{label}</SafeLink>;
}

// The page already has its own h1: the README's headings sit one level below.
const components: Components = {
  h1: ({ children }) => <h2>{children}</h2>,
  h2: ({ children }) => <h3>{children}</h3>,
  h3: ({ children }) => <h4>{children}</h4>,
  h4: ({ children }) => <h5>{children}</h5>,
  h5: ({ children }) => <h6>{children}</h6>,
  a: SafeLink,
  img: ImageAsLink,
};

/** Markdown, rendered without ever interpreting it as HTML. */
export function Markdown({ source }: { source: string }) {
  return (
    <Typography>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={components}
        // Keep the original URL so SafeLink can refuse it visibly (a span) instead of an empty href.
        urlTransform={(url) => url}
      >
        {source}
      </ReactMarkdown>
    </Typography>
  );
}
