import { ApiError, type Schema } from '@berth/api-client';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUpdateProfile, type ProfileChange } from '../../api/users';
import { COMMENT_MAX, isValidEmail, isValidRealname } from '../admin/user-form-rules';

/**
 * Edits the signed-in user's email, full name and comment (`PUT /users/{user_id}`). The core's
 * rules are checked here first; only fields that changed are sent, so a value the user never
 * touched (an administrator without an email, say) is left as it is.
 */
export function ProfileDialog({
  opened,
  user,
  onClose,
}: {
  opened: boolean;
  user: Schema<'UserResp'>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('profile.title')} centered>
      {/* Mounted per opening, so the fields start from the account as it is now. */}
      {opened && <ProfileForm user={user} onClose={onClose} />}
    </Modal>
  );
}

function ProfileForm({ user, onClose }: { user: Schema<'UserResp'>; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateProfile();
  const [email, setEmail] = useState(user.email ?? '');
  const [realname, setRealname] = useState(user.realname ?? '');
  const [comment, setComment] = useState(user.comment ?? '');

  const change: ProfileChange = {
    ...(email !== (user.email ?? '') ? { email } : {}),
    ...(realname !== (user.realname ?? '') ? { realname } : {}),
    ...(comment !== (user.comment ?? '') ? { comment } : {}),
  };
  const emailError =
    change.email !== undefined && !isValidEmail(change.email) ? t('profile.emailInvalid') : null;
  const realnameError =
    change.realname !== undefined && !isValidRealname(change.realname) ? t('profile.realnameInvalid') : null;
  const commentError =
    comment.length > COMMENT_MAX ? t('profile.commentTooLong', { max: COMMENT_MAX }) : null;
  const changed = Object.keys(change).length > 0;
  const ready = changed && !emailError && !realnameError && !commentError;

  const failure = update.error
    ? update.error instanceof ApiError && update.error.status === 409
      ? t('profile.emailTaken')
      : t('profile.failed', { message: update.error.message })
    : null;

  if (update.isSuccess)
    return (
      <Stack>
        <Alert color="teal" role="status">
          {t('profile.saved')}
        </Alert>
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus>
            {t('profile.close')}
          </Button>
        </Group>
      </Stack>
    );

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (ready && user.user_id !== undefined) update.mutate({ userId: user.user_id, profile: change });
      }}
    >
      <Stack>
        {failure && (
          <Alert color="red" role="alert">
            {failure}
          </Alert>
        )}
        <TextInput label={t('profile.username')} value={user.username ?? ''} readOnly variant="filled" />
        <TextInput
          label={t('profile.email')}
          type="email"
          autoComplete="email"
          data-autofocus
          value={email}
          error={emailError}
          onChange={(event) => setEmail(event.currentTarget.value)}
        />
        <TextInput
          label={t('profile.realname')}
          autoComplete="name"
          value={realname}
          error={realnameError}
          onChange={(event) => setRealname(event.currentTarget.value)}
        />
        <TextInput
          label={t('profile.comment')}
          description={`${comment.length} / ${COMMENT_MAX}`}
          value={comment}
          error={commentError}
          onChange={(event) => setComment(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!ready}>
            {t('profile.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
