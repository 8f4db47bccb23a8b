import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  Progress,
  ScrollArea,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  cleanupKeys,
  isUnfinished,
  logQuery,
  progressPercent,
  saveSchedule,
  stopRun,
  type CleanupKind,
  type ExecHistory,
  type ScheduleObj,
} from '../../api/cleanup';
import { useClient } from '../../api/client';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

/** Harbor's crons of the presets (six fields, seconds first, UTC). */
export const PRESET_CRONS = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
} as const;
type EditableType = 'None' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom';
const EDITABLE: EditableType[] = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];

/** Harbor's rule for a cron: six fields, the seconds 0 (the core checks it again). */
export function validCron(cron: string): boolean {
  const fields = cron.trim().split(/\s+/);
  return fields.length === 6 && fields[0] === '0';
}

const STATUS_COLORS: Record<string, string> = {
  Success: 'teal',
  Error: 'red',
  Stopped: 'gray',
  Running: 'blue',
  Pending: 'yellow',
  Scheduled: 'yellow',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status ?? ''] ?? 'gray'} tt="none">
      {status ?? '—'}
    </Badge>
  );
}

/**
 * The schedule of a clean-up job: None, a preset or a custom cron, saved with the run settings
 * the caller passes (Harbor keeps them with the schedule).
 */
