import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  cleanupKeys,
  gcResults,
  historyQuery,
  isUnfinished,
  purgeResults,
  runNow,
  scheduleQuery,
  type CleanupKind,
  type ExecHistory,
} from '../../api/cleanup';
import { useClient } from '../../api/client';
import { formatBytes, formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { ErrorState, LoadingState } from '../../components/states';
import { CurrentRun, ListStates, RunLogDialog, ScheduleEditor, StatusBadge } from './cleanup-parts';

const PAGE_SIZE = 10;
/** How often the history is read again while a run has not ended. */
export const LIVE_REFRESH_MS = 2_000;
// Harbor's operations of audit-log entries, and its default selection for a purge.
const OPERATIONS = ['create', 'update', 'delete', 'pull', 'login'];
const DEFAULT_OPERATIONS = ['create', 'delete', 'pull'];
const WORKERS = ['1', '2', '3', '4', '5'];

type Tab = 'gc' | 'purge';

/** Harbor's Clean Up: garbage collection and log rotation (the audit-log purge), one tab each. */
export function CleanupPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'purge' ? 'purge' : 'gc';
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('cleanup.tab')}
      </Title>
      <Tabs value={tab} onChange={(value) => setParams(value === 'purge' ? { tab: 'purge' } : {})}>
        <Tabs.List>
          <Tabs.Tab value="gc">{t('cleanup.gcTab')}</Tabs.Tab>
          <Tabs.Tab value="purge">{t('cleanup.purgeTab')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="gc" pt="md">
          {tab === 'gc' && <CleanupPanel kind="gc" />}
        </Tabs.Panel>
        <Tabs.Panel value="purge" pt="md">
          {tab === 'purge' && <CleanupPanel kind="purgeaudit" />}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** Waits for the stored schedule: its parameters are the settings the form starts from. */
function CleanupPanel({ kind }: { kind: CleanupKind }) {
  const client = useClient();
  const schedule = useQuery(scheduleQuery(client, kind));
  if (schedule.isPending) return <LoadingState />;
  if (schedule.isError) return <ErrorState error={schedule.error} onRetry={() => void schedule.refetch()} />;
  return kind === 'gc' ? <GcPanel schedule={schedule.data} /> : <PurgePanel schedule={schedule.data} />;
}

function useRunNow(kind: CleanupKind) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (parameters: Record<string, unknown>) => runNow(client, kind, parameters),
    onSettled: () => queryClient.invalidateQueries({ queryKey: cleanupKeys.all(kind) }),
  });
}

function RunFeedback({ run }: { run: ReturnType<typeof useRunNow> }) {
  const { t } = useTranslation();
  if (run.isError)
    return (
      <Alert color="red" role="alert">
        {t('cleanup.runFailed', { message: run.error.message })}
      </Alert>
    );
  if (run.isSuccess)
    return (
      <Alert color="teal" role="status">
        {run.data === null ? t('cleanup.startedNoId') : t('cleanup.started', { id: run.data })}
      </Alert>
    );
  return null;
}

function GcPanel({ schedule }: { schedule: ExecHistory }) {
  const { t } = useTranslation();
  const stored = gcResults(schedule);
  const [deleteUntagged, setDeleteUntagged] = useState(stored.deleteUntagged);
  const [workers, setWorkers] = useState(String(stored.workers ?? 1));
  const run = useRunNow('gc');
  const parameters = { delete_untagged: deleteUntagged, workers: Number(workers) };
  const start = (dryRun: boolean) => run.mutate({ ...parameters, dry_run: dryRun });

  return (
    <Stack gap="lg">
      <Card withBorder>
        <Stack gap="sm">
          <Checkbox
            label={t('cleanup.deleteUntagged')}
            checked={deleteUntagged}
            onChange={(event) => setDeleteUntagged(event.currentTarget.checked)}
          />
          <Select
            label={t('cleanup.workers')}
            description={t('cleanup.workersHint')}
            data={WORKERS}
            value={workers}
            onChange={(value) => setWorkers(value ?? '1')}
            allowDeselect={false}
            w={200}
          />
          <Group>
            <Button onClick={() => start(false)} loading={run.isPending && run.variables?.dry_run === false}>
              {t('cleanup.gcNow')}
            </Button>
            <Button
              variant="default"
              onClick={() => start(true)}
              loading={run.isPending && run.variables?.dry_run === true}
            >
              {t('cleanup.dryRun')}
            </Button>
          </Group>
          <RunFeedback run={run} />
        </Stack>
      </Card>
      <ScheduleEditor kind="gc" current={schedule} parameters={parameters} parametersValid />
      <History kind="gc" />
    </Stack>
  );
}

