import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../test/render';
import { StructuredValue, parseEmbeddedJson } from './structured-value';

describe(StructuredValue.name, () => {
  it('shows an object as its keys and values, nested, and lists one item a line', () => {
    renderWithProviders(
      <div data-testid="value">
        <StructuredValue
          value={{
            Cmd: ['nginx', '-g', 'daemon off;'],
            Labels: { tier: 'web' },
            StopSignal: 'SIGQUIT',
            Tty: false,
          }}
        />
      </div>,
      () => json({}),
    );
    const container = screen.getByTestId('value');
    const terms = [...container.querySelectorAll(':scope > dl > div > dt')].map((term) => term.textContent);
    expect(terms).toEqual(['Cmd', 'Labels', 'StopSignal', 'Tty']);
    expect(
      within(screen.getByText('Cmd').nextElementSibling as HTMLElement).getAllByRole('listitem'),
    ).toHaveLength(3);
    expect(screen.getByText('tier').nextElementSibling).toHaveTextContent('web');
    expect(screen.getByText('Tty').nextElementSibling).toHaveTextContent('false');
    expect(container.textContent).not.toMatch(/[{}"]/);
  });

  it('shows a time in the local time zone, the exact value on hover', () => {
    renderWithProviders(<StructuredValue value="2026-11-22T07:35:00Z" />, () => json({}), 'zh-CN');
    const shown = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date('2026-11-22T07:35:00Z'),
    );
    const time = screen.getByText(shown);
    expect(time.closest('[title]')).toHaveAttribute('title', '2026-11-22T07:35:00Z');
  });

  it('indents what is nested too deep to list', () => {
    renderWithProviders(<StructuredValue value={{ a: { b: { c: { d: 1 } } } }} />, () => json({}));
    expect(screen.getByTestId('structured-json').textContent).toBe('{\n  "d": 1\n}');
  });
});

describe(parseEmbeddedJson.name, () => {
  it('opens JSON held in a string and leaves other text alone', () => {
    expect(parseEmbeddedJson('{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(parseEmbeddedJson('[not json]')).toBe('[not json]');
    expect(parseEmbeddedJson('plain')).toBe('plain');
    expect(parseEmbeddedJson(3)).toBe(3);
  });
});
