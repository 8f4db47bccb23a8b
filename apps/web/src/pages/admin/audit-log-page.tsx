import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditLogListQuery, type AuditLogFilters } from '../../api/audit-logs';
import { useClient } from '../../api/client';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

const PAGE_SIZE = 20;
// Harbor's operation and resource names: data the core records, shown as they are.
const OPERATIONS = ['create', 'update', 'delete', 'pull', 'login'];
const RESOURCE_TYPES = [
  'artifact',
  'tag',
  'repository',
  'project',
  'member',
  'robot',
  'label',
  'quota',
  'user',
  'configuration',
];
const OPERATION_COLORS: Record<string, string> = {
  create: 'teal',
  update: 'blue',
  delete: 'red',
  pull: 'gray',
  login: 'violet',
};

/** Everything recorded across the system, newest first, filtered and paged on the server. */
export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [filters, setFilters] = useState<AuditLogFilters>({});
  // Typed filters wait for a pause; choices and dates apply at once.
  const [username] = useDebouncedValue(filters.username?.trim() ?? '', 300);
  const [resource] = useDebouncedValue(filters.resource?.trim() ?? '', 300);
  const logs = useQuery(
    auditLogListQuery(client, { ...filters, username, resource, page, pageSize: PAGE_SIZE }),
  );
  const update = (patch: AuditLogFilters) => {
    setFilters((current) => ({ ...current, ...patch }));
    setPage(1);
  };
  const filtered = Object.values(filters).some(Boolean);

  return (
    <Stack>
      <Title order={2} size="h3">
        {t('admin.audit.title')}
      </Title>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('admin.audit.username')}
          placeholder={t('admin.audit.filterUsername')}
          value={filters.username ?? ''}
          onChange={(event) => update({ username: event.currentTarget.value })}
          w={170}
        />
        <TextInput
          label={t('admin.audit.resource')}
          placeholder={t('admin.audit.filterResource')}
          value={filters.resource ?? ''}
          onChange={(event) => update({ resource: event.currentTarget.value })}
          w={200}
        />
        <Select
          label={t('admin.audit.operation')}
          placeholder={t('admin.audit.any')}
          data={OPERATIONS}
          value={filters.operation ?? null}
          onChange={(value) => update({ operation: value ?? undefined })}
          clearable
          w={140}
        />
        <Select
          label={t('admin.audit.resourceType')}
          placeholder={t('admin.audit.any')}
          data={RESOURCE_TYPES}
          value={filters.resourceType ?? null}
          onChange={(value) => update({ resourceType: value ?? undefined })}
          clearable
          w={160}
        />
        <TextInput
          type="date"
          label={t('admin.audit.from')}
          value={filters.from ?? ''}
          onChange={(event) => update({ from: event.currentTarget.value || undefined })}
          w={160}
        />
        <TextInput
          type="date"
          label={t('admin.audit.to')}
          value={filters.to ?? ''}
          onChange={(event) => update({ to: event.currentTarget.value || undefined })}
          w={160}
        />
        <Button
          variant="default"
          disabled={!filtered}
          onClick={() => {
            setFilters({});
            setPage(1);
          }}
        >
          {t('admin.audit.clear')}
        </Button>
      </Group>
      {logs.isPending ? (
        <LoadingState />
      ) : logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => void logs.refetch()} />
      ) : logs.data.items.length === 0 ? (
        <EmptyState>{t('admin.audit.empty')}</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={860}>
            <Table striped aria-label={t('admin.audit.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.audit.time')}</Table.Th>
                  <Table.Th>{t('admin.audit.username')}</Table.Th>
                  <Table.Th>{t('admin.audit.operation')}</Table.Th>
                  <Table.Th>{t('admin.audit.resourceType')}</Table.Th>
                  <Table.Th>{t('admin.audit.resource')}</Table.Th>
                  <Table.Th>{t('admin.audit.result')}</Table.Th>
                  <Table.Th>{t('admin.audit.clientIp')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {logs.data.items.map((log) => (
                  <Table.Tr key={log.id} data-testid="audit-row">
                    <Table.Td>{formatDate(log.op_time, i18n.language)}</Table.Td>
                    <Table.Td>{log.username}</Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={OPERATION_COLORS[log.operation ?? ''] ?? 'gray'}
                        tt="none"
                      >
                        {log.operation}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{log.resource_type}</Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      <Text size="sm" ff="monospace">
                        {log.resource}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {log.operation_result === false ? (
                        <Badge color="red" variant="light">
                          {t('admin.audit.failure')}
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('admin.audit.success')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{log.client_ip ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={PAGE_SIZE} total={logs.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}
