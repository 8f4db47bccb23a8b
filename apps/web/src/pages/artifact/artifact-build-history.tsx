import { Badge, Code, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BuildHistoryEntry } from '../../api/artifacts';
import { formatDate } from '../../components/format';
import { EmptyState } from '../../components/states';

/** Strips the shell wrapper Docker puts around RUN steps, so the command itself reads first. */
function command(entry: BuildHistoryEntry): string {
  return (entry.created_by ?? '').replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim() || (entry.comment ?? '—');
}

export function ArtifactBuildHistory({ history }: { history: BuildHistoryEntry[] }) {
  const { t, i18n } = useTranslation();
  if (history.length === 0) return <EmptyState>{t('artifact.noHistory')}</EmptyState>;
  return (
    <Table striped aria-label={t('artifact.tabBuildHistory')} layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={200}>{t('artifact.historyCreated')}</Table.Th>
          <Table.Th>{t('artifact.historyCommand')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {history.map((entry, position) => (
          // Steps have no identity beyond their order in the config.
          <Table.Tr key={position}>
            <Table.Td>{formatDate(entry.created, i18n.language)}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              <Code block>{command(entry)}</Code>
              {entry.empty_layer && (
                <Badge size="xs" variant="light" color="gray" mt={4}>
                  {t('artifact.historyEmptyLayer')}
                </Badge>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
