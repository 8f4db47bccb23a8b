import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Button, Group, Select, Table, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../api/client';
import { projectListQuery, projectSummaryQuery } from '../api/projects';
import { permissionsQuery } from '../api/session';
import { formatDate } from '../components/format';
import { usePageTitle } from '../components/page-title';
import { Pager } from '../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../components/states';
import { UsageBar } from '../components/usage-bar';
import { CreateProjectDialog } from './create-project-dialog';
import { DeleteProjectDialog } from './delete-project-dialog';

const PAGE_SIZE = 10;

export function ProjectsPage({ canCreate }: { canCreate: boolean }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState('name');
  const [name] = useDebouncedValue(search.trim(), 250);
  const [creating, { open, close }] = useDisclosure(false);
  // The target outlives the dialog's closing, so its title does not blank while it fades out.
  const [deleteTarget, setDeleteTarget] = useState({ id: '', name: '' });
  const [deleting, deletion] = useDisclosure(false);
  const projects = useQuery(projectListQuery(client, { page, pageSize: PAGE_SIZE, name, sort }));
  usePageTitle([t('projects.title')]);

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1} size="h2">
          {t('projects.title')}
        </Title>
        {canCreate && <Button onClick={open}>{t('projects.create')}</Button>}
      </Group>
      <Group mb="md">
        <TextInput
          // Named apart from the header's global search, which also sits on this page.
          aria-label={t('projects.searchPlaceholder')}
          placeholder={t('projects.searchPlaceholder')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          w={300}
        />
        <Select
          aria-label={t('projects.sort')}
          data={[
            { value: 'name', label: t('projects.sortName') },
            { value: '-creation_time', label: t('projects.sortCreated') },
          ]}
          value={sort}
          allowDeselect={false}
          onChange={(value) => value && setSort(value)}
          w={180}
        />
      </Group>
      {projects.isPending ? (
        <LoadingState />
      ) : projects.isError ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.items.length === 0 ? (
        <EmptyState>{name ? t('projects.emptySearch', { name }) : t('projects.empty')}</EmptyState>
      ) : (
        <>
          <Table striped highlightOnHover aria-label={t('projects.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('projects.name')}</Table.Th>
                <Table.Th>{t('projects.access')}</Table.Th>
                <Table.Th>{t('projects.repositories')}</Table.Th>
                <Table.Th>{t('projects.storage')}</Table.Th>
                <Table.Th>{t('projects.created')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('projectDeletion.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {projects.data.items.map((project) => (
                <ProjectRow
                  key={project.project_id}
                  project={project}
                  language={i18n.language}
                  onDelete={(target) => {
                    setDeleteTarget(target);
                    deletion.open();
                  }}
                />
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={projects.data.total} onChange={setPage} />
        </>
      )}
      <CreateProjectDialog opened={creating} onClose={close} />
      <DeleteProjectDialog
        opened={deleting}
        projectId={deleteTarget.id}
        projectName={deleteTarget.name}
        onClose={deletion.close}
        onDeleted={deletion.close}
      />
    </>
  );
}

function ProjectRow({
  project,
  language,
  onDelete,
}: {
  project: Schema<'Project'>;
  language: string;
  onDelete: (project: { id: string; name: string }) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const id = String(project.project_id);
  const name = project.name ?? '';
  const summary = useQuery(projectSummaryQuery(client, id));
  // The same query the project page asks, so opening the project afterwards finds it cached.
  const permissions = useQuery(permissionsQuery(client, `/project/${id}`));
  const isPublic = project.metadata?.public === 'true';
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/projects/${id}`}>
          {project.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={isPublic ? 'teal' : 'gray'}>
          {isPublic ? t('projects.public') : t('projects.private')}
        </Badge>
      </Table.Td>
      <Table.Td>{project.repo_count ?? summary.data?.repo_count ?? 0}</Table.Td>
      <Table.Td>
        {summary.data?.quota ? (
          <UsageBar
            label={`${t('projects.storage')} ${project.name ?? ''}`}
            used={summary.data.quota.used?.storage ?? 0}
            limit={summary.data.quota.hard?.storage ?? -1}
          />
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td>{formatDate(project.creation_time, language)}</Table.Td>
      <Table.Td>
        {permissions.data?.has('project:delete') && (
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            aria-label={t('projectDeletion.title', { name })}
            onClick={() => onDelete({ id, name })}
          >
            {t('projectDeletion.delete')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
