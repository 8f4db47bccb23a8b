/**
 * Request bodies at the API's edge (issue 8): a body-less request that says
 * `Content-Type: application/json` is accepted as Harbor accepts it, and a body that is not JSON on
 * a JSON route is refused with 415 before anything happens; the console's login and the OAuth2
 * token form still take form bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api-client.js';
import { ADMIN_PASSWORD, startCore, type CoreProcess } from '../support/core-process.js';

describe('request bodies', () => {
  let core: CoreProcess;
  let admin: ApiClient;

  beforeAll(async () => {
    core = await startCore();
    admin = new ApiClient(core.url, { username: 'admin', password: ADMIN_PASSWORD });
  });

  afterAll(async () => {
    await core?.stop();
  });

  it('accepts a DELETE without a body that says Content-Type: application/json', async () => {
    expect((await admin.post('/projects', { project_name: 'empty-json-body' })).status).toBe(201);
    const deleted = await admin.delete('/projects/empty-json-body', undefined, {
      headers: { 'content-type': 'application/json' },
    });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await admin.get('/projects/empty-json-body')).status).toBe(404);
  });

  it('accepts a GET and a body-less POST with the header too; a POST that needs a body says so', async () => {
    const headers = { 'content-type': 'application/json' };
    expect((await admin.get('/projects', { headers })).status).toBe(200);
    const missing = await admin.post('/projects', undefined, { headers });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toEqual({
      code: 'BAD_REQUEST',
      message: 'request body is required (a JSON object)',
    });
  });

  it('refuses a form body on a JSON route with 415 and creates nothing', async () => {
    const form = await admin.post('/projects', new URLSearchParams({ project_name: 'from-a-form' }));
    expect(form.status).toBe(415);
    expect(form.body.errors[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await admin.get('/projects/from-a-form')).status).toBe(404);
  });

  it('refuses text/plain with 415, naming the content type and nothing internal', async () => {
    const text = await admin.post('/projects', '{"project_name":"from-text"}', {
      raw: true,
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.errors[0]).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'unsupported content type text/plain: send the body as application/json',
    });
    expect((await admin.get('/projects/from-text')).status).toBe(404);
  });

  it('refuses a NUL character anywhere in a JSON or form body with 400', async () => {
    const label = await admin.post('/labels', { name: 'nul', scope: 'g', description: 'a\u0000b' });
    expect(label.status, label.text).toBe(400);
    expect(label.body.errors[0].message).toBe('the request body must not contain NUL characters');
    const key = await admin.post('/projects', { project_name: 'nul-key', metadata: { 'a\u0000': 'x' } });
    expect(key.status).toBe(400);
    const login = await admin.post(
      '/c/login',
      new URLSearchParams({ principal: 'admin\u0000', password: 'x' }),
    );
    expect(login.status).toBe(400);
    expect((await admin.get('/labels?scope=g&name=nul')).body).toEqual([]);
  });

  it('answers malformed JSON with 400', async () => {
    const malformed = await admin.post('/projects', '{"project_name":', { raw: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].code).toBe('BAD_REQUEST');
  });

  it('still takes form bodies where Harbor sends them: the console login and the token form', async () => {
    const session = await ApiClient.login(core.url, 'admin', ADMIN_PASSWORD);
    expect((await session.get('/users/current')).status).toBe(200);
    const token = await fetch(`${core.url}/service/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        service: 'berth',
        username: 'admin',
        password: ADMIN_PASSWORD,
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { token?: string }).token).toBeTruthy();
  });
});