function PurgePanel({ schedule }: { schedule: ExecHistory }) {
  const { t } = useTranslation();
  const stored = purgeResults(schedule);
  const storedHours = stored.retentionHours ?? 24 * 30;
  const inDays = storedHours % 24 === 0;
  const [amount, setAmount] = useState<number | string>(inDays ? storedHours / 24 : storedHours);
  const [unit, setUnit] = useState<'hours' | 'days'>(inDays ? 'days' : 'hours');
  const [operations, setOperations] = useState<string[]>(
    stored.operations ? stored.operations.split(',').filter(Boolean) : DEFAULT_OPERATIONS,
  );
  const run = useRunNow('purgeaudit');
  const value = typeof amount === 'number' ? amount : Number(amount);
  const amountValid = Number.isInteger(value) && value >= 1;
  const valid = amountValid && operations.length > 0;
  const parameters = {
    audit_retention_hour: amountValid ? value * (unit === 'days' ? 24 : 1) : 0,
    include_operations: operations.join(','),
  };
  const start = (dryRun: boolean) => run.mutate({ ...parameters, dry_run: dryRun });

  return (
    <Stack gap="lg">
      <Card withBorder>
        <Stack gap="sm">
          <Group align="flex-start">
            <NumberInput
              label={t('cleanup.retention')}
              value={amount}
              onChange={setAmount}
              min={1}
              allowDecimal={false}
              error={amountValid ? undefined : t('cleanup.retentionInvalid')}
              w={180}
            />
            <Select
              label={t('cleanup.unit')}
              data={[
                { value: 'hours', label: t('cleanup.hours') },
                { value: 'days', label: t('cleanup.days') },
              ]}
              value={unit}
              onChange={(next) => setUnit(next === 'hours' ? 'hours' : 'days')}
              allowDeselect={false}
              w={120}
            />
          </Group>
          <MultiSelect
            label={t('cleanup.operations')}
            description={t('cleanup.operationsHint')}
            data={OPERATIONS}
            value={operations}
            onChange={setOperations}
            error={operations.length === 0 ? t('cleanup.operationsRequired') : undefined}
            maw={520}
          />
          <Group>
            <Button
              onClick={() => start(false)}
              disabled={!valid}
              loading={run.isPending && run.variables?.dry_run === false}
            >
              {t('cleanup.purgeNow')}
            </Button>
            <Button
              variant="default"
              onClick={() => start(true)}
              disabled={!valid}
              loading={run.isPending && run.variables?.dry_run === true}
            >
              {t('cleanup.dryRun')}
            </Button>
          </Group>
          <RunFeedback run={run} />
        </Stack>
      </Card>
      <ScheduleEditor kind="purgeaudit" current={schedule} parameters={parameters} parametersValid={valid} />
      <History kind="purgeaudit" />
    </Stack>
  );
}

