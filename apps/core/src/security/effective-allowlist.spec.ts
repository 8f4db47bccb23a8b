import { describe, expect, it } from 'vitest';
import { effectiveAllowlist } from './effective-allowlist.js';

describe(effectiveAllowlist.name, () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const seconds = now.getTime() / 1000;
  const system = { project_id: 0, items: [{ cve_id: 'CVE-2020-0001' }] };
  const project = { project_id: 7, items: [{ cve_id: 'CVE-2021-0002' }], expires_at: seconds + 60 };

  it('uses the system list when the project reuses it, else its own', () => {
    expect(effectiveAllowlist({ reuse_sys_cve_allowlist: 'true' }, system, project, now)).toEqual({
      source: 'system',
      cveIds: new Set(['CVE-2020-0001']),
    });
    expect(effectiveAllowlist({ reuse_sys_cve_allowlist: 'false' }, system, project, now)).toEqual({
      source: 'project',
      cveIds: new Set(['CVE-2021-0002']),
    });
    expect(effectiveAllowlist({}, system, project, now).source).toBe('project');
  });

  it('ignores an expired list', () => {
    const expired = { ...project, expires_at: seconds };
    expect(effectiveAllowlist({}, system, expired, now).cveIds.size).toBe(0);
    expect(effectiveAllowlist({}, system, { ...project, expires_at: seconds + 1 }, now).cveIds.size).toBe(1);
  });
});
