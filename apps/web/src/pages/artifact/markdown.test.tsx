import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../test/render';
import { Markdown, safeHref } from './markdown';

const noApi = () => new Response(null, { status: 404 });

function show(source: string) {
  return renderWithProviders(<Markdown source={source} />, noApi).container;
}

describe(Markdown.name, () => {
  it('renders headings one level below the page’s, paragraphs, emphasis and code', () => {
    show('# Redis\n\nA **fast** _key-value_ store; run `helm install`.\n\n## Parameters\n');
    expect(screen.getByRole('heading', { level: 2, name: 'Redis' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 3, name: 'Parameters' })).toBeInTheDocument();
    expect(screen.getByText('fast').tagName).toBe('STRONG');
    expect(screen.getByText('key-value').tagName).toBe('EM');
    expect(screen.getByText('helm install').tagName).toBe('CODE');
  });

  it('renders fenced code verbatim, nested lists and GFM tables', () => {
    const container = show(
      [
        '```yaml',
        'image:',
        '  tag: "1.27" # **not bold**',
        '```',
        '',
        '- one',
        '- two',
        '  1. two-a',
        '  2. two-b',
        '',
        '| Name | Default |',
        '|------|--------:|',
        '| `replicaCount` | `1` |',
        '| `image.tag` \\| digest | latest |',
      ].join('\n'),
    );
    expect(container.querySelector('pre code')?.textContent?.trimEnd()).toBe(
      'image:\n  tag: "1.27" # **not bold**',
    );
    const outer = container.querySelector('ul')!;
    expect(outer.children).toHaveLength(2);
    expect(
      within(outer.children[1] as HTMLElement)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['two-a', 'two-b']);
    const table = screen.getByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Name', 'Default']);
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('replicaCount').tagName).toBe('CODE');
    expect(within(table).getByRole('row', { name: /image\.tag \| digest latest/ })).toBeInTheDocument();
  });

  it('never interprets HTML: tags in the README show as text and create no elements', () => {
    const container = show(
      '<img src=x onerror="window.mdHacked=1">\n\n<script>window.mdHacked=2</script>\n\nText <b>bold?</b>',
    );
    expect(container.querySelector('img, script, b')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="window.mdHacked=1">');
    expect(container.textContent).toContain('<b>bold?</b>');
    expect((window as { mdHacked?: number }).mdHacked).toBeUndefined();
  });

  it('keeps only safe links, opens them apart, and shows images as links instead of loading them', () => {
    const container = show(
      [
        '[docs](https://helm.sh/docs) [bad](javascript:alert(1)) [data](data:text/html,x) [top](#parameters)',
        '![badge](https://img.shields.io/badge/x.svg) <https://example.com/a>',
      ].join('\n'),
    );
    expect(screen.getByRole('link', { name: 'docs' })).toHaveAttribute('href', 'https://helm.sh/docs');
    expect(screen.getByRole('link', { name: 'docs' })).toHaveAttribute('rel', 'noopener noreferrer nofollow');
    expect(screen.getByRole('link', { name: 'top' })).toHaveAttribute('href', '#parameters');
    expect(screen.queryByRole('link', { name: 'bad' })).not.toBeInTheDocument();
    expect(screen.getByText('bad').tagName).toBe('SPAN');
    expect(screen.queryByRole('link', { name: 'data' })).not.toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('link', { name: 'badge' })).toHaveAttribute(
      'href',
      'https://img.shields.io/badge/x.svg',
    );
    expect(screen.getByRole('link', { name: 'https://example.com/a' })).toBeInTheDocument();
  });

  it('stays bounded on pathological input', () => {
    const started = performance.now();
    show(`${'> '.repeat(200)}deep\n\n${'*'.repeat(5000)}\n\n${'['.repeat(2000)}x`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(safeHref(' JavaScript:alert(1)')).toBeNull();
    expect(safeHref('HTTPS://example.com')).toBe('HTTPS://example.com');
  });
});
