import type { WebhookPolicyRepository } from '@berth/db';
import { PermanentJobError, defineProcessor, webhookJob, type JobProcessor } from '@berth/jobs';
import { sendGuarded, type OutboundResponse } from '../../net/guarded-http.js';
import { type OutboundTargetGuard, TargetRefusedError } from '../../net/target-guard.js';
import { signBody } from '../../webhooks/webhook-payload.js';
import { SIGNATURE_HEADER } from '../../webhooks/webhook-types.js';

/** Opens what the core sealed with the instance key (`SecretBox`). */
export interface SecretOpener {
  open(sealed: string): string;
}

export interface WebhookProcessorDeps {
  policies: WebhookPolicyRepository;
  /** Null in a process without the instance key: deliveries then fail saying so. */
  secrets: SecretOpener | null;
  guard: OutboundTargetGuard;
  /** One attempt (every redirect included) must end within this long. Default 10 s. */
  timeoutMs?: number;
}

/** Delivery records kept on a task (the attempts' status codes, durations and answers). */
const DELIVERIES_KEPT = 10;
const RESPONSE_KEPT = 512;

/** One attempt as the task's `extra_attrs.deliveries` records it. */
interface DeliveryRecord {
  attempt: number;
  at: string;
  duration_ms: number;
  status_code?: number;
  response?: string;
  error?: string;
}

/**
 * Delivers one event to one target: POSTs the body formatted when the event fired (the execution's
 * `extra_attrs.payload`, the same bytes on every attempt) with its content type, the target's auth
 * header as `Authorization`, and `X-Harbor-Signature: sha256=<HMAC-SHA256 of the body>` keyed with
 * the policy's signing secret. Every attempt goes through the SSRF guard again (the address, each
 * resolved address, each redirect). A 2xx answer ends the task; any other answer, a timeout or a
 * network failure is retried with the kind's backoff; a refused target, a policy deleted, disabled
 * or without this target, ends it in Error at once. Each attempt is logged and recorded in the
 * task's `extra_attrs` (status code, duration, the answer's first bytes); secrets never are.
 */
export function webhookProcessor(deps: WebhookProcessorDeps): JobProcessor<typeof webhookJob> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  return defineProcessor(webhookJob, async (context) => {
    const { payload, execution, task, attempt, maxAttempts, signal, log } = context;
    const policy = await deps.policies.findById(BigInt(payload.policyId));
    if (!policy) throw new PermanentJobError(`webhook policy ${payload.policyId} no longer exists`);
    if (!policy.enabled) throw new PermanentJobError(`webhook policy ${policy.name} is disabled`);
    const target = policy.targets.find((candidate) => candidate.address === payload.address);
    if (!target) {
      throw new PermanentJobError(
        `webhook policy ${policy.name} no longer has the target ${originOf(payload.address)}`,
      );
    }
    const body = execution.extraAttrs.payload;
    if (typeof body !== 'string') throw new PermanentJobError('the delivery has no payload');
    const contentType =
      typeof execution.extraAttrs.content_type === 'string'
        ? execution.extraAttrs.content_type
        : 'application/json';
    if (!deps.secrets) {
      throw new PermanentJobError(
        'this process has no instance key (BERTH_SECRET_KEY, the core’s) to open the policy’s secrets',
      );
    }
    const secrets = deps.secrets;
    const open = (sealed: string, what: string): string => {
      try {
        return secrets.open(sealed);
      } catch {
        throw new PermanentJobError(
          `the policy's ${what} cannot be opened: this process's instance key is not the core's`,
        );
      }
    };
    const bytes = Buffer.from(body, 'utf8');
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': 'Berth-Webhook/1.0',
      [SIGNATURE_HEADER]: signBody(open(policy.signingSecretSealed, 'signing secret'), bytes),
    };
    if (target.authHeaderSealed) headers.authorization = open(target.authHeaderSealed, 'auth header');

    log.info(
      `attempt ${attempt} of ${maxAttempts}: POST ${payload.eventType} (${bytes.length} bytes) to ${originOf(target.address)}`,
    );
    const record: DeliveryRecord = { attempt, at: new Date().toISOString(), duration_ms: 0 };
    const started = performance.now();
    let response: OutboundResponse;
    try {
      response = await sendGuarded(deps.guard, target.address, {
        method: 'POST',
        headers,
        body: bytes,
        timeoutMs,
        skipCertVerify: target.skipCertVerify,
        keepBytes: RESPONSE_KEPT,
        signal,
      });
    } catch (error) {
      record.duration_ms = Math.round(performance.now() - started);
      record.error = describe(error);
      await recordDelivery(context, record);
      if (error instanceof TargetRefusedError) {
        log.error(`refused: ${record.error}`);
        throw new PermanentJobError(`the target is refused: ${record.error}`);
      }
      log.warn(`failed after ${record.duration_ms} ms: ${record.error}`);
      throw new Error(`delivery failed: ${record.error}`);
    }
    record.duration_ms = response.durationMs;
    record.status_code = response.status;
    record.response = response.bodySnippet;
    await recordDelivery(context, record);
    const via = response.redirects.length > 0 ? ` after ${response.redirects.length} redirects` : '';
    const answer = `${response.status} in ${response.durationMs} ms from ${response.address}${via}`;
    if (response.status >= 200 && response.status < 300) {
      log.info(`delivered: the target answered ${answer}`);
      await context.progress(1, 1);
      return;
    }
    log.warn(`the target answered ${answer}: ${oneLine(response.bodySnippet)}`);
    throw new Error(`the target answered ${response.status}`);

    async function recordDelivery(ctx: typeof context, entry: DeliveryRecord): Promise<void> {
      const earlier = Array.isArray(task.extraAttrs.deliveries)
        ? (task.extraAttrs.deliveries as DeliveryRecord[])
        : [];
      await ctx.updateTaskAttrs({
        deliveries: [...earlier.filter((d) => d.attempt !== entry.attempt), entry].slice(-DELIVERIES_KEPT),
        last_status_code: entry.status_code ?? null,
      });
    }
  });
}

/** The scheme, host and port of an address: what logs show (paths and queries may hold tokens). */
function originOf(address: string): string {
  try {
    return new URL(address).origin;
  } catch {
    return '(an invalid address)';
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const cause = error.cause instanceof Error ? error.cause : null;
  if (error.name === 'TimeoutError' || cause?.name === 'TimeoutError') return 'timed out';
  if (error.name === 'AbortError') return `aborted (${cause?.message ?? error.message})`;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}