export function ScheduleEditor({
  kind,
  current,
  parameters,
  parametersValid,
}: {
  kind: CleanupKind;
  /** The stored schedule (Harbor's answer of GET …/schedule). */
  current: ExecHistory;
  parameters: Record<string, unknown>;
  parametersValid: boolean;
}) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const stored = current.schedule ?? null;
  const storedType: EditableType = EDITABLE.includes(stored?.type as EditableType)
    ? (stored!.type as EditableType)
    : stored?.type === 'Schedule'
      ? 'Custom'
      : 'None';
  const [type, setType] = useState<EditableType>(storedType);
  const [cron, setCron] = useState(storedType === 'Custom' ? (stored?.cron ?? '') : '');
  const [saved, setSaved] = useState(false);
  const exists = storedType !== 'None';
  const save = useMutation({
    mutationFn: () => {
      const schedule: ScheduleObj =
        type === 'None' ? { type } : { type, cron: type === 'Custom' ? cron.trim() : PRESET_CRONS[type] };
      return saveSchedule(client, kind, { schedule, parameters }, exists);
    },
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: cleanupKeys.schedule(kind) });
    },
  });
  const cronError = type === 'Custom' && cron.trim() !== '' && !validCron(cron);
  const canSave = parametersValid && (type !== 'Custom' || validCron(cron)) && (exists || type !== 'None');

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('cleanup.schedule')}
        </Title>
        <Text size="sm" c="dimmed" data-testid={`${kind}-schedule-current`}>
          {exists
            ? stored?.next_scheduled_time
              ? t('cleanup.nextRun', { time: formatDate(stored.next_scheduled_time, i18n.language) })
              : t('cleanup.presetCron', { cron: stored?.cron ?? '' })
            : t('cleanup.noSchedule')}
        </Text>
        <Group align="flex-start">
          <Select
            label={t('cleanup.scheduleType')}
            data={EDITABLE.map((value) => ({ value, label: t(`cleanup.${value.toLowerCase()}`) }))}
            value={type}
            onChange={(value) => {
              setType((value as EditableType | null) ?? 'None');
              setSaved(false);
            }}
            allowDeselect={false}
            w={160}
          />
          {type === 'Custom' ? (
            <TextInput
              label={t('cleanup.cron')}
              description={t('cleanup.cronHint')}
              value={cron}
              onChange={(event) => {
                setCron(event.currentTarget.value);
                setSaved(false);
              }}
              error={cronError ? t('cleanup.cronInvalid') : undefined}
              w={340}
              ff="monospace"
            />
          ) : (
            type !== 'None' && (
              <Text size="sm" mt={30}>
                {t('cleanup.presetCron', { cron: PRESET_CRONS[type] })}
              </Text>
            )
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('cleanup.scheduleUsesSettings')}
        </Text>
        {save.isError && (
          <Alert color="red" role="alert">
            {t('cleanup.scheduleFailed', { message: save.error.message })}
          </Alert>
        )}
        {saved && (
          <Alert color="teal" role="status">
            {t('cleanup.scheduleSaved')}
          </Alert>
        )}
        <Group>
          <Button
            variant="default"
            disabled={!canSave}
            loading={save.isPending}
            onClick={() => save.mutate()}
          >
            {t('cleanup.saveSchedule')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** The newest unfinished run: its progress (from the execution) and a stop button. */
export function CurrentRun({ kind, execution }: { kind: CleanupKind; execution: ExecHistory }) {
  const { t } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const id = execution.id ?? 0;
  const stop = useMutation({
    mutationFn: () => stopRun(client, kind, id),
    onSuccess: () => setAsking(false),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cleanupKeys.all(kind) }),
  });
  const percent = progressPercent(execution);
  const started = execution.job_status === 'Running';
  return (
    <Card withBorder data-testid={`${kind}-current-run`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="sm">
            <Title order={3} size="h5">
              {t('cleanup.current')} #{id}
            </Title>
            <StatusBadge status={execution.job_status} />
          </Group>
          <Button
            size="xs"
            color="red"
            variant="light"
            aria-label={t('cleanup.stopRun', { id })}
            onClick={() => setAsking(true)}
          >
            {t('cleanup.stop')}
          </Button>
        </Group>
        <Progress
          value={percent ?? 100}
          striped={percent === null}
          animated={percent === null || started}
          aria-label={t('cleanup.progress', { id })}
          data-testid={`${kind}-progress`}
          data-percent={percent ?? ''}
          size="lg"
        />
        <Text size="sm" c="dimmed">
          {percent !== null ? `${percent}%` : started ? t('cleanup.working') : t('cleanup.waiting')}
        </Text>
      </Stack>
      <ConfirmDialog
        opened={asking}
        title={t('cleanup.stopTitle')}
        message={t('cleanup.stopMessage', { id })}
        confirmLabel={t('cleanup.stop')}
        danger
        loading={stop.isPending}
        error={stop.isError ? t('cleanup.stopFailed', { message: stop.error.message }) : null}
        onConfirm={() => stop.mutate()}
        onClose={() => {
          stop.reset();
          setAsking(false);
        }}
      />
    </Card>
  );
}

/** A run's log as text, read again every few seconds while the run goes on. */
export function RunLogDialog({
  kind,
  execution,
  onClose,
}: {
  kind: CleanupKind;
  execution: ExecHistory;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const id = execution.id ?? 0;
  const live = isUnfinished(execution);
  const log = useQuery(logQuery(client, kind, id, live));
  return (
    <Modal opened onClose={onClose} title={t('cleanup.logTitle', { id })} size="xl" centered>
      <Stack gap="xs">
        {live && (
          <Text size="xs" c="dimmed">
            {t('cleanup.logLive')}
          </Text>
        )}
        {log.isPending ? (
          <LoadingState />
        ) : log.isError ? (
          <ErrorState error={log.error} onRetry={() => void log.refetch()} />
        ) : log.data.trim() === '' ? (
          <EmptyState>{t('cleanup.emptyLog')}</EmptyState>
        ) : (
          <ScrollArea.Autosize mah={480}>
            <Code block data-testid="run-log">
              {log.data}
            </Code>
          </ScrollArea.Autosize>
        )}
      </Stack>
    </Modal>
  );
}

/** A settled list state (loading, error, empty) or the children. */
export function ListStates({
  query,
  empty,
  children,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  empty: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (empty) return <EmptyState>{t('cleanup.noHistory')}</EmptyState>;
  return <>{children}</>;
}
