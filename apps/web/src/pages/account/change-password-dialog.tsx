import { ApiError } from '@berth/api-client';
import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidPassword, useChangePassword } from '../../api/users';

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
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');

  const newError =
    newPassword === ''
      ? null
      : !isValidPassword(newPassword)
        ? t('account.passwordWeak')
        : newPassword === oldPassword
          ? t('account.passwordSame')
          : null;
  const confirmError = confirm !== '' && confirm !== newPassword ? t('account.passwordMismatch') : null;
  const ready = oldPassword !== '' && newPassword !== '' && confirm !== '' && !newError && !confirmError;

  const close = () => {
    change.reset();
    setOldPassword('');
    setNewPassword('');
    setConfirm('');
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
        <Stack>
          <Alert color="teal" role="status">
            {t('account.changed')}
          </Alert>
          <Group justify="flex-end">
            <Button onClick={close} data-autofocus>
              {t('account.close')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (ready) change.mutate({ userId, oldPassword, newPassword });
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
            <PasswordInput
              label={t('account.newPassword')}
              description={t('account.passwordRules')}
              autoComplete="new-password"
              required
              value={newPassword}
              error={newError}
              onChange={(event) => setNewPassword(event.currentTarget.value)}
            />
            <PasswordInput
              label={t('account.confirmPassword')}
              autoComplete="new-password"
              required
              value={confirm}
              error={confirmError}
              onChange={(event) => setConfirm(event.currentTarget.value)}
            />
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
