import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import {
  ALL,
  SCHEDULER_JOB_TYPE,
  actOnQueue,
  jobLogQuery,
  jobQueuesQuery,
  jobServiceKeys,
  schedulesPausedQuery,
  schedulesQuery,
  stopJob,
  workerPoolsQuery,
  workersQuery,
  type QueueAction,
} from '../../api/jobservice';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

/** How often the dashboard reads the job service again, like Harbor's dashboard. */
export const JOB_SERVICE_REFRESH_MS = 5_000;
const SCHEDULE_PAGE_SIZE = 10;

interface QueueRequest {
  jobType: string;
  action: QueueAction;
}

/**
 * Harbor's job service dashboard: the queue of each job type (pause, resume, stop), the worker
 * pools and what their workers run, and the schedules with their global pause. Everything
 * refreshes on its own every few seconds.
 */
export function JobServicePage({ refreshMs = JOB_SERVICE_REFRESH_MS }: { refreshMs?: number | false }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return (
    <Stack gap="xl">
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('jobService.tab')}
        </Title>
        <Group gap="sm">
          {refreshMs !== false && (
            <Text size="sm" c="dimmed">
              {t('jobService.autoRefresh', { seconds: Math.round(refreshMs / 1000) })}
            </Text>
          )}
          <Button
            variant="default"
            size="xs"
            onClick={() => void queryClient.invalidateQueries({ queryKey: jobServiceKeys.all })}
          >
            {t('jobService.refresh')}
          </Button>
        </Group>
      </Group>
      <QueuesSection refreshMs={refreshMs} />
      <PoolsSection refreshMs={refreshMs} />
      <SchedulesSection refreshMs={refreshMs} />
    </Stack>
  );
}

function useQueueAction() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ jobType, action }: QueueRequest) => actOnQueue(client, jobType, action),
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobServiceKeys.all }),
  });
}

