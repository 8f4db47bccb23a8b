import { createHmac } from 'node:crypto';
import type { RegistryEvent } from '@berth/distribution';
import { describe, expect, it } from 'vitest';
import {
  artifactPayload,
  eventTypeOfRegistryEvent,
  formatBody,
  notificationPayload,
  signBody,
  type PayloadContext,
} from './webhook-payload.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function event(
  overrides: Omit<Partial<RegistryEvent>, 'target'> & { target?: Partial<RegistryEvent['target']> } = {},
): RegistryEvent {
  return {
    id: '0b6f4a2e-8d0e-4d8a-9d3c-5f3b8e1f0c11',
    timestamp: '2026-12-08T10:00:00.000Z',
    action: 'push',
    scope: 'artifact',
    request: {
      id: 'req-1',
      addr: '10.0.0.5',
      host: 'registry.example.com',
      method: 'PUT',
      useragent: 'docker',
    },
    actor: { name: 'alice' },
    source: { addr: '', instanceID: 'i' },
    ...overrides,
    target: {
      repository: 'library/busybox',
      digest: DIGEST,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 100,
      tag: 'latest',
      ...overrides.target,
    },
  };
}

const context: PayloadContext = {
  projectPublic: true,
  repositoryCreated: new Date('2026-12-01T00:00:00Z'),
  registryHost: 'harbor.dev',
};

describe(eventTypeOfRegistryEvent.name, () => {
  it.each([
    [{ action: 'push' as const }, 'PUSH_ARTIFACT'],
    [{ action: 'pull' as const }, 'PULL_ARTIFACT'],
    [{ action: 'delete' as const }, 'DELETE_ARTIFACT'],
    [{ action: 'push' as const, scope: 'tag' as const }, null],
    [{ action: 'delete' as const, scope: 'tag' as const }, null],
    [{ action: 'delete' as const, scope: 'repository' as const, target: { digest: undefined } }, null],
    [{ action: 'delete' as const, scope: 'blob' as const }, null],
    [{ action: 'mount' as const }, null],
    [{ action: 'pull' as const, scope: undefined, target: { mediaType: 'application/octet-stream' } }, null],
  ])('maps %j to %s as Harbor does', (overrides, expected) => {
    expect(eventTypeOfRegistryEvent(event(overrides))).toBe(expected);
  });
});

describe(artifactPayload.name, () => {
  it("is Harbor's default payload", () => {
    expect(artifactPayload('PUSH_ARTIFACT', event(), context)).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: Date.parse('2026-12-08T10:00:00Z') / 1000,
      operator: 'alice',
      event_data: {
        resources: [{ digest: DIGEST, tag: 'latest', resource_url: 'harbor.dev/library/busybox:latest' }],
        repository: {
          date_created: Date.parse('2026-12-01T00:00:00Z') / 1000,
          name: 'busybox',
          namespace: 'library',
          repo_full_name: 'library/busybox',
          repo_type: 'public',
        },
      },
    });
  });

  it('names an untagged artifact by digest, in `tag` too, as Harbor does', () => {
    const payload = artifactPayload(
      'DELETE_ARTIFACT',
      event({ action: 'delete', actor: {}, target: { tag: undefined, repository: 'p/a/b' } }),
      { ...context, projectPublic: false, repositoryCreated: null },
    );
    expect(payload.operator).toBe('anonymous');
    expect(payload.event_data.resources).toEqual([
      { digest: DIGEST, tag: DIGEST, resource_url: `harbor.dev/p/a/b@${DIGEST}` },
    ]);
    expect(payload.event_data.repository).toEqual({
      name: 'a/b',
      namespace: 'p',
      repo_full_name: 'p/a/b',
      repo_type: 'private',
    });
  });
});

describe(notificationPayload.name, () => {
  it("is Harbor's quota payload: the repository without its date, the details as custom attributes", () => {
    const payload = notificationPayload(
      {
        eventType: 'QUOTA_EXCEED',
        projectName: 'library',
        repository: 'library/busybox',
        resources: [{ digest: DIGEST, tag: 'v1' }],
        operator: 'bob',
        eventData: { custom_attributes: { Details: 'quota exceeded' } },
      },
      new Date('2026-12-08T10:00:00Z'),
      context,
    );
    expect(payload).toEqual({
      type: 'QUOTA_EXCEED',
      occur_at: Date.parse('2026-12-08T10:00:00Z') / 1000,
      operator: 'bob',
      event_data: {
        resources: [{ digest: DIGEST, tag: 'v1' }],
        repository: {
          name: 'busybox',
          namespace: 'library',
          repo_full_name: 'library/busybox',
          repo_type: 'public',
        },
        custom_attributes: { Details: 'quota exceeded' },
      },
    });
  });

  it('passes a retention notice’s event data through', () => {
    const retention = { total: 3, retained: 1, project_name: 'library', result: 'SUCCESS' };
    const payload = notificationPayload(
      {
        eventType: 'TAG_RETENTION',
        projectName: 'library',
        repository: null,
        resources: [],
        operator: 'retention',
        eventData: { retention },
      },
      new Date(),
      context,
    );
    expect(payload.event_data).toEqual({ retention });
  });
});

describe(formatBody.name, () => {
  const payload = artifactPayload('PULL_ARTIFACT', event({ action: 'pull' }), context);
  const ids = { projectId: 7n, policyId: 3n, requestId: 'req-1' };

  it('sends the payload as JSON by default', () => {
    const body = formatBody(payload, { type: 'http', payloadFormat: 'Default' }, ids);
    expect(body.contentType).toBe('application/json');
    expect(JSON.parse(body.body)).toEqual(payload);
  });

  it("wraps the event data in a CloudEvent with Harbor's attributes", () => {
    const body = formatBody(payload, { type: 'http', payloadFormat: 'CloudEvents' }, ids);
    expect(body.contentType).toBe('application/cloudevents+json');
    expect(JSON.parse(body.body)).toEqual({
      specversion: '1.0',
      requestid: 'req-1',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      source: '/projects/7/webhook/policies/3',
      type: 'harbor.artifact.pulled',
      datacontenttype: 'application/json',
      time: '2026-12-08T10:00:00Z',
      data: payload.event_data,
      operator: 'alice',
    });
  });

  it("formats Harbor's Slack message, escaping what the payload holds", () => {
    const tricky = { ...payload, operator: 'robot$"quoted"' };
    const body = formatBody(tricky, { type: 'slack', payloadFormat: '' }, ids);
    const message = JSON.parse(body.body);
    const texts = message.blocks.map((block: { text: { text: string } }) => block.text.text);
    expect(texts[0]).toBe('*Harbor webhook events*');
    expect(texts[1]).toBe('*event_type:* PULL_ARTIFACT');
    expect(texts[3]).toBe('*operator:* robot$"quoted"');
    expect(texts[5]).toContain('"repo_full_name": "library/busybox"');
  });
});

describe(signBody.name, () => {
  it('is the hex HMAC-SHA256 of the exact bytes', () => {
    const body = Buffer.from('{"type":"PUSH_ARTIFACT"}');
    expect(signBody('secret', body)).toBe(
      `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`,
    );
    expect(signBody('secret', body)).not.toBe(signBody('other', body));
  });
});
