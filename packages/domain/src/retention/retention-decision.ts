import type { RetentionArtifact, RetentionRule } from '@berth/db';
import { ruleTemplate, templateParameter, type TemplateCandidate } from './rule-templates.js';
import { selectsTags } from './selectors.js';

/**
 * What a retention run does to one repository, decided from its manifests and the rules that apply
 * to it. Harbor's model (src/pkg/retention): the candidates are the repository's artifacts as its
 * artifact list shows them (no accessories, no untagged children of an index); each enabled rule
 * selects candidates with its tag selectors and RETAINS what its template picks of them; rules are
 * OR'ed; every candidate no rule retains is deleted whole (with its accessories and the children
 * nothing else holds).
 *
 * Berth's addition (`perTag`, goharbor/harbor#16157): such a rule sees each tag as a candidate of
 * its own, with the tag's push time, and retains single tags. An artifact stays while any of its
 * tags is retained (by any rule); its tags no rule retains are removed one by one. With no per-tag
 * rule every retained artifact keeps every tag, exactly as in Harbor.
 *
 * An immutable tag is never removed, and an artifact holding one is never deleted.
 */

/** How retention marks an artifact in its log (Harbor's `RETAIN`, `DEL`, `IMMUTABLE`; `UNTAG` is Berth's). */
export type RetentionMark = 'RETAIN' | 'DEL' | 'UNTAG' | 'IMMUTABLE';

export interface ArtifactDecision {
  artifact: RetentionArtifact;
  /** The times the rules judged it by (the latest of the artifact's and its tags'). */
  pushedAt: number;
  pulledAt: number;
  mark: RetentionMark;
  /** Tags to remove from a retained artifact (UNTAG). */
  removeTags: string[];
  /** Immutable tags that kept the artifact or a tag from going, and the rule of each. */
  immutable: { tag: string; rule: string }[];
}

export interface RepositoryDecision {
  /** One per candidate, in the repository's manifest order. */
  decisions: ArtifactDecision[];
  /** Manifests that are not candidates: accessories and untagged children, by digest. */
  dependents: Map<string, RetentionArtifact>;
}

/** Answers the immutability rule protecting a tag of this repository, or null. */
export type ImmutabilityCheck = (tag: string) => string | null;

/** cosign's tag-addressed accessories: `sha256-<hex>.sig` (and `.att`, `.sbom`) name their subject. */
const COSIGN_TAG = /^(sha256)-([a-f0-9]{64})\.(sig|att|sbom)$/;

/** The subject digest a cosign accessory tag names, or null. */
export function cosignSubjectOf(tag: string): string | null {
  const match = COSIGN_TAG.exec(tag);
  return match ? `${match[1]}:${match[2]}` : null;
}

const INDEX_MEDIA_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export function isIndex(artifact: RetentionArtifact): boolean {
  return INDEX_MEDIA_TYPES.has(artifact.mediaType);
}

/**
 * Splits a repository's manifests into candidates and the rest: accessories (an OCI `subject`, or
 * only cosign accessory tags naming a manifest of the repository) and untagged children of an
 * index are not candidates; they go with what holds them.
 */
export function candidatesOf(artifacts: readonly RetentionArtifact[]): {
  candidates: RetentionArtifact[];
  dependents: Map<string, RetentionArtifact>;
} {
  const digests = new Set(artifacts.map((artifact) => artifact.digest));
  const children = new Set(artifacts.filter(isIndex).flatMap((index) => index.childDigests));
  const candidates: RetentionArtifact[] = [];
  const dependents = new Map<string, RetentionArtifact>();
  for (const artifact of artifacts) {
    const cosignAccessory =
      artifact.tags.length > 0 &&
      artifact.tags.every((tag) => {
        const subject = cosignSubjectOf(tag.name);
        return subject !== null && digests.has(subject);
      });
    const hiddenChild = artifact.tags.length === 0 && children.has(artifact.digest);
    if (artifact.subjectDigest !== null || cosignAccessory || hiddenChild) {
      dependents.set(artifact.digest, artifact);
    } else {
      candidates.push(artifact);
    }
  }
  return { candidates, dependents };
}

