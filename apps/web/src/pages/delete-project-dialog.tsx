import { ApiError } from '@berth/api-client';
import { Alert, Anchor, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../api/client';
import { projectDeletableQuery, useDeleteProject } from '../api/projects';
import { ErrorState, LoadingState } from '../components/states';

/**
 * Deletes a project after the user types its name. Harbor deletes only empty projects, so the
 * dialog first asks `_deletable` and, when the answer is no, explains what to do instead of
 * offering a button that would fail.
 */
export function DeleteProjectDialog({
  opened,
  projectId,
  projectName,
  onClose,
  onDeleted,
}: {
  opened: boolean;
  projectId: string;
  projectName: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteProject();
  // A failure belongs to one attempt: the next opening starts clean.
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal
      opened={opened}
      onClose={remove.isPending ? () => undefined : close}
      title={t('projectDeletion.title', { name: projectName })}
      centered
    >
      {opened && (
        <DeleteProjectForm
          projectId={projectId}
          projectName={projectName}
          remove={remove}
          onClose={close}
          onDeleted={onDeleted}
        />
      )}
    </Modal>
  );
}

function DeleteProjectForm({
  projectId,
  projectName,
  remove,
  onClose,
  onDeleted,
}: {
  projectId: string;
  projectName: string;
  remove: ReturnType<typeof useDeleteProject>;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const deletable = useQuery(projectDeletableQuery(client, projectId));
  const [typed, setTyped] = useState('');

  if (deletable.isPending)
    return (
      <Stack>
        <Text size="sm">{t('projectDeletion.checking')}</Text>
        <LoadingState />
      </Stack>
    );
  if (deletable.isError)
    return <ErrorState error={deletable.error} onRetry={() => void deletable.refetch()} />;

  // The server's 412 (a repository pushed since the check) lands in the same explanation.
  const refused = remove.error instanceof ApiError && remove.error.status === 412;
  if (!deletable.data.deletable || refused) {
    const reason = refused ? remove.error?.message : deletable.data.message;
    return (
      <Stack>
        <Alert color="orange" title={t('projectDeletion.notDeletable')} role="alert">
          <Stack gap="xs">
            <Text size="sm">{t('projectDeletion.notDeletableHelp')}</Text>
            {/* The server's own words name the obstacle; they come untranslated, so they come second. */}
            {reason && (
              <Text size="xs" c="dimmed">
                {reason}
              </Text>
            )}
          </Stack>
        </Alert>
        <Group justify="space-between">
          <Anchor component={Link} to={`/projects/${projectId}/repositories`} onClick={onClose}>
            {t('projectDeletion.openRepositories')}
          </Anchor>
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('projectDeletion.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const confirmed = typed === projectName;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed) remove.mutate(projectId, { onSuccess: onDeleted });
      }}
    >
      <Stack>
        <Text size="sm">{t('projectDeletion.warning', { name: projectName })}</Text>
        {remove.error && (
          <Alert color="red" role="alert">
            {t('projectDeletion.failed', { message: remove.error.message })}
          </Alert>
        )}
        <TextInput
          label={t('projectDeletion.typeName')}
          description={t('projectDeletion.typeNameHint', { name: projectName })}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={remove.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" disabled={!confirmed} loading={remove.isPending}>
            {t('projectDeletion.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
