import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** "Members · library · Berth": the most specific part first, empty parts left out. */
export function pageTitle(parts: (string | null | undefined)[], appName: string): string {
  return [...parts.filter((part): part is string => !!part), appName].join(' · ');
}

/**
 * Sets the document title to `parts` and the product's name while the page shows. One component
 * per screen sets it (a page, or the layout that knows its selected tab); `null` leaves it to
 * another, e.g. a page showing a not-found state that names itself. React runs a child's effect
 * before its parent's, so a parent setting a title too would win.
 */
export function usePageTitle(parts: (string | null | undefined)[] | null): void {
  const { t } = useTranslation();
  const title = parts === null ? null : pageTitle(parts, t('app.name'));
  useEffect(() => {
    if (title !== null) document.title = title;
  }, [title]);
}
