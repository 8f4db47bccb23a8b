import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateUser } from '../../api/users';
import { NewPasswordFields, useNewPassword } from '../account/new-password-fields';
import { COMMENT_MAX, isValidEmail, isValidRealname, isValidUsername } from './user-form-rules';

const EMPTY = { username: '', email: '', realname: '', comment: '' };

export function CreateUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY);
  const newPassword = useNewPassword();
  const set = (key: keyof typeof EMPTY) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setForm((current) => ({ ...current, [key]: value }));
  };
  const errors = {
    username: form.username && !isValidUsername(form.username) ? t('users.usernameInvalid') : null,
    email: form.email && !isValidEmail(form.email) ? t('users.emailInvalid') : null,
    realname: form.realname && !isValidRealname(form.realname) ? t('users.realnameInvalid') : null,
  };
  const ready =
    !!form.username &&
    !!form.email &&
    !!form.realname &&
    newPassword.complete &&
    Object.values(errors).every((error) => !error);

  const close = () => {
    create.reset();
    setForm(EMPTY);
    newPassword.clear();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('users.createTitle')} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!ready) return;
          create.mutate(
            {
              username: form.username,
              email: form.email,
              realname: form.realname,
              password: newPassword.password,
              ...(form.comment ? { comment: form.comment } : {}),
            },
            { onSuccess: close },
          );
        }}
      >
        <Stack>
          {create.isError && (
            <Alert color="red" role="alert">
              {t('users.createFailed', { message: create.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('users.username')}
            description={t('users.usernameHint')}
            required
            data-autofocus
            autoComplete="off"
            value={form.username}
            error={errors.username}
            onChange={set('username')}
          />
          <TextInput
            label={t('users.email')}
            type="email"
            required
            value={form.email}
            error={errors.email}
            onChange={set('email')}
          />
          <TextInput
            label={t('users.realname')}
            required
            value={form.realname}
            error={errors.realname}
            onChange={set('realname')}
          />
          <TextInput
            label={t('users.comment')}
            description={t('users.commentHint')}
            maxLength={COMMENT_MAX}
            value={form.comment}
            onChange={set('comment')}
          />
          <NewPasswordFields
            value={newPassword}
            label={t('users.password')}
            confirmLabel={t('users.confirmPassword')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!ready}>
              {t('users.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