function QueuesSection({ refreshMs }: { refreshMs: number | false }) {
  const { t } = useTranslation();
  const client = useClient();
  const queues = useQuery(jobQueuesQuery(client, refreshMs));
  const action = useQueueAction();
  const confirm = useConfirm(action, (request: QueueRequest) => request);
  // The asked action, kept while the dialog fades out so its words do not flip as it closes.
  const [target, setTarget] = useState<QueueRequest>({ jobType: ALL, action: 'pause' });
  const ask = (request: QueueRequest) => {
    setTarget(request);
    confirm.ask(request);
  };
  const typeName = target.jobType === ALL ? t('jobService.allTypes') : target.jobType;
  const titles: Record<QueueAction, [string, string, string]> = {
    pause: ['jobService.confirmPauseTitle', 'jobService.confirmPause', 'jobService.pause'],
    resume: ['jobService.confirmResumeTitle', 'jobService.confirmResume', 'jobService.resume'],
    stop: ['jobService.confirmStopTitle', 'jobService.confirmStop', 'jobService.stop'],
  };
  const [titleKey, messageKey, confirmKey] = titles[target.action];

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('jobService.queues')}
        </Title>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => ask({ jobType: ALL, action: 'pause' })}>
            {t('jobService.pauseAll')}
          </Button>
          <Button size="xs" variant="default" onClick={() => ask({ jobType: ALL, action: 'resume' })}>
            {t('jobService.resumeAll')}
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => ask({ jobType: ALL, action: 'stop' })}>
            {t('jobService.stopAll')}
          </Button>
        </Group>
      </Group>
      {queues.isPending ? (
        <LoadingState />
      ) : queues.isError ? (
        <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />
      ) : queues.data.length === 0 ? (
        <EmptyState>{t('jobService.noQueues')}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label={t('jobService.queues')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('jobService.jobType')}</Table.Th>
                <Table.Th>{t('jobService.pending')}</Table.Th>
                <Table.Th>{t('jobService.latency')}</Table.Th>
                <Table.Th>{t('jobService.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queues.data.map((queue) => (
                <Table.Tr key={queue.job_type} data-testid="queue-row">
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {queue.job_type}
                    </Text>
                  </Table.Td>
                  <Table.Td>{queue.count}</Table.Td>
                  <Table.Td>{t('jobService.latencySeconds', { count: queue.latency })}</Table.Td>
                  <Table.Td>
                    {queue.paused ? (
                      <Badge color="yellow" variant="light">
                        {t('jobService.paused')}
                      </Badge>
                    ) : (
                      <Badge color="teal" variant="light">
                        {t('jobService.running')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RowActions>
                      {queue.paused ? (
                        <RowAction
                          label={t('jobService.resumeQueue', { type: queue.job_type })}
                          onClick={() => ask({ jobType: queue.job_type, action: 'resume' })}
                        >
                          {t('jobService.resume')}
                        </RowAction>
                      ) : (
                        <RowAction
                          label={t('jobService.pauseQueue', { type: queue.job_type })}
                          onClick={() => ask({ jobType: queue.job_type, action: 'pause' })}
                        >
                          {t('jobService.pause')}
                        </RowAction>
                      )}
                      <RowAction
                        danger
                        label={t('jobService.stopQueue', { type: queue.job_type })}
                        onClick={() => ask({ jobType: queue.job_type, action: 'stop' })}
                      >
                        {t('jobService.stop')}
                      </RowAction>
                    </RowActions>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        {...confirm.dialog}
        title={t(titleKey)}
        message={t(messageKey, { type: typeName })}
        confirmLabel={t(confirmKey)}
        danger={target.action === 'stop'}
        error={confirm.error ? t('jobService.actionFailed', { message: confirm.error.message }) : null}
      />
    </Stack>
  );
}

function PoolsSection({ refreshMs }: { refreshMs: number | false }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const pools = useQuery(workerPoolsQuery(client, refreshMs));
  const [poolId, setPoolId] = useState<string>(ALL);
  const workers = useQuery(workersQuery(client, poolId, refreshMs));
  const [logJob, setLogJob] = useState<string | null>(null);
  const stopMutation = useMutation({
    mutationFn: (jobId: string) => stopJob(client, jobId),
    onSettled: () => queryClient.invalidateQueries({ queryKey: jobServiceKeys.all }),
  });
  const confirmStop = useConfirm(stopMutation, (jobId: string) => jobId);
  // Kept while the dialog fades out, so its message does not lose the job's id as it closes.
  const [stopping, setStopping] = useState('');
  const poolIds = pools.data?.map((pool) => pool.worker_pool_id) ?? [];
  // A pool that went away (its worker stopped) falls back to every pool.
  const shownPool = poolId === ALL || poolIds.includes(poolId) ? poolId : ALL;

  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {t('jobService.pools')}
      </Title>
      {pools.isPending ? (
        <LoadingState />
      ) : pools.isError ? (
        <ErrorState error={pools.error} onRetry={() => void pools.refetch()} />
      ) : pools.data.length === 0 ? (
        <Alert color="yellow">{t('jobService.noPools')}</Alert>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label={t('jobService.pools')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('jobService.poolId')}</Table.Th>
                <Table.Th>{t('jobService.pid')}</Table.Th>
                <Table.Th>{t('jobService.host')}</Table.Th>
                <Table.Th>{t('jobService.concurrency')}</Table.Th>
                <Table.Th>{t('jobService.startedAt')}</Table.Th>
                <Table.Th>{t('jobService.heartbeat')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pools.data.map((pool) => (
                <Table.Tr key={pool.worker_pool_id} data-testid="pool-row">
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Text size="sm" ff="monospace">
                      {pool.worker_pool_id}
                    </Text>
                  </Table.Td>
                  <Table.Td>{pool.pid}</Table.Td>
                  <Table.Td>{pool.host}</Table.Td>
                  <Table.Td>{pool.concurrency}</Table.Td>
                  <Table.Td>{formatDate(pool.start_at, i18n.language)}</Table.Td>
                  <Table.Td>{formatDate(pool.heartbeat_at, i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Group justify="space-between" mt="sm">
        <Title order={3} size="h4">
          {t('jobService.workers')}
        </Title>
        {poolIds.length > 1 && (
          <SegmentedControl
            size="xs"
            aria-label={t('jobService.poolId')}
            value={shownPool}
            onChange={setPoolId}
            data={[
              { value: ALL, label: t('jobService.allPools') },
              ...poolIds.map((id) => ({ value: id, label: id.slice(0, 12) })),
            ]}
          />
        )}
      </Group>
      {workers.isPending ? (
        <LoadingState />
      ) : workers.isError ? (
        <ErrorState error={workers.error} onRetry={() => void workers.refetch()} />
      ) : workers.data.length === 0 ? (
        <EmptyState>{t('jobService.noWorkers')}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped aria-label={t('jobService.workers')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('jobService.workerId')}</Table.Th>
                <Table.Th>{t('jobService.jobName')}</Table.Th>
                <Table.Th>{t('jobService.jobId')}</Table.Th>
                <Table.Th>{t('jobService.startedAt')}</Table.Th>
                <Table.Th>{t('jobService.checkIn')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workers.data.map((worker) => (
                <Table.Tr key={worker.id} data-testid="worker-row">
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Text size="sm" ff="monospace">
                      {worker.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {worker.job_name ? (
                      <Badge variant="light">{worker.job_name}</Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('jobService.idle')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{worker.job_id || '—'}</Table.Td>
                  <Table.Td>{formatDate(worker.start_at, i18n.language)}</Table.Td>
                  <Table.Td>{worker.check_in || '—'}</Table.Td>
                  <Table.Td>
                    {worker.job_id && (
                      <RowActions>
                        <RowAction
                          label={t('jobService.viewLog', { id: worker.job_id })}
                          onClick={() => setLogJob(worker.job_id)}
                        >
                          {t('jobService.log')}
                        </RowAction>
                        <RowAction
                          danger
                          label={t('jobService.stopJob', { id: worker.job_id })}
                          onClick={() => {
                            setStopping(worker.job_id);
                            confirmStop.ask(worker.job_id);
                          }}
                        >
                          {t('jobService.stop')}
                        </RowAction>
                      </RowActions>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {logJob && <JobLogDialog jobId={logJob} onClose={() => setLogJob(null)} />}
      <ConfirmDialog
        {...confirmStop.dialog}
        title={t('jobService.confirmStopJobTitle')}
        message={t('jobService.confirmStopJob', { id: stopping })}
        confirmLabel={t('jobService.stop')}
        danger
        error={
          confirmStop.error ? t('jobService.actionFailed', { message: confirmStop.error.message }) : null
        }
      />
    </Stack>
  );
}

function JobLogDialog({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const log = useQuery(jobLogQuery(client, jobId));
  return (
    <Modal opened onClose={onClose} title={t('jobService.jobLogTitle', { id: jobId })} size="xl" centered>
      {log.isPending ? (
        <LoadingState />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.trim() === '' ? (
        <EmptyState>{t('jobService.emptyLog')}</EmptyState>
      ) : (
        <ScrollArea.Autosize mah={480}>
          <Code block data-testid="job-log">
            {log.data}
          </Code>
        </ScrollArea.Autosize>
      )}
    </Modal>
  );
}

function SchedulesSection({ refreshMs }: { refreshMs: number | false }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const schedules = useQuery(schedulesQuery(client, page, SCHEDULE_PAGE_SIZE, refreshMs));
  const paused = useQuery(schedulesPausedQuery(client, refreshMs));
  const action = useQueueAction();
  const confirm = useConfirm(action, (request: QueueRequest) => request);
  // The asked action, kept while the dialog fades out so its words do not flip as it closes.
  const [asked, setAsked] = useState<QueueAction>('pause');
  const pausing = asked === 'pause';
  const isPaused = paused.data?.paused ?? false;

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('jobService.schedules')}
        </Title>
        <Group gap="sm">
          {paused.isSuccess && (
            <Badge
              color={isPaused ? 'yellow' : 'teal'}
              variant="light"
              tt="none"
              data-testid="schedules-status"
            >
              {isPaused ? t('jobService.schedulesPaused') : t('jobService.schedulesActive')}
            </Badge>
          )}
          <Button
            size="xs"
            variant="default"
            disabled={!paused.isSuccess}
            onClick={() => {
              const next = isPaused ? 'resume' : 'pause';
              setAsked(next);
              confirm.ask({ jobType: SCHEDULER_JOB_TYPE, action: next });
            }}
          >
            {isPaused ? t('jobService.resumeSchedules') : t('jobService.pauseSchedules')}
          </Button>
        </Group>
      </Group>
      {schedules.isPending ? (
        <LoadingState />
      ) : schedules.isError ? (
        <ErrorState error={schedules.error} onRetry={() => void schedules.refetch()} />
      ) : schedules.data.items.length === 0 ? (
        <EmptyState>{t('jobService.noSchedules')}</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-label={t('jobService.schedules')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('jobService.scheduleId')}</Table.Th>
                  <Table.Th>{t('jobService.vendorType')}</Table.Th>
                  <Table.Th>{t('jobService.vendorId')}</Table.Th>
                  <Table.Th>{t('jobService.cron')}</Table.Th>
                  <Table.Th>{t('jobService.updated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {schedules.data.items.map((schedule) => (
                  <Table.Tr key={schedule.id} data-testid="schedule-row">
                    <Table.Td>{schedule.id}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {schedule.vendor_type}
                      </Text>
                    </Table.Td>
                    <Table.Td>{schedule.vendor_id}</Table.Td>
                    <Table.Td>
                      <Code>{schedule.cron}</Code>
                    </Table.Td>
                    <Table.Td>{formatDate(schedule.update_time, i18n.language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={SCHEDULE_PAGE_SIZE} total={schedules.data.total} onChange={setPage} />
        </>
      )}
      <ConfirmDialog
        {...confirm.dialog}
        title={t(
          pausing ? 'jobService.confirmPauseSchedulesTitle' : 'jobService.confirmResumeSchedulesTitle',
        )}
        message={t(pausing ? 'jobService.confirmPauseSchedules' : 'jobService.confirmResumeSchedules')}
        confirmLabel={t(pausing ? 'jobService.pauseSchedules' : 'jobService.resumeSchedules')}
        error={confirm.error ? t('jobService.actionFailed', { message: confirm.error.message }) : null}
      />
    </Stack>
  );
}
