import {
  ActionIcon,
  AppShell,
  Avatar,
  Group,
  Menu,
  Anchor,
  Text,
  UnstyledButton,
  useMantineColorScheme,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useNavigate } from 'react-router';
import { useSignOut } from '../api/session';
import { LANGUAGES } from '../i18n';

export function AppLayout({ username }: { username: string }) {
  const { t } = useTranslation();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Anchor component={Link} to="/projects" fw={700} size="lg" underline="never">
              {t('app.name')}
            </Anchor>
            <Anchor component={Link} to="/projects" size="sm">
              {t('menu.projects')}
            </Anchor>
          </Group>
          <Group gap="xs">
            <ThemeToggle />
            <UserMenu username={username} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function ThemeToggle() {
  const { t } = useTranslation();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const dark = colorScheme === 'dark';
  return (
    <ActionIcon
      variant="default"
      size="lg"
      onClick={() => setColorScheme(dark ? 'light' : 'dark')}
      aria-label={`${t('menu.theme')}: ${dark ? t('menu.dark') : t('menu.light')}`}
      data-testid="theme-toggle"
    >
      <span aria-hidden>{dark ? '☾' : '☀'}</span>
    </ActionIcon>
  );
}

export function UserMenu({ username }: { username: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  return (
    <Menu position="bottom-end" withArrow>
      <Menu.Target>
        <UnstyledButton aria-label={t('menu.userMenu', { name: username })} data-testid="user-menu">
          <Group gap={6}>
            <Avatar size="sm" radius="xl" color="blue">
              {username.slice(0, 1).toUpperCase()}
            </Avatar>
            <Text size="sm">{username}</Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('menu.signedInAs', { name: username })}</Menu.Label>
        <Menu.Divider />
        <Menu.Label>{t('menu.language')}</Menu.Label>
        {LANGUAGES.map((language) => (
          <Menu.Item
            key={language.code}
            onClick={() => void i18n.changeLanguage(language.code)}
            aria-current={i18n.language === language.code ? 'true' : undefined}
            lang={language.code}
            data-testid={`language-${language.code}`}
          >
            {i18n.language === language.code ? '✓ ' : ''}
            {language.label}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item
          color="red"
          data-testid="sign-out"
          onClick={() => signOut.mutate(undefined, { onSuccess: () => void navigate('/sign-in') })}
        >
          {t('menu.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
