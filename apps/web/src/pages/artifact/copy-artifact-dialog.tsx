import { Alert, Anchor, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../../api/client';
import { projectListQuery } from '../../api/projects';
import { useCopyArtifact } from '../../api/repository-actions';
import { permissionsQuery } from '../../api/session';
import { shortDigest } from '../../components/format';
import { artifactPath } from './artifact-paths';

/** A repository path inside a project, as the distribution spec allows its components. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** How many projects the target picker offers at once; typing narrows them on the server. */
const PROJECT_CHOICES = 20;

/**
 * Copies an artifact into a repository of the user's choosing (Harbor's `POST …/artifacts?from=`).
 * The source is given by digest, so what is copied is what the user is looking at.
 */
export function CopyArtifactDialog({
  opened,
  source,
  onClose,
}: {
  opened: boolean;
  source: { project: string; repository: string; digest: string };
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const copy = useCopyArtifact();
  const close = () => {
    copy.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={copy.isPending ? () => undefined : close}
      title={t('copyArtifact.title', {
        reference: `${source.project}/${source.repository}@${shortDigest(source.digest)}`,
      })}
      centered
      size="lg"
    >
      {opened && <CopyArtifactForm source={source} copy={copy} onClose={close} />}
    </Modal>
  );
}

function CopyArtifactForm({
  source,
  copy,
  onClose,
}: {
  source: { project: string; repository: string; digest: string };
  copy: ReturnType<typeof useCopyArtifact>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [search, setSearch] = useState('');
  const [repository, setRepository] = useState(source.repository);
  const [query] = useDebouncedValue(search.trim(), 250);
  const projects = useQuery(projectListQuery(client, { page: 1, pageSize: PROJECT_CHOICES, name: query }));
  const [chosen, setChosen] = useState<{ id: number; name: string } | null>(null);
  const permissions = useQuery({
    ...permissionsQuery(client, `/project/${chosen?.id ?? ''}`),
    enabled: chosen !== null,
  });

  const target = repository.trim();
  const validName = REPOSITORY_NAME.test(target);
  const same = chosen?.name === source.project && target === source.repository;
  const mayPush = permissions.data?.has('artifact:create') ?? false;
  const refused = chosen !== null && permissions.isSuccess && !mayPush;

  if (copy.isSuccess && chosen) {
    const name = `${chosen.name}/${target}`;
    return (
      <Stack>
        <Alert color="green" role="status">
          {t('copyArtifact.copied', { name })}
        </Alert>
        <Group justify="space-between">
          <Anchor component={Link} to={artifactPath(chosen.id, target, source.digest)} onClick={onClose}>
            {t('copyArtifact.openCopy')}
          </Anchor>
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('copyArtifact.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const options = (projects.data?.items ?? []).map((project) => ({
    value: String(project.project_id ?? ''),
    label: project.name ?? '',
  }));
  // Keeps the chosen project listed while the server answers a new search.
  if (chosen && !options.some((option) => option.value === String(chosen.id)))
    options.unshift({ value: String(chosen.id), label: chosen.name });

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!chosen || !validName || same || !mayPush) return;
        copy.mutate({ source, target: { project: chosen.name, repository: target } });
      }}
    >
      <Stack>
        <Text size="sm">{t('copyArtifact.explain')}</Text>
        {copy.isError && (
          <Alert color="red" role="alert">
            {t('copyArtifact.failed', { message: copy.error.message })}
          </Alert>
        )}
        <Select
          label={t('copyArtifact.project')}
          placeholder={t('copyArtifact.projectPlaceholder')}
          searchable
          data={options}
          // The server filters by name; filtering again here would only hide its answer's order.
          filter={({ options: all }) => all}
          searchValue={search}
          onSearchChange={setSearch}
          value={chosen ? String(chosen.id) : null}
          onChange={(value, option) => {
            copy.reset();
            setChosen(value && option ? { id: Number(value), name: option.label } : null);
          }}
          nothingFoundMessage={projects.isFetching ? t('common.loading') : t('copyArtifact.noProjects')}
          error={refused && chosen ? t('copyArtifact.noPushPermission', { project: chosen.name }) : null}
          data-autofocus
        />
        <TextInput
          label={t('copyArtifact.repository')}
          description={t('copyArtifact.repositoryHint')}
          autoComplete="off"
          spellCheck={false}
          value={repository}
          onChange={(event) => {
            copy.reset();
            setRepository(event.currentTarget.value);
          }}
          error={
            target !== '' && !validName
              ? t('copyArtifact.repositoryInvalid')
              : same
                ? t('copyArtifact.sameRepository', { name: `${source.project}/${source.repository}` })
                : null
          }
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={copy.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={copy.isPending} disabled={!chosen || !validName || same || !mayPush}>
            {t('copyArtifact.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
