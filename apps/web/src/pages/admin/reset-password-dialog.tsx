import type { Schema } from '@berth/api-client';
import { Alert, Button, Group, Modal, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidPassword, useChangePassword } from '../../api/users';

/** An administrator sets someone else's password (no old password needed for another account). */
export function ResetPasswordDialog({
  user,
  onClose,
}: {
  user: Schema<'UserResp'> | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const change = useChangePassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const passwordError = password && !isValidPassword(password) ? t('account.passwordWeak') : null;
  const confirmError = confirm && confirm !== password ? t('account.passwordMismatch') : null;
  const ready = !!password && !!confirm && !passwordError && !confirmError;
  const name = user?.username ?? '';

  const close = () => {
    change.reset();
    setPassword('');
    setConfirm('');
    onClose();
  };

  return (
    <Modal opened={user !== null} onClose={close} title={t('users.resetTitle', { name })} centered>
      {change.isSuccess ? (
        <Stack>
          <Alert color="teal" role="status">
            {t('users.resetDone', { name })}
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
            if (ready && user?.user_id !== undefined)
              change.mutate({ userId: user.user_id, newPassword: password });
          }}
        >
          <Stack>
            {change.isError && (
              <Alert color="red" role="alert">
                {t('users.resetFailed', { message: change.error.message })}
              </Alert>
            )}
            <PasswordInput
              label={t('account.newPassword')}
              description={t('account.passwordRules')}
              required
              data-autofocus
              autoComplete="new-password"
              value={password}
              error={passwordError}
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            <PasswordInput
              label={t('account.confirmPassword')}
              required
              autoComplete="new-password"
              value={confirm}
              error={confirmError}
              onChange={(event) => setConfirm(event.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={change.isPending} disabled={!ready}>
                {t('users.resetSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
