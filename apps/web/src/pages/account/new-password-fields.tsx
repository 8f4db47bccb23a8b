import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidPassword } from '../../api/users';

/** A new password typed twice, checked against the core's rules before anything is sent. */
export interface NewPassword {
  password: string;
  confirm: string;
  setPassword: (value: string) => void;
  setConfirm: (value: string) => void;
  passwordError: string | null;
  confirmError: string | null;
  /** Both typed, valid and equal. */
  complete: boolean;
  clear: () => void;
}

/** `current`, when given, is the password being replaced, which the new one must differ from. */
export function useNewPassword(current?: string): NewPassword {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const passwordError =
    password === ''
      ? null
      : !isValidPassword(password)
        ? t('account.passwordWeak')
        : password === current
          ? t('account.passwordSame')
          : null;
  const confirmError = confirm !== '' && confirm !== password ? t('account.passwordMismatch') : null;
  return {
    password,
    confirm,
    setPassword,
    setConfirm,
    passwordError,
    confirmError,
    complete: password !== '' && confirm !== '' && !passwordError && !confirmError,
    clear: () => {
      setPassword('');
      setConfirm('');
    },
  };
}

/** The two fields of a `useNewPassword`, with the rules shown under the first. */
export function NewPasswordFields({
  value,
  label,
  confirmLabel,
  autoFocus = false,
}: {
  value: NewPassword;
  label?: string;
  confirmLabel?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordInput
        label={label ?? t('account.newPassword')}
        description={t('account.passwordRules')}
        required
        data-autofocus={autoFocus || undefined}
        autoComplete="new-password"
        value={value.password}
        error={value.passwordError}
        onChange={(event) => value.setPassword(event.currentTarget.value)}
      />
      <PasswordInput
        label={confirmLabel ?? t('account.confirmPassword')}
        required
        autoComplete="new-password"
        value={value.confirm}
        error={value.confirmError}
        onChange={(event) => value.setConfirm(event.currentTarget.value)}
      />
    </>
  );
}

/** What a password dialog shows once the password is set: what happened, and a way out. */
export function PasswordSetNotice({ message, onClose }: { message: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Alert color="teal" role="status">
        {message}
      </Alert>
      <Group justify="flex-end">
        <Button onClick={onClose} data-autofocus>
          {t('account.close')}
        </Button>
      </Group>
    </Stack>
  );
}
