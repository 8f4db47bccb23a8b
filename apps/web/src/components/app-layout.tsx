import {
  ActionIcon,
  AppShell,
  Avatar,
  Group,
  Menu,
  Anchor,
  Text,
  TextInput,
  UnstyledButton,
  useMantineColorScheme,
} from '@mantine/core';
import { IconCheck, IconMoon, IconSearch, IconSun } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useClient } from '../api/client';
import { currentUserQuery, useSignOut } from '../api/session';
import { LANGUAGES } from '../i18n';
import { ChangePasswordDialog } from '../pages/account/change-password-dialog';
import { CliSecretDialog } from '../pages/account/cli-secret-dialog';
import { ProfileDialog } from '../pages/account/profile-dialog';

export function AppLayout({ username }: { username: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const user = useQuery(currentUserQuery(client));
  // Only a hint: the administration routes and the API check the role themselves.
  const sysadmin = user.data?.sysadmin_flag ?? false;
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
            {sysadmin && (
              <Anchor component={Link} to="/admin" size="sm" data-testid="nav-admin">
                {t('admin.menu')}
              </Anchor>
            )}
          </Group>
          <Group gap="xs">
            <GlobalSearch />
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

/** The header's search box: Enter opens the results page for what was typed. */
export function GlobalSearch() {
  const location = useLocation();
  const [params] = useSearchParams();
  // On the results page the box shows that page's query, also after Back and Forward.
  const shown = location.pathname === '/search' ? (params.get('q') ?? '') : '';
  return <SearchBox key={shown} initial={shown} />;
}

function SearchBox({ initial }: { initial: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState(initial);
  return (
    <form
      role="search"
      aria-label={t('globalSearch.label')}
      onSubmit={(event) => {
        event.preventDefault();
        const query = value.trim();
        if (query) void navigate(`/search?${new URLSearchParams({ q: query }).toString()}`);
      }}
    >
      <TextInput
        type="search"
        aria-label={t('globalSearch.label')}
        placeholder={t('globalSearch.placeholder')}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={value}
        onChange={(event) => setValue(event.currentTarget.value)}
        w={{ base: 180, sm: 280 }}
        data-testid="global-search"
      />
    </form>
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
      {dark ? <IconMoon size={18} aria-hidden /> : <IconSun size={18} aria-hidden />}
    </ActionIcon>
  );
}

export function UserMenu({ username }: { username: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useClient();
  const user = useQuery(currentUserQuery(client));
  const signOut = useSignOut();
  const [dialog, setDialog] = useState<'profile' | 'password' | 'cli-secret' | null>(null);
  const userId = user.data?.user_id;
  return (
    <>
      <Menu position="bottom-end" withArrow>
        <Menu.Target>
          <UnstyledButton aria-label={t('menu.userMenu', { name: username })} data-testid="user-menu">
            <Group gap={6}>
              {/* An icon, not the initial: the button's visible text must match its name. */}
              <Avatar size="sm" radius="xl" color="blue" aria-hidden />
              <Text size="sm">{username}</Text>
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('menu.signedInAs', { name: username })}</Menu.Label>
          {userId !== undefined && (
            <>
              <Menu.Item onClick={() => setDialog('profile')} data-testid="profile">
                {t('profile.menuItem')}
              </Menu.Item>
              <Menu.Item onClick={() => setDialog('password')} data-testid="change-password">
                {t('account.changePassword')}
              </Menu.Item>
              <Menu.Item onClick={() => setDialog('cli-secret')} data-testid="cli-secret">
                {t('account.cliSecret')}
              </Menu.Item>
            </>
          )}
          <Menu.Divider />
          <Menu.Label>{t('menu.language')}</Menu.Label>
          {LANGUAGES.map((language) => (
            <Menu.Item
              key={language.code}
              onClick={() => void i18n.changeLanguage(language.code)}
              aria-current={i18n.language === language.code ? 'true' : undefined}
              lang={language.code}
              // A tick marks the current language; the others keep its width free so labels align.
              leftSection={
                <IconCheck
                  size={14}
                  aria-hidden
                  style={{ visibility: i18n.language === language.code ? 'visible' : 'hidden' }}
                />
              }
              data-testid={`language-${language.code}`}
            >
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
      {user.data && userId !== undefined && (
        <ProfileDialog opened={dialog === 'profile'} user={user.data} onClose={() => setDialog(null)} />
      )}
      {userId !== undefined && (
        <ChangePasswordDialog
          opened={dialog === 'password'}
          userId={userId}
          onClose={() => setDialog(null)}
        />
      )}
      <CliSecretDialog opened={dialog === 'cli-secret'} onClose={() => setDialog(null)} />
    </>
  );
}
