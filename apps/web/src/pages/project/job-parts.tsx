import { Badge, Code, Modal, ScrollArea } from '@mantine/core';
import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorState, LoadingState } from '../../components/states';

const STATUS_COLORS: Record<string, string> = {
  Pending: 'gray',
  Running: 'blue',
  Success: 'teal',
  Error: 'red',
  Stopped: 'yellow',
};

/** A run's or task's status (the job system's names), worded for the user. */
export function JobStatusBadge({ status }: { status: string | undefined }) {
  const { t } = useTranslation();
  const known = status && status in STATUS_COLORS;
  return (
    <Badge variant="light" color={known ? STATUS_COLORS[status] : 'gray'}>
      {known ? t(`jobStatus.${status}`) : (status ?? '—')}
    </Badge>
  );
}

/** "1m 5s" between two RFC 3339 times; "—" while the run has no end. */
export function formatDuration(start: string | undefined, end: string | undefined): string {
  if (!start || !end) return '—';
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0 || new Date(end).getFullYear() < 1971) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** A task's log, read when the dialog opens. */
export function LogDialog<Key extends readonly unknown[]>({
  title,
  query,
  onClose,
}: {
  title: string;
  /** null: closed. */
  query: UseQueryOptions<string, Error, string, Key> | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={query !== null} onClose={onClose} title={title} size="xl" centered>
      {query && <LogBody query={query} />}
    </Modal>
  );
}

function LogBody<Key extends readonly unknown[]>({
  query,
}: {
  query: UseQueryOptions<string, Error, string, Key>;
}) {
  const log = useQuery(query);
  if (log.isPending) return <LoadingState />;
  if (log.isError) return <ErrorState error={log.error} onRetry={() => void log.refetch()} />;
  return (
    <ScrollArea.Autosize mah="60vh">
      <Code block data-testid="task-log">
        {log.data}
      </Code>
    </ScrollArea.Autosize>
  );
}
