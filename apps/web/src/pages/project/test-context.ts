import { waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import type { Schema } from '@berth/api-client';
import type { ProjectContext } from './project-context';

/** A project context for tab tests: project 7 "demo", holding `permissions`. */
export function projectContext(permissions: string[], metadata: Record<string, string> = {}): ProjectContext {
  return {
    projectId: '7',
    // The fields the tabs read; the others do not matter here.
    project: { project_id: 7, name: 'demo', metadata: { public: 'false', ...metadata } } as Partial<
      Schema<'Project'>
    > as Schema<'Project'>,
    permissions: new Set(permissions),
  };
}

/**
 * Opens a Mantine Select or Autocomplete and clicks one of its options. Mantine keeps every
 * dropdown's options mounted, so the option is looked up in the listbox this combobox controls.
 */
export async function pickOption(user: UserEvent, combobox: HTMLElement, name: string): Promise<void> {
  await user.click(combobox);
  const listbox = await waitFor(() => {
    const id = combobox.getAttribute('aria-controls');
    const element = id ? document.getElementById(id) : null;
    if (!element) throw new Error(`no listbox for ${combobox.getAttribute('aria-label') ?? 'combobox'}`);
    return element;
  });
  await user.click(await within(listbox).findByRole('option', { name, hidden: true }));
}
