import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OutboundAddressPolicy, type AddressRange } from './address-policy.js';

/** An address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (A and AAAA), as the system resolver answers. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A target Berth refuses to send to: not http(s), credentials in it, or a forbidden address. */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/** The target's host name does not resolve (now): retrying later may help. */
export class TargetUnresolvableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetUnresolvableError';
  }
}

export interface TargetGuardOptions {
  /** Blocks that may be reached although private (`BERTH_ALLOW_PRIVATE_TARGETS`). */
  allowPrivateTargets?: readonly AddressRange[];
  /** The system resolver (`getaddrinfo`, so /etc/hosts counts) unless given. */
  resolve?: HostResolver;
  /** A resolution taking longer fails as unresolvable. Default 5 s. */
  resolveTimeoutMs?: number;
}

/** Longer target URLs are refused; no webhook endpoint needs more. */
export const MAX_TARGET_URL_LENGTH = 2048;

const systemResolver: HostResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/**
 * The SSRF guard of outbound requests (webhook deliveries, later replication endpoints): a target
 * URL must be http(s) without credentials, and every address its host resolves to must be allowed
 * by the `OutboundAddressPolicy` — one forbidden answer refuses the whole name, since a client may
 * connect to any of them. The caller connects only to the addresses checked here (never resolving
 * again), so a name cannot answer one address to the check and another to the connection.
 */
export class OutboundTargetGuard {
  readonly policy: OutboundAddressPolicy;
  private readonly resolver: HostResolver;
  private readonly resolveTimeoutMs: number;

  constructor(options: TargetGuardOptions = {}) {
    this.policy = new OutboundAddressPolicy(options.allowPrivateTargets ?? []);
    this.resolver = options.resolve ?? systemResolver;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 5000;
  }

  /** Parses a target URL, refusing what is not an http(s) URL Berth may send to (TargetRefusedError). */
  parse(raw: string): URL {
    if (raw.length > MAX_TARGET_URL_LENGTH) {
      throw new TargetRefusedError(`the address is longer than ${MAX_TARGET_URL_LENGTH} characters`);
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefusedError(`${truncate(raw)} is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TargetRefusedError(`${truncate(raw)} is not an http or https URL`);
    }
    if (url.username || url.password) {
      throw new TargetRefusedError('the address must not carry credentials; use the auth header');
    }
    if (!url.hostname) throw new TargetRefusedError(`${truncate(raw)} names no host`);
    return url;
  }

  /**
   * The addresses `url`'s host may be reached at: the literal address, or every answer of the
   * resolver. Throws TargetRefusedError when one is forbidden, TargetUnresolvableError when the name
   * does not resolve.
   */
  async addressesOf(url: URL): Promise<ResolvedAddress[]> {
    const host = hostOf(url);
    const literal = isIP(host);
    const addresses =
      literal !== 0 ? [{ address: host, family: literal as 4 | 6 }] : await this.resolveName(host);
    for (const { address } of addresses) {
      const verdict = this.policy.check(address);
      if (!verdict.allowed) {
        throw new TargetRefusedError(
          literal !== 0 ? `${verdict.reason}` : `${host} resolves to ${verdict.reason}`,
        );
      }
    }
    return addresses;
  }

  /** Parses and checks a target: `parse`, then `addressesOf`. */
  async check(raw: string): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
    const url = this.parse(raw);
    return { url, addresses: await this.addressesOf(url) };
  }

  private async resolveName(host: string): Promise<ResolvedAddress[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TargetUnresolvableError(`resolving ${host} took longer than ${this.resolveTimeoutMs} ms`),
          ),
        this.resolveTimeoutMs,
      );
    });
    try {
      const addresses = await Promise.race([this.resolver(host), timeout]);
      if (addresses.length === 0) throw new TargetUnresolvableError(`${host} has no address`);
      return addresses;
    } catch (error) {
      if (error instanceof TargetUnresolvableError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new TargetUnresolvableError(`${host} does not resolve (${code})`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
