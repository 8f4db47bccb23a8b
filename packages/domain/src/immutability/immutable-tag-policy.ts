import type { ImmutableRuleRepository, ProjectImmutableRule } from '@berth/db';
import type { TagChange, TagPolicy, TagRefusal } from '@berth/distribution';
import { projectOf, repositoryPath } from '../retention/selectors.js';
import { describeImmutableRule, protectingRule } from './immutable-rules.js';

export interface ImmutableTagPolicyOptions {
  /**
   * How long the rules read once are trusted while change notifications arrive (`listening`);
   * a safety net only, since every change notifies. Default 60 s.
   */
  maxAgeMs?: number;
  /** How long they are trusted while no notification can arrive. Default 1 s; 0 reads every time. */
  unlistenedMaxAgeMs?: number;
  now?: () => number;
}

interface Snapshot {
  byProject: Map<string, ProjectImmutableRule[]>;
  loadedAt: number;
  version: number;
}

/**
 * Tag immutability as the engine's TagPolicy: the enabled rules of every project, read in one
 * query and kept in memory, so a push into a project without rules costs no query at all; a push
 * that names a protected tag reads where that tag points now (creating it, or pushing it again with
 * the same manifest, is allowed; moving it is not). Deletions read the tags they would remove.
 *
 * The cache is dropped on `invalidate()`: the core calls it on every `berth_immutable_rules`
 * notification (every change of the table sends one at commit, a cascade from a project's deletion
 * included) and after its own changes, so another process trusts a stale rule only until the
 * notification arrives. Without notifications (`setListening(false)`) the rules are read again
 * after `unlistenedMaxAgeMs`.
 */
export class ImmutableTagPolicy implements TagPolicy {
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;
  private version = 0;
  private listening = false;
  private readonly maxAgeMs: number;
  private readonly unlistenedMaxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly rules: ImmutableRuleRepository,
    options: ImmutableTagPolicyOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.unlistenedMaxAgeMs = options.unlistenedMaxAgeMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Drops the cached rules: the next check reads them again. */
  invalidate(): void {
    this.version += 1;
    this.snapshot = null;
  }

  /** Whether change notifications reach this process (they decide how long the cache is trusted). */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.invalidate();
  }

  /** The enabled rules of the repository's project, in id order. */
  async rulesFor(repository: string): Promise<ProjectImmutableRule[]> {
    return (await this.current()).byProject.get(projectOf(repository)) ?? [];
  }

  /**
   * A function naming the rule that protects a tag of `repository` (null when none does), for
   * callers that judge many tags at once (the artifact list's `immutable` flags, retention).
   */
  async checkerFor(repository: string): Promise<(tag: string) => string | null> {
    const rules = await this.rulesFor(repository);
    const path = repositoryPath(repository);
    return (tag) => {
      if (rules.length === 0) return null;
      const rule = protectingRule(rules, path, tag);
      return rule ? describeImmutableRule(rule) : null;
    };
  }

  async check(repository: string, change: TagChange): Promise<TagRefusal | null> {
    const rules = await this.rulesFor(repository);
    if (rules.length === 0) return null;
    const path = repositoryPath(repository);
    const refusal = (tag: string): TagRefusal | null => {
      const rule = protectingRule(rules, path, tag);
      return rule ? { tag, rule: describeImmutableRule(rule) } : null;
    };
    switch (change.kind) {
      case 'push': {
        const guarded = change.tags.filter((tag) => refusal(tag) !== null);
        if (guarded.length === 0) return null;
        const current = await this.rules.tagDigests(repository, guarded);
        const moved = guarded.find((tag) => current.has(tag) && current.get(tag) !== change.digest);
        return moved === undefined ? null : refusal(moved);
      }
      case 'untag': {
        const found = refusal(change.tag);
        if (!found) return null;
        // A tag that does not exist is not protected: the caller answers that it is unknown.
        const current = await this.rules.tagDigests(repository, [change.tag]);
        return current.has(change.tag) ? found : null;
      }
      case 'delete-manifest':
        return firstRefusal(await this.rules.tagsOfManifest(repository, change.digest), refusal);
      case 'delete-repository':
        return firstRefusal(await this.rules.tagsOfRepository(repository), refusal);
    }
  }

  private async current(): Promise<Snapshot> {
    const snapshot = this.snapshot;
    const maxAge = this.listening ? this.maxAgeMs : this.unlistenedMaxAgeMs;
    if (snapshot && snapshot.version === this.version && this.now() - snapshot.loadedAt < maxAge) {
      return snapshot;
    }
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    const loaded = await this.loading;
    // A load that began before an invalidation may hold rules older than the change it missed.
    if (loaded.version !== this.version) return this.current();
    return loaded;
  }

  private async load(): Promise<Snapshot> {
    const version = this.version;
    const loadedAt = this.now();
    const byProject = new Map<string, ProjectImmutableRule[]>();
    for (const rule of await this.rules.enabled()) {
      const list = byProject.get(rule.projectName) ?? [];
      list.push(rule);
      byProject.set(rule.projectName, list);
    }
    const snapshot = { byProject, loadedAt, version };
    if (version === this.version) this.snapshot = snapshot;
    return snapshot;
  }
}

function firstRefusal(
  tags: readonly string[],
  refusal: (tag: string) => TagRefusal | null,
): TagRefusal | null {
  for (const tag of tags) {
    const found = refusal(tag);
    if (found) return found;
  }
  return null;
}
