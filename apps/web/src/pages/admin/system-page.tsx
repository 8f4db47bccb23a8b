import '@mantine/charts/styles.css';
import { BarChart, DonutChart } from '@mantine/charts';
import { Anchor, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../../api/client';
import { statisticsQuery, storageByProjectQuery, systemInfoQuery } from '../../api/system';
import { formatBytes, formatDate } from '../../components/format';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { UsageBar } from '../../components/usage-bar';

const TOP_PROJECTS = 10;

/** What this Berth is and holds: version and addresses, counts, storage by project. */
export function SystemPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const info = useQuery(systemInfoQuery(client));
  const statistics = useQuery(statisticsQuery(client));

  return (
    <Stack>
      <Title order={2} size="h3">
        {t('admin.systemInfo.title')}
      </Title>
      {statistics.isPending ? (
        <LoadingState />
      ) : statistics.isError ? (
        <ErrorState error={statistics.error} onRetry={() => void statistics.refetch()} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Card withBorder>
            <Text size="sm" c="dimmed">
              {t('admin.systemInfo.projects')}
            </Text>
            <Group justify="space-between" align="center" wrap="nowrap">
              <Stack gap={0}>
                <Text size="xl" fw={700} data-testid="stat-projects">
                  {statistics.data.total_project_count ?? 0}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('admin.systemInfo.publicCount', { count: statistics.data.public_project_count ?? 0 })}
                  {' · '}
                  {t('admin.systemInfo.privateCount', { count: statistics.data.private_project_count ?? 0 })}
                </Text>
              </Stack>
              <DonutChart
                size={72}
                thickness={12}
                withTooltip={false}
                role="img"
                aria-label={t('admin.systemInfo.repositoriesChart')}
                data={[
                  {
                    name: t('admin.systemInfo.public'),
                    value: statistics.data.public_project_count ?? 0,
                    color: 'teal.6',
                  },
                  {
                    name: t('admin.systemInfo.private'),
                    value: statistics.data.private_project_count ?? 0,
                    color: 'gray.5',
                  },
                ]}
              />
            </Group>
          </Card>
          <Card withBorder>
            <Text size="sm" c="dimmed">
              {t('admin.systemInfo.repositories')}
            </Text>
            <Text size="xl" fw={700}>
              {statistics.data.total_repo_count ?? 0}
            </Text>
            <Text size="xs" c="dimmed">
              {t('admin.systemInfo.publicCount', { count: statistics.data.public_repo_count ?? 0 })}
              {' · '}
              {t('admin.systemInfo.privateCount', { count: statistics.data.private_repo_count ?? 0 })}
            </Text>
          </Card>
          <Card withBorder>
            <Text size="sm" c="dimmed">
              {t('admin.systemInfo.storage')}
            </Text>
            <Text size="xl" fw={700} data-testid="stat-storage">
              {formatBytes(statistics.data.total_storage_consumption ?? 0)}
            </Text>
          </Card>
        </SimpleGrid>
      )}
      <StorageByProject />
      {info.isPending ? (
        <LoadingState />
      ) : info.isError ? (
        <ErrorState error={info.error} onRetry={() => void info.refetch()} />
      ) : (
        <Card withBorder>
          <Table aria-label={t('admin.systemInfo.title')} variant="vertical" layout="fixed">
            <Table.Tbody>
              {(
                [
                  [t('admin.systemInfo.version'), info.data.harbor_version],
                  [t('admin.systemInfo.externalUrl'), info.data.external_url],
                  [t('admin.systemInfo.registryUrl'), info.data.registry_url],
                  [t('admin.systemInfo.storageProvider'), info.data.registry_storage_provider_name],
                  [
                    t('admin.systemInfo.readOnly'),
                    info.data.read_only ? t('admin.config.on') : t('admin.config.off'),
                  ],
                ] as [string, string | null | undefined][]
              ).map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={200}>{label}</Table.Th>
                  <Table.Td>{value ? <Code>{value}</Code> : '—'}</Table.Td>
                </Table.Tr>
              ))}
              {/* A time reads as a time in the user's zone, not as a code value. */}
              <Table.Tr>
                <Table.Th w={200}>{t('admin.systemInfo.currentTime')}</Table.Th>
                <Table.Td>{formatDate(info.data.current_time, i18n.language)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}

/** The largest projects by storage: a bar chart to compare at a glance, a table to read exactly. */
function StorageByProject() {
  const { t } = useTranslation();
  const client = useClient();
  const storage = useQuery(storageByProjectQuery(client, TOP_PROJECTS));
  if (storage.isPending) return <LoadingState />;
  if (storage.isError) return <ErrorState error={storage.error} onRetry={() => void storage.refetch()} />;
  const used = storage.data.items.filter((item) => item.used > 0);
  return (
    <Card withBorder>
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('admin.systemInfo.storageByProject')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('admin.systemInfo.storageByProjectHint', {
              shown: storage.data.items.length,
              total: storage.data.total,
            })}
          </Text>
        </Group>
        {used.length === 0 ? (
          <EmptyState>{t('admin.systemInfo.noStorage')}</EmptyState>
        ) : (
          <>
            <BarChart
              role="img"
              h={Math.max(120, used.length * 36)}
              data={used.map((item) => ({ project: item.project, used: item.used }))}
              dataKey="project"
              orientation="vertical"
              series={[{ name: 'used', label: t('admin.systemInfo.used'), color: 'blue.6' }]}
              valueFormatter={(value) => formatBytes(value)}
              yAxisProps={{ width: 140 }}
              gridAxis="x"
              maxBarWidth={28}
              aria-label={t('admin.systemInfo.storageByProject')}
              data-testid="storage-chart"
            />
            <Table striped aria-label={t('admin.systemInfo.storageByProject')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.systemInfo.project')}</Table.Th>
                  <Table.Th>{t('admin.systemInfo.quota')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {storage.data.items.map((item) => (
                  <Table.Tr key={item.project}>
                    <Table.Td>
                      <Anchor component={Link} to={`/projects/${item.projectId}`} size="sm">
                        {item.project}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <UsageBar
                        used={item.used}
                        limit={item.limit}
                        label={`${t('admin.systemInfo.quota')} ${item.project}`}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}
