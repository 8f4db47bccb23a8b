import type { Schema } from '@berth/api-client';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useChangePassword } from '../../api/users';
import { NewPasswordFields, PasswordSetNotice, useNewPassword } from '../account/new-password-fields';

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
  const newPassword = useNewPassword();
  const name = user?.username ?? '';

  const close = () => {
    change.reset();
    newPassword.clear();
    onClose();
  };

  return (
    <Modal opened={user !== null} onClose={close} title={t('users.resetTitle', { name })} centered>
      {change.isSuccess ? (
        <PasswordSetNotice message={t('users.resetDone', { name })} onClose={close} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (newPassword.complete && user?.user_id !== undefined)
              change.mutate({ userId: user.user_id, newPassword: newPassword.password });
          }}
        >
          <Stack>
            {change.isError && (
              <Alert color="red" role="alert">
                {t('users.resetFailed', { message: change.error.message })}
              </Alert>
            )}
            <NewPasswordFields value={newPassword} autoFocus />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={change.isPending} disabled={!newPassword.complete}>
                {t('users.resetSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
