import { ApiError } from '@berth/api-client';
import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../api/client';
import { projectDeletableQuery, useDeleteProject } from '../api/projects';
import { ErrorState, LoadingState } from '../components/states';
import { TypeToConfirmDialog } from '../components/type-to-confirm-dialog';

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
  const client = useClient();
  const remove = useDeleteProject();
  const deletable = useQuery({ ...projectDeletableQuery(client, projectId), enabled: opened });
  // A failure belongs to one attempt: the next opening starts clean.
  const close = () => {
    remove.reset();
    onClose();
  };

  // The server's 412 (a repository pushed since the check) lands in the same explanation.
  const refused = remove.error instanceof ApiError && remove.error.status === 412;
  let blocked: ReactNode = undefined;
  if (deletable.isPending) {
    blocked = (
      <Stack>
        <Text size="sm">{t('projectDeletion.checking')}</Text>
        <LoadingState />
      </Stack>
    );
  } else if (deletable.isError) {
    blocked = <ErrorState error={deletable.error} onRetry={() => void deletable.refetch()} />;
  } else if (!deletable.data.deletable || refused) {
    blocked = (
      <NotDeletable
        projectId={projectId}
        reason={refused ? remove.error?.message : deletable.data.message}
        onClose={close}
      />
    );
  }

  return (
    <TypeToConfirmDialog
      opened={opened}
      title={t('projectDeletion.title', { name: projectName })}
      name={projectName}
      label={t('projectDeletion.typeName')}
      message={t('projectDeletion.warning', { name: projectName })}
      confirmLabel={t('projectDeletion.confirm')}
      pending={remove.isPending}
      error={remove.error && !refused ? t('projectDeletion.failed', { message: remove.error.message }) : null}
      onConfirm={() => remove.mutate(projectId, { onSuccess: onDeleted })}
      onClose={close}
      blocked={blocked}
    />
  );
}

function NotDeletable({
  projectId,
  reason,
  onClose,
}: {
  projectId: string;
  reason: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
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
