/** Strings of a project's own pages: summary, members, robot accounts, labels, logs, configuration. */
export const projectSettingsEn = {};

export const projectSettingsZhCN: typeof projectSettingsEn = {};
