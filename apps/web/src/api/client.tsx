import { createBerthClient, sessionCsrfStore, type BerthClient } from '@berth/api-client';
import { createContext, useContext, type ReactNode } from 'react';

const ClientContext = createContext<BerthClient | null>(null);

/** The console's client: same origin, the CSRF token kept for the tab's session. */
export function createConsoleClient(): BerthClient {
  return createBerthClient({ csrf: sessionCsrfStore() });
}

export function ClientProvider({ client, children }: { client: BerthClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): BerthClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}
