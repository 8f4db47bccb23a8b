import type { BerthClient } from '@berth/api-client';
import { useState } from 'react';
import {
  Anchor,
  MantineProvider,
  Stack,
  Title,
  createTheme,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import type { i18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { Link, Navigate, RouterProvider, createBrowserRouter, type RouteObject } from 'react-router';
import { ClientProvider, useClient } from './api/client';
import { currentUserQuery } from './api/session';
import { AppLayout } from './components/app-layout';
import { usePageTitle } from './components/page-title';
import { ErrorState, LoadingState } from './components/states';
import { ProjectsPage } from './pages/projects-page';
import { SignInPage } from './pages/sign-in-page';
import { adminRoutes } from './routes/admin-routes';
import { artifactRoutes } from './routes/artifact-routes';
import { projectRoutes } from './routes/project-routes';
import { searchRoutes } from './routes/search-routes';

// Shades chosen for WCAG AA contrast (4.5:1) of links and secondary text on both backgrounds;
// Mantine's defaults (blue 6, gray 6 for dimmed text) fall short on white.
// Light badges and buttons get their darkest text shade in the light scheme for the same reason.
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor) return colors;
  return {
    ...colors,
    color: `light-dark(color-mix(in srgb, var(--mantine-color-${parsed.color}-9) 70%, black), var(--mantine-color-${parsed.color}-3))`,
  };
};

const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  defaultRadius: 'md',
  variantColorResolver,
});

const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => count < 2 && !(error as { status?: number }).status,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** Everything below needs a signed-in user; anonymous visitors go to the sign-in page. */
function SignedIn() {
  const client = useClient();
  const user = useQuery(currentUserQuery(client));
  if (user.isPending) return <LoadingState />;
  if (user.isError) return <ErrorState error={user.error} onRetry={() => void user.refetch()} />;
  if (!user.data) return <Navigate to="/sign-in" replace />;
  return <AppLayout username={user.data.username ?? ''} />;
}

function ProjectsRoute() {
  const client = useClient();
  const user = useQuery(currentUserQuery(client));
  // Any signed-in user may create projects in Berth (the server enforces any restriction).
  return <ProjectsPage canCreate={!!user.data} />;
}

function NotFound() {
  const { t } = useTranslation();
  usePageTitle([t('pageTitle.notFound')]);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('notFound.title')}
      </Title>
      <Anchor component={Link} to="/projects">
        {t('notFound.back')}
      </Anchor>
    </Stack>
  );
}

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <SignedIn />,
    // Shown while the router loads a lazy route the first page needs (the system page's charts):
    // without it react-router warns that no HydrateFallback was provided.
    hydrateFallbackElement: <LoadingState />,
    children: [
      { index: true, element: <Navigate to="/projects" replace /> },
      { path: 'projects', element: <ProjectsRoute /> },
      ...projectRoutes,
      ...artifactRoutes,
      ...adminRoutes,
      ...searchRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function Providers({
  client,
  queryClient,
  i18n,
  children,
}: {
  client: BerthClient;
  queryClient: QueryClient;
  i18n: i18n;
  children: React.ReactNode;
}) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <I18nextProvider i18n={i18n}>
        <QueryClientProvider client={queryClient}>
          <ClientProvider client={client}>{children}</ClientProvider>
        </QueryClientProvider>
      </I18nextProvider>
    </MantineProvider>
  );
}

export function App({
  client,
  queryClient,
  i18n,
}: {
  client: BerthClient;
  queryClient: QueryClient;
  i18n: i18n;
}) {
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <Providers client={client} queryClient={queryClient} i18n={i18n}>
      <RouterProvider router={router} />
    </Providers>
  );
}
