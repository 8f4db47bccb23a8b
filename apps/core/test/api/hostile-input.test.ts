/**
 * Hostile values in every parameter of every route, as an attacker would try them: each path and
 * query parameter that Berth's own OpenAPI document lists gets, one at a time, a NUL byte, invalid
 * UTF-8, 20-digit and negative numbers and a 10 000-character string, the others a plausible
 * value, as the system administrator (who passes every access rule, so the value reaches the
 * handler). No answer may be a 5xx: such input is refused at the request edge in Harbor's shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';
import { berthDocument } from '../support/harbor-swagger.js';
import { mapLimit } from './authorization-matrix.support.js';

const PROJECT = 'hostile';

/** As they appear in a URL: already percent-encoded where they must be. */
const HOSTILE_VALUES: Record<string, string> = {
  nul: '%00',
  'nul inside': 'a%00b',
  'invalid utf-8 (%C3%28)': '%C3%28',
  'invalid utf-8 (%FF)': '%FF',
  '20 digits': '99999999999999999999',
  negative: '-1',
  'negative 20 digits': '-99999999999999999999',
  '10 000 characters': 'x'.repeat(10_000),
};

/** A value each parameter takes when it is not the one under attack. */
const PLAUSIBLE: Record<string, string> = {
  project_name_or_id: PROJECT,
  project_name: PROJECT,
  repository_name: 'app',
  reference: 'latest',
  tag_name: 'latest',
  addition: 'build_history',
  meta_name: 'public',
};

interface Parameter {
  name: string;
  in: string;
}

interface Attack {
  name: string;
  method: string;
  url: string;
}

function attacks(): Attack[] {
  const list: Attack[] = [];
  for (const [path, item] of Object.entries(berthDocument.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const parameters = ((operation as { parameters?: Parameter[] }).parameters ?? []).filter(
        (parameter) => parameter.in === 'path' || parameter.in === 'query',
      );
      for (const target of parameters) {
        for (const [label, value] of Object.entries(HOSTILE_VALUES)) {
          let url = path;
          const query: string[] = [];
          for (const parameter of parameters) {
            const chosen = parameter === target ? value : (PLAUSIBLE[parameter.name] ?? '1');
            if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, chosen);
            else if (parameter === target) query.push(`${parameter.name}=${chosen}`);
          }
          if (query.length) url += `?${query.join('&')}`;
          list.push({
            name: `${method.toUpperCase()} ${path} ${target.in} ${target.name}: ${label}`,
            method: method.toUpperCase(),
            url,
          });
        }
      }
    }
  }
  return list;
}

describe('hostile input', () => {
  let core: CoreProcess;
  let admin: ApiClient;

  beforeAll(async () => {
    core = await startCore();
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
    expect((await admin.post('/projects', { project_name: PROJECT })).status).toBe(201);
  });

  afterAll(async () => {
    await core?.stop();
  });

  it('covers every operation with a parameter in the document', () => {
    const operations = new Set(attacks().map((attack) => attack.name.split(' ').slice(0, 2).join(' ')));
    expect(operations.size).toBeGreaterThan(60);
    expect(operations).toContain('GET /api/v2.0/projects/{project_name_or_id}');
    expect(operations).toContain('GET /service/token');
  });

  it('never answers a 5xx to NUL, invalid UTF-8, huge numbers or very long strings', async () => {
    const failures: string[] = [];
    await mapLimit(attacks(), 8, async (attack) => {
      const response = await fetch(core.url + attack.url, {
        method: attack.method,
        headers: { authorization: admin.authorization!, accept: 'application/json' },
      });
      const text = await response.text();
      if (response.status >= 500) failures.push(`${attack.name} → ${response.status} ${text.slice(0, 200)}`);
    });
    expect(failures).toEqual([]);
    expect(core.logs()).not.toMatch(/request [0-9a-f-]{36} failed/);
  });

  it("refuses the reported values with Harbor's 400", async () => {
    for (const path of [
      '/projects?name=%00',
      '/search?q=%00',
      '/users?username=%00',
      '/projects/%00',
      '/projects/99999999999999999999',
      '/projects/%C3%28',
      '/robots/not-a-number',
      '/users/-1',
      `/projects?name=${'x'.repeat(10_000)}`,
    ]) {
      const reply = await admin.get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body.errors[0].code, path).toBe('BAD_REQUEST');
    }
    const token = await fetch(`${core.url}/service/token?service=berth&scope=repository:a%00:pull`);
    expect(token.status).toBe(400);
  });
});
