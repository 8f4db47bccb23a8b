import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** "Members · library · Berth": the most specific part first, empty parts left out. */
export function pageTitle(parts: (string | null | undefined)[], appName: string): string {
  return [...parts.filter((part): part is string => !!part), appName].join(' · ');
}

/**
 * Sets the document title while the page shows. One component per route sets it (a page, or the
 * layout that knows its selected tab): React runs a child's effect before its parent's, so a
 * parent setting a title too would win.
 */
export function usePageTitle(...parts: (string | null | undefined)[]): void {
  const { t } = useTranslation();
  const title = pageTitle(parts, t('app.name'));
  useEffect(() => {
    document.title = title;
  }, [title]);
}
