/** Strings of a repository's description and deletion, and of copying an artifact elsewhere. */
export const repositoryActionsEn = {
  repositoryActions: {
    description: 'Description',
    noDescription: 'No description yet.',
    editDescription: 'Edit description',
    editTitle: 'Description of {{name}}',
    descriptionLabel: 'Description',
    descriptionHint: 'Markdown is shown formatted. Leave empty to remove the description.',
    save: 'Save',
    saveFailed: 'The description could not be saved: {{message}}',
    delete: 'Delete repository',
    deleteTitle: 'Delete repository {{name}}',
    deleteWarning_zero:
      'This deletes the repository {{name}}, which holds no artifacts. It cannot be undone.',
    deleteWarning_one:
      'This deletes the repository {{name}} with its only artifact and its tags. Anyone pulling it will fail. It cannot be undone.',
    deleteWarning_other:
      'This deletes the repository {{name}} with all {{count}} of its artifacts and their tags. Anyone pulling them will fail. It cannot be undone.',
    deleteWarningUnknown:
      'This deletes the repository {{name}} with all of its artifacts and their tags. Anyone pulling them will fail. It cannot be undone.',
    typeName: 'Type the repository name to confirm',
    confirmDelete: 'Delete repository',
    deleteFailed: 'The repository could not be deleted: {{message}}',
  },
  copyArtifact: {
    action: 'Copy to…',
    title: 'Copy {{reference}}',
    explain:
      'Copies this artifact with its tags, platforms and accessories into another repository. The repository is created if it does not exist.',
    project: 'Target project',
    projectPlaceholder: 'Type to find a project',
    noProjects: 'No project matches',
    repository: 'Target repository',
    repositoryHint: 'The name inside the target project, e.g. tools/hello.',
    repositoryInvalid:
      'Use lowercase letters, digits and separators (. _ -), with / between path components.',
    noPushPermission:
      'You may not push to {{project}}. Choose a project where you are a developer, maintainer or project admin.',
    sameRepository: 'This artifact is already in {{name}}. Choose another project or repository.',
    confirm: 'Copy',
    close: 'Close',
    copied: 'Copied into {{name}}.',
    openCopy: 'Open the copy',
    failed: 'The artifact could not be copied: {{message}}',
  },
};

export const repositoryActionsZhCN: typeof repositoryActionsEn = {
  repositoryActions: {
    description: '描述',
    noDescription: '暂无描述。',
    editDescription: '编辑描述',
    editTitle: '{{name}} 的描述',
    descriptionLabel: '描述',
    descriptionHint: '支持 Markdown 格式显示。留空即删除描述。',
    save: '保存',
    saveFailed: '无法保存描述：{{message}}',
    delete: '删除仓库',
    deleteTitle: '删除仓库 {{name}}',
    deleteWarning_zero: '将删除仓库 {{name}}，其中没有制品。此操作无法撤销。',
    deleteWarning_one: '将删除仓库 {{name}} 及其唯一的制品和标签，之后拉取该制品会失败。此操作无法撤销。',
    deleteWarning_other:
      '将删除仓库 {{name}} 及其全部 {{count}} 个制品和标签，之后拉取这些制品都会失败。此操作无法撤销。',
    deleteWarningUnknown:
      '将删除仓库 {{name}} 及其全部制品和标签，之后拉取这些制品都会失败。此操作无法撤销。',
    typeName: '输入仓库名称以确认',
    confirmDelete: '删除仓库',
    deleteFailed: '无法删除仓库：{{message}}',
  },
  copyArtifact: {
    action: '复制到…',
    title: '复制 {{reference}}',
    explain: '将此制品连同其标签、平台和附件复制到另一个仓库。目标仓库不存在时会自动创建。',
    project: '目标项目',
    projectPlaceholder: '输入以查找项目',
    noProjects: '没有匹配的项目',
    repository: '目标仓库',
    repositoryHint: '目标项目内的仓库名称，例如 tools/hello。',
    repositoryInvalid: '只能使用小写字母、数字和分隔符（. _ -），路径各段之间用 / 分隔。',
    noPushPermission: '你没有推送到 {{project}} 的权限。请选择你担任开发者、维护者或项目管理员的项目。',
    sameRepository: '此制品已在 {{name}} 中。请选择其他项目或仓库。',
    confirm: '复制',
    close: '关闭',
    copied: '已复制到 {{name}}。',
    openCopy: '打开副本',
    failed: '无法复制制品：{{message}}',
  },
};
