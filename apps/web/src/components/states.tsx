import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconZoomQuestion } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from './page-title';

export function LoadingState() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm">{t('common.loading')}</Text>
      </Stack>
    </Center>
  );
}

/** The HTTP status of a failed API call (ApiError's), or undefined when no answer came at all. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** What the user can do about a failure, from its status: only a missing answer points at the core. */
function hintKey(status: number | undefined): string | null {
  if (status === undefined) return 'errors.unreachable';
  if (status === 401) return 'errors.signedOut';
  if (status === 403) return 'errors.forbidden';
  if (status === 404) return 'errors.notFound';
  if (status >= 500) return 'errors.server';
  return null;
}

/** Where a not-found page sends the user back to, and what it says. */
export interface NotFoundProps {
  /** The page's heading, e.g. "Project not found". */
  title: string;
  /** What was looked for and why it may be missing. */
  message: string;
  backTo: string;
  backLabel: string;
}

/**
 * A page whose subject does not exist (the API answered 404): says so, names the page in the
 * title, and offers the way back, with no "try again" (it would answer the same).
 */
export function NotFoundState({ title, message, backTo, backLabel }: NotFoundProps) {
  usePageTitle([title]);
  return (
    <Stack align="flex-start" py="lg" data-testid="not-found">
      <Group gap="sm">
        <ThemeIcon variant="light" color="gray" size="lg" aria-hidden>
          <IconZoomQuestion size={20} />
        </ThemeIcon>
        <Title order={1} size="h2">
          {title}
        </Title>
      </Group>
      <Text>{message}</Text>
      <Anchor component={Link} to={backTo}>
        <Group gap={4} component="span">
          <IconArrowLeft size={16} aria-hidden />
          {backLabel}
        </Group>
      </Anchor>
    </Stack>
  );
}

/**
 * A failed request. A 404 shows `notFound` when the caller says what was missing (a page's
 * subject), else a short "not found" alert; other failures show the server's words with a hint
 * that fits the status and, when given, a retry.
 */
export function ErrorState({
  error,
  onRetry,
  notFound,
}: {
  error: unknown;
  onRetry?: () => void;
  notFound?: NotFoundProps;
}) {
  const { t } = useTranslation();
  const status = statusOf(error);
  if (status === 404 && notFound) return <NotFoundState {...notFound} />;
  const message = error instanceof Error ? error.message : String(error);
  const hint = hintKey(status);
  return (
    <Alert
      color={status === 404 ? 'yellow' : 'red'}
      title={status === 404 ? t('errors.notFoundTitle') : t('common.errorTitle')}
      icon={<IconAlertTriangle size={18} aria-hidden />}
      role="alert"
    >
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {hint && <Text size="sm">{t(hint)}</Text>}
        {onRetry && status !== 404 && (
          <Button size="xs" variant="light" color="red" onClick={onRetry} w="fit-content">
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ children }: { children: React.ReactNode }) {
  return (
    <Center py="xl">
      <Text c="dimmed">{children}</Text>
    </Center>
  );
}
