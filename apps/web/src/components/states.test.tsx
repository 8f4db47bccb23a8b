import { ApiError } from '@berth/api-client';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, renderWithProviders } from '../test/render';
import { ErrorState } from './states';

const noApi = () => json({});

describe(ErrorState.name, () => {
  it('points at the core only when no answer came', () => {
    renderWithProviders(
      <ErrorState error={new TypeError('Failed to fetch')} onRetry={() => undefined} />,
      noApi,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Failed to fetch');
    expect(screen.getByRole('alert')).toHaveTextContent('Check that it is running');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it.each([
    [401, 'Your session has ended. Sign in again.'],
    [403, 'You do not have permission to see this.'],
    [500, 'The core failed while answering.'],
  ])('words a %i by what the user can do', (status, hint) => {
    renderWithProviders(<ErrorState error={new ApiError(status, 'X', 'the server says why')} />, noApi);
    expect(screen.getByRole('alert')).toHaveTextContent('the server says why');
    expect(screen.getByRole('alert')).toHaveTextContent(hint);
    expect(screen.getByRole('alert')).not.toHaveTextContent('Check that it is running');
  });

  it('shows a 404 as not found, with no retry that would answer the same', () => {
    renderWithProviders(
      <ErrorState error={new ApiError(404, 'NOT_FOUND', 'label 9 not found')} onRetry={() => undefined} />,
      noApi,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Not found');
    expect(screen.getByRole('alert')).toHaveTextContent('It does not exist, or it was deleted.');
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
  });

  it('shows the page’s own not-found state for a 404 when the page says what was missing', () => {
    renderWithProviders(
      <ErrorState
        error={new ApiError(404, 'NOT_FOUND', 'project 9 not found')}
        notFound={{
          title: 'Project not found',
          message: 'No project 9.',
          backTo: '/projects',
          backLabel: 'Back',
        }}
      />,
      noApi,
      'en',
    );
    expect(screen.getByRole('heading', { name: 'Project not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back' })).toHaveAttribute('href', '/projects');
    expect(document.title).toBe('Project not found · Berth');
  });

  it('speaks Simplified Chinese', () => {
    renderWithProviders(<ErrorState error={new ApiError(404, 'NOT_FOUND', 'gone')} />, noApi, 'zh-CN');
    expect(screen.getByRole('alert')).toHaveTextContent('未找到');
    expect(screen.getByRole('alert')).toHaveTextContent('它不存在，或已被删除。');
  });
});
