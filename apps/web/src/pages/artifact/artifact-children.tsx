import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Table, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { shortDigest } from '../../components/format';
import { EmptyState } from '../../components/states';
import { artifactPath, platformLabel } from './artifact-paths';

/** The manifests an index lists, one per platform, each opening its own details. */
export function ArtifactChildren({
  projectId,
  repository,
  references,
}: {
  projectId: number;
  repository: string;
  references: Schema<'Reference'>[];
}) {
  const { t } = useTranslation();
  if (references.length === 0) return <EmptyState>{t('artifact.noChildren')}</EmptyState>;
  return (
    <Table striped aria-label={t('artifact.tabChildren')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('artifact.platform')}</Table.Th>
          <Table.Th>{t('artifact.childDigest')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {references.map((reference) => {
          const platform = platformLabel(reference.platform);
          return (
            <Table.Tr key={reference.child_digest}>
              <Table.Td>
                <Badge variant="light" tt="none">
                  {platform}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Tooltip label={reference.child_digest} withArrow>
                  <Anchor
                    component={Link}
                    to={artifactPath(projectId, repository, reference.child_digest ?? '')}
                    ff="monospace"
                    size="sm"
                    aria-label={t('artifact.open', {
                      reference: `${platform} ${shortDigest(reference.child_digest)}`,
                    })}
                  >
                    {shortDigest(reference.child_digest)}
                  </Anchor>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
