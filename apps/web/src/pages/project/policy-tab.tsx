import { Stack, Tabs } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ImmutabilityRules } from './immutability-rules';
import type { ProjectContext } from './project-context';
import { RetentionPolicySection } from './retention-policy';

/** Harbor's Policy tab: tag retention and tag immutability, each shown to who may read it. */
export function PolicyTab({ projectId, project, permissions }: ProjectContext) {
  const { t } = useTranslation();
  const sections = [
    permissions.has('tag-retention:read') && 'retention',
    permissions.has('immutable-tag:list') && 'immutability',
  ].filter((section): section is 'retention' | 'immutability' => !!section);
  const [section, setSection] = useState<string | null>(sections[0] ?? null);

  return (
    <Stack>
      <Tabs value={section} onChange={setSection} variant="pills" keepMounted={false}>
        <Tabs.List aria-label={t('policyTabs.label')}>
          {sections.map((key) => (
            <Tabs.Tab key={key} value={key}>
              {t(`policyTabs.${key}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="retention" pt="md">
          <RetentionPolicySection projectId={projectId} project={project} permissions={permissions} />
        </Tabs.Panel>
        <Tabs.Panel value="immutability" pt="md">
          <ImmutabilityRules projectId={projectId} permissions={permissions} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
