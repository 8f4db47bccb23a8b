import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient } from './app';
import { createConsoleClient } from './api/client';
import { createI18n } from './i18n';

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={createConsoleClient()} queryClient={createQueryClient()} i18n={createI18n()} />
  </StrictMode>,
);
