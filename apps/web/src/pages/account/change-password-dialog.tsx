import { ApiError } from '@berth/api-client';
import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChangePassword } from '../../api/users';
import { NewPasswordFields, PasswordSetNotice, useNewPassword } from './new-password-fields';

/**
 * Changes the signed-in user's own password: the current one, the new one twice. The rules are
 * the core's, checked here first so the user learns them before submitting.
 */
export function ChangePasswordDialog({
  opened,
  userId,
  onClose,
}: {
  opened: boolean;
  userId: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const change = useChangePassword();
  const [oldPassword, setOldPassword] = useState('');
  const newPassword = useNewPassword(oldPassword);
  const ready = oldPassword !== '' && newPassword.complete;

  const close = () => {
    change.reset();
    setOldPassword('');
    newPassword.clear();
    onClose();
  };

  const failure = change.error
    ? change.error instanceof ApiError && change.error.status === 403
      ? t('account.wrongOld')
      : t('account.failed', { message: change.error.message })
    : null;

  return (
    <Modal opened={opened} onClose={close} title={t('account.changePassword')} centered>
      {change.isSuccess ? (
        <PasswordSetNotice message={t('account.changed')} onClose={close} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (ready) change.mutate({ userId, oldPassword, newPassword: newPassword.password });
          }}
        >
          <Stack>
            {failure && (
              <Alert color="red" role="alert">
                {failure}
              </Alert>
            )}
            <PasswordInput
              label={t('account.oldPassword')}
              autoComplete="current-password"
              required
              data-autofocus
              value={oldPassword}
              onChange={(event) => setOldPassword(event.currentTarget.value)}
            />
            <NewPasswordFields value={newPassword} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={change.isPending} disabled={!ready}>
                {t('account.save')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
