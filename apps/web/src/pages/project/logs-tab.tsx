import { Badge, Group, Select, Table, TextInput, Title, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { AUDIT_OPERATIONS, projectLogListQuery } from '../../api/project-logs';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 15;

export function LogsTab({ project }: ProjectContext) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [operation, setOperation] = useState<string | null>(null);
  const [user, setUser] = useState('');
  const [username] = useDebouncedValue(user.trim(), 250);
  const projectName = project.name ?? '';
  const logs = useQuery({
    ...projectLogListQuery(client, projectName, {
      page,
      pageSize: PAGE_SIZE,
      operation: operation ?? undefined,
      username,
    }),
    enabled: projectName !== '',
  });
  const operationLabel = (op: string) =>
    (AUDIT_OPERATIONS as readonly string[]).includes(op) ? t(`projectLogs.operations.${op}`) : op;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('projectLogs.title')}
        </Title>
        <Group>
          <Select
            aria-label={t('projectLogs.operation')}
            placeholder={t('projectLogs.anyOperation')}
            data={AUDIT_OPERATIONS.map((op) => ({ value: op, label: operationLabel(op) }))}
            value={operation}
            clearable
            onChange={(value) => {
              setOperation(value);
              setPage(1);
            }}
            w={180}
          />
          <TextInput
            aria-label={t('projectLogs.username')}
            placeholder={t('projectLogs.usernamePlaceholder')}
            value={user}
            onChange={(event) => {
              setUser(event.currentTarget.value);
              setPage(1);
            }}
            w={220}
          />
        </Group>
      </Group>
      {logs.isPending ? (
        <LoadingState />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} />
      ) : logs.data.items.length === 0 ? (
        <EmptyState>{t('projectLogs.empty')}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('projectLogs.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('projectLogs.username')}</Table.Th>
                <Table.Th>{t('projectLogs.resource')}</Table.Th>
                <Table.Th>{t('projectLogs.resourceType')}</Table.Th>
                <Table.Th>{t('projectLogs.operation')}</Table.Th>
                <Table.Th>{t('projectLogs.result')}</Table.Th>
                <Table.Th>{t('projectLogs.time')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {logs.data.items.map((entry) => {
                // Berth adds operation_result beyond Harbor's AuditLog; absent means success.
                const failed = (entry as { operation_result?: boolean }).operation_result === false;
                return (
                  <Table.Tr key={entry.id} data-testid="log-row">
                    <Table.Td>{entry.username}</Table.Td>
                    <Table.Td>{entry.resource}</Table.Td>
                    <Table.Td>{entry.resource_type}</Table.Td>
                    <Table.Td>{operationLabel(entry.operation ?? '')}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={failed ? 'red' : 'teal'}>
                        {failed ? t('projectLogs.failure') : t('projectLogs.success')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(entry.op_time, i18n.language)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={logs.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}
