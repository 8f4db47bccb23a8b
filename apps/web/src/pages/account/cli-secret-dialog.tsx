import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { currentUserQuery } from '../../api/session';
import { generateSecret, useSetCliSecret } from '../../api/users';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyButton } from '../../components/copy-button';
import { LoadingState } from '../../components/states';

/**
 * The signed-in user's CLI secret (shown only to its owner): reveal, copy, or replace it with a
 * new random one after confirming, since clients using the old one stop working at once.
 */
export function CliSecretDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const user = useQuery({ ...currentUserQuery(client), enabled: opened });
  const setSecret = useSetCliSecret();
  const [confirming, setConfirming] = useState(false);
  const [visible, setVisible] = useState(false);
  const secret = user.data?.oidc_user_meta?.secret ?? '';

  const regenerate = () => {
    const userId = user.data?.user_id;
    if (userId === undefined) return;
    setSecret.mutate(
      { userId, secret: generateSecret() },
      {
        onSuccess: () => {
          setConfirming(false);
          // The user generated it to use it: show it straight away.
          setVisible(true);
        },
      },
    );
  };

  const close = () => {
    setSecret.reset();
    setVisible(false);
    onClose();
  };

  return (
    <>
      <Modal opened={opened && !confirming} onClose={close} title={t('account.cliSecret')} centered>
        {user.isPending ? (
          <LoadingState />
        ) : (
          <Stack>
            <Text size="sm">{t('account.cliSecretIntro')}</Text>
            {setSecret.isError && !confirming && (
              <Alert color="red" role="alert">
                {t('account.secretFailed', { message: setSecret.error.message })}
              </Alert>
            )}
            {secret ? (
              <Group align="flex-end" wrap="nowrap">
                <PasswordInput
                  label={t('account.cliSecretValue')}
                  value={secret}
                  readOnly
                  visible={visible}
                  onVisibilityChange={setVisible}
                  visibilityToggleButtonProps={{
                    'aria-label': visible ? t('account.hide') : t('account.show'),
                  }}
                  style={{ flex: 1 }}
                  styles={{ input: { fontFamily: 'monospace' } }}
                  data-testid="cli-secret-value"
                />
                <CopyButton value={secret} label={t('account.copySecret')} />
              </Group>
            ) : (
              <Text size="sm" c="dimmed">
                {t('account.cliSecretNone')}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                {t('account.close')}
              </Button>
              {secret ? (
                <Button color="orange" variant="light" onClick={() => setConfirming(true)}>
                  {t('account.regenerate')}
                </Button>
              ) : (
                <Button onClick={regenerate} loading={setSecret.isPending}>
                  {t('account.generate')}
                </Button>
              )}
            </Group>
          </Stack>
        )}
      </Modal>
      <ConfirmDialog
        opened={opened && confirming}
        title={t('account.regenerateTitle')}
        message={t('account.regenerateMessage')}
        confirmLabel={t('account.regenerate')}
        danger
        loading={setSecret.isPending}
        error={setSecret.isError ? t('account.secretFailed', { message: setSecret.error.message }) : null}
        onClose={() => {
          setSecret.reset();
          setConfirming(false);
        }}
        onConfirm={regenerate}
      />
    </>
  );
}
