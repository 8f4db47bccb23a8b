import { Alert, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useClient } from '../../api/client';
import { projectQuery } from '../../api/projects';
import {
  repositoryQuery,
  useDeleteRepository,
  useUpdateRepositoryDescription,
} from '../../api/repository-actions';
import { permissionsQuery } from '../../api/session';
import { ErrorState, LoadingState } from '../../components/states';
import { TypeToConfirmDialog } from '../../components/type-to-confirm-dialog';
import { Markdown } from '../artifact/markdown';

/**
 * A repository's description, with editing it and deleting the repository for those allowed to.
 * `projectId` is the route's project id; `repository` the name without the project.
 */
export function RepositoryHeaderActions({
  projectId,
  repository,
}: {
  projectId: string;
  repository: string;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const navigate = useNavigate();
  const project = useQuery(projectQuery(client, projectId));
  const projectName = project.data?.name ?? '';
  const numericId = project.data?.project_id;
  const details = useQuery({
    ...repositoryQuery(client, projectName, repository),
    enabled: projectName !== '',
  });
  const permissions = useQuery({
    ...permissionsQuery(client, `/project/${numericId ?? ''}`),
    enabled: numericId !== undefined,
  });
  const can = (permission: string) => permissions.data?.has(permission) ?? false;
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);

  // The page shows the project's own loading and failure; this waits for it quietly.
  if (projectName === '') return null;
  if (details.isPending) return <LoadingState />;
  if (details.isError) return <ErrorState error={details.error} onRetry={() => void details.refetch()} />;

  const description = details.data.description ?? '';
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h4">
            {t('repositoryActions.description')}
          </Title>
          <Group gap="xs">
            {can('repository:update') && (
              <Button size="xs" variant="light" onClick={() => setEditing(true)}>
                {t('repositoryActions.editDescription')}
              </Button>
            )}
            {can('repository:delete') && (
              <Button size="xs" variant="light" color="red" onClick={() => setDeleting(true)}>
                {t('repositoryActions.delete')}
              </Button>
            )}
          </Group>
        </Group>
        <div data-testid="repository-description">
          {description.trim() ? (
            <Markdown source={description} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('repositoryActions.noDescription')}
            </Text>
          )}
        </div>
      </Stack>
      <EditDescriptionDialog
        opened={editing}
        project={projectName}
        repository={repository}
        description={description}
        onClose={() => setEditing(false)}
      />
      <DeleteRepositoryDialog
        opened={deleting}
        project={projectName}
        repository={repository}
        artifactCount={details.data.artifact_count}
        onClose={() => setDeleting(false)}
        onDeleted={() => void navigate(`/projects/${projectId}/repositories`, { replace: true })}
      />
    </Card>
  );
}

export function EditDescriptionDialog({
  opened,
  project,
  repository,
  description,
  onClose,
}: {
  opened: boolean;
  project: string;
  repository: string;
  description: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateRepositoryDescription(project, repository);
  const close = () => {
    update.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={update.isPending ? () => undefined : close}
      title={t('repositoryActions.editTitle', { name: `${project}/${repository}` })}
      centered
      size="lg"
    >
      {/* Mounted per opening, so the text starts from what the server holds now. */}
      {opened && (
        <DescriptionForm
          initial={description}
          pending={update.isPending}
          error={update.isError ? t('repositoryActions.saveFailed', { message: update.error.message }) : null}
          onCancel={close}
          onSave={(text) => update.mutate(text, { onSuccess: close })}
        />
      )}
    </Modal>
  );
}

function DescriptionForm({
  initial,
  pending,
  error,
  onCancel,
  onSave,
}: {
  initial: string;
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onSave: (description: string) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSave(text);
      }}
    >
      <Stack>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Textarea
          label={t('repositoryActions.descriptionLabel')}
          description={t('repositoryActions.descriptionHint')}
          rows={8}
          data-autofocus
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={pending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={pending} disabled={text === initial}>
            {t('repositoryActions.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Deletes a repository with all its artifacts once the user has typed its full name. */
export function DeleteRepositoryDialog({
  opened,
  project,
  repository,
  artifactCount,
  onClose,
  onDeleted,
}: {
  opened: boolean;
  project: string;
  repository: string;
  artifactCount: number | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteRepository(project, repository);
  const name = `${project}/${repository}`;
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <TypeToConfirmDialog
      opened={opened}
      title={t('repositoryActions.deleteTitle', { name })}
      name={name}
      label={t('repositoryActions.typeName')}
      message={
        artifactCount === undefined
          ? t('repositoryActions.deleteWarningUnknown', { name })
          : t('repositoryActions.deleteWarning', { name, count: artifactCount })
      }
      confirmLabel={t('repositoryActions.confirmDelete')}
      pending={remove.isPending}
      error={remove.isError ? t('repositoryActions.deleteFailed', { message: remove.error.message }) : null}
      onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted })}
      onClose={close}
    />
  );
}