interface Candidate extends TemplateCandidate {
  artifact: RetentionArtifact;
  /** The one tag a per-tag candidate stands for. */
  tag: string | null;
}

/**
 * Decides what happens to each candidate of a repository. `rules` are those that apply to it
 * (their repository selectors chose it); disabled rules are ignored. `now` in milliseconds.
 */
export function decideRetention(
  artifacts: readonly RetentionArtifact[],
  rules: readonly RetentionRule[],
  now: number,
  immutableRule: ImmutabilityCheck = () => null,
): RepositoryDecision {
  const { candidates, dependents } = candidatesOf(artifacts);
  const whole: Candidate[] = candidates.map((artifact) => ({
    artifact,
    tag: null,
    tags: artifact.tags.map((tag) => tag.name),
    // Harbor's candidate: the latest push of the artifact or any of its tags.
    pushedAt: Math.max(artifact.pushedAt.getTime(), ...artifact.tags.map((tag) => tag.pushedAt.getTime())),
    pulledAt: artifact.pulledAt?.getTime() ?? 0,
  }));
  const perTag: Candidate[] = whole.flatMap((candidate) =>
    candidate.artifact.tags.length === 0
      ? [candidate]
      : candidate.artifact.tags.map((tag) => ({
          artifact: candidate.artifact,
          tag: tag.name,
          tags: [tag.name],
          pushedAt: tag.pushedAt.getTime(),
          pulledAt: candidate.pulledAt,
        })),
  );

  const retainedArtifacts = new Set<RetentionArtifact>();
  const retainedTags = new Set<string>();
  for (const rule of rules) {
    if (rule.disabled) continue;
    const template = ruleTemplate(rule.template);
    const n = templateParameter(template, rule.params);
    const pool = rule.perTag ? perTag : whole;
    // Selectors of one rule are AND'ed, as Harbor applies them one after the other.
    const selected = pool.filter((candidate) =>
      rule.tagSelectors.every((selector) => selectsTags(selector, candidate.tags)),
    );
    for (const kept of template.retain(selected, n, now)) {
      retainedArtifacts.add(kept.artifact);
      for (const tag of kept.tag !== null ? [kept.tag] : kept.tags)
        retainedTags.add(tagKey(kept.artifact, tag));
    }
  }

  const decisions = whole.map((candidate): ArtifactDecision => {
    const { artifact } = candidate;
    const base = { artifact, pushedAt: candidate.pushedAt, pulledAt: candidate.pulledAt };
    const notRetained = artifact.tags
      .map((tag) => tag.name)
      .filter((tag) => !retainedTags.has(tagKey(artifact, tag)));
    if (retainedArtifacts.has(artifact)) {
      const immutable = protectedOf(notRetained, immutableRule);
      const removeTags = notRetained.filter((tag) => !immutable.some((entry) => entry.tag === tag));
      return { ...base, mark: removeTags.length > 0 ? 'UNTAG' : 'RETAIN', removeTags, immutable };
    }
    // Going whole: its accessories' tags (cosign's) go too, so they are checked with its own.
    const accessoryTags = [...dependents.values()]
      .filter(
        (dependent) =>
          dependent.subjectDigest === artifact.digest ||
          dependent.tags.some((tag) => cosignSubjectOf(tag.name) === artifact.digest),
      )
      .flatMap((dependent) => dependent.tags.map((tag) => tag.name));
    const immutable = protectedOf([...notRetained, ...accessoryTags], immutableRule);
    if (immutable.length > 0) return { ...base, mark: 'IMMUTABLE', removeTags: [], immutable };
    return { ...base, mark: 'DEL', removeTags: [], immutable: [] };
  });
  return { decisions, dependents };
}

function tagKey(artifact: RetentionArtifact, tag: string): string {
  return `${artifact.id}:${tag}`;
}

function protectedOf(
  tags: readonly string[],
  immutableRule: ImmutabilityCheck,
): { tag: string; rule: string }[] {
  return tags.flatMap((tag) => {
    const rule = immutableRule(tag);
    return rule === null ? [] : [{ tag, rule }];
  });
}
