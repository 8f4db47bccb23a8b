import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignIn } from '../api/session';
import { usePageTitle } from '../components/page-title';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const [principal, setPrincipal] = useState('');
  const [password, setPassword] = useState('');
  usePageTitle([t('pageTitle.signIn')]);
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={380} component="main">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            signIn.mutate({ principal, password }, { onSuccess: () => void navigate('/projects') });
          }}
        >
          <Stack>
            <Title order={1} size="h3">
              {t('signIn.title')}
            </Title>
            {signIn.isError && (
              <Alert color="red" role="alert">
                {t('signIn.failed')}
              </Alert>
            )}
            <TextInput
              label={t('signIn.username')}
              name="principal"
              autoComplete="username"
              required
              value={principal}
              onChange={(event) => setPrincipal(event.currentTarget.value)}
            />
            <PasswordInput
              label={t('signIn.password')}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            <Button type="submit" loading={signIn.isPending}>
              {t('signIn.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