/** The runs, newest first, paged; read again every few seconds while one has not ended. */
function History({ kind }: { kind: CleanupKind }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [logOf, setLogOf] = useState<number | null>(null);
  const live = (items: ExecHistory[] | undefined) => (items?.some(isUnfinished) ? LIVE_REFRESH_MS : false);
  // The first page always: the current run is the newest unfinished one, whatever page is shown.
  const newest = useQuery(historyQuery(client, kind, 1, PAGE_SIZE, live));
  const history = useQuery(historyQuery(client, kind, page, PAGE_SIZE, live));
  const current = newest.data?.items.find(isUnfinished);
  // The log dialog follows the row as the list refreshes (its status decides whether it stays live).
  const logRun =
    logOf === null
      ? null
      : ([...(history.data?.items ?? []), ...(newest.data?.items ?? [])].find((run) => run.id === logOf) ?? {
          id: logOf,
        });
  const gc = kind === 'gc';

  return (
    <Stack gap="sm">
      {current && <CurrentRun kind={kind} execution={current} />}
      <Title order={3} size="h5">
        {t('cleanup.history')}
      </Title>
      <ListStates query={history} empty={(history.data?.items.length ?? 0) === 0}>
        <Table.ScrollContainer minWidth={900}>
          <Table striped aria-label={t('cleanup.history')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('cleanup.id')}</Table.Th>
                <Table.Th>{t('cleanup.trigger')}</Table.Th>
                <Table.Th>{t('cleanup.status')}</Table.Th>
                <Table.Th>{t('cleanup.dryRunColumn')}</Table.Th>
                {gc ? (
                  <>
                    <Table.Th>{t('cleanup.deleted')}</Table.Th>
                    <Table.Th>{t('cleanup.freed')}</Table.Th>
                  </>
                ) : (
                  <>
                    <Table.Th>{t('cleanup.retentionColumn')}</Table.Th>
                    <Table.Th>{t('cleanup.operationsColumn')}</Table.Th>
                    <Table.Th>{t('cleanup.purged')}</Table.Th>
                  </>
                )}
                <Table.Th>{t('cleanup.createdAt')}</Table.Th>
                <Table.Th>{t('cleanup.updatedAt')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data?.items.map((run) => {
                const results = gcResults(run);
                const purge = purgeResults(run);
                const dryRun = gc ? results.dryRun : purge.dryRun;
                return (
                  <Table.Tr key={run.id} data-testid={`${kind}-history-row`}>
                    <Table.Td>{run.id}</Table.Td>
                    <Table.Td>{run.job_kind ?? '—'}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={run.job_status} />
                    </Table.Td>
                    <Table.Td>{dryRun ? t('cleanup.yes') : t('cleanup.no')}</Table.Td>
                    {gc ? (
                      <>
                        <Table.Td>
                          {results.blobs === null && results.manifests === null
                            ? '—'
                            : t('cleanup.deletedCounts', {
                                blobs: results.blobs ?? 0,
                                manifests: results.manifests ?? 0,
                              })}
                        </Table.Td>
                        <Table.Td data-testid="freed">
                          {results.freedBytes === null
                            ? '—'
                            : dryRun
                              ? t('cleanup.wouldFree', { size: formatBytes(results.freedBytes) })
                              : formatBytes(results.freedBytes)}
                        </Table.Td>
                      </>
                    ) : (
                      <>
                        <Table.Td>
                          {purge.retentionHours === null
                            ? '—'
                            : t('cleanup.retentionHours', { count: purge.retentionHours })}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{purge.operations || '—'}</Text>
                        </Table.Td>
                        <Table.Td data-testid="purged">{purge.purged ?? '—'}</Table.Td>
                      </>
                    )}
                    <Table.Td>{formatDate(run.creation_time, i18n.language)}</Table.Td>
                    <Table.Td>{formatDate(run.update_time, i18n.language)}</Table.Td>
                    <Table.Td>
                      <RowActions>
                        <RowAction
                          label={t('cleanup.viewLog', { id: run.id })}
                          onClick={() => setLogOf(run.id ?? null)}
                        >
                          {t('cleanup.log')}
                        </RowAction>
                      </RowActions>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Pager page={page} pageSize={PAGE_SIZE} total={history.data?.total ?? 0} onChange={setPage} />
      </ListStates>
      {logRun && <RunLogDialog kind={kind} execution={logRun} onClose={() => setLogOf(null)} />}
    </Stack>
  );
}
