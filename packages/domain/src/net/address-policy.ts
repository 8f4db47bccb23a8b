import ipaddr from 'ipaddr.js';

/** An address block (`10.0.0.0/8`, `fd00::/8`), as `BERTH_ALLOW_PRIVATE_TARGETS` lists them. */
export interface AddressRange {
  address: string;
  prefixLength: number;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Why ipaddr.js's ranges are not reachable from the public internet, in words for a refusal. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a unique local address',
  reserved: 'a reserved address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/**
 * Which addresses outbound requests (webhook deliveries, later replication) may connect to: public
 * unicast addresses only, unless the administrator allowed a block (`BERTH_ALLOW_PRIVATE_TARGETS`).
 * Everything ipaddr.js does not classify as `unicast` is refused — loopback, private (RFC 1918),
 * link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT, unique local, the
 * unspecified address, multicast, reserved and documentation ranges — and IPv6 forms that embed an
 * IPv4 address (6to4, Teredo, NAT64) are refused outright rather than decoded, since they can
 * carry a private IPv4 address. An IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export class OutboundAddressPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(allowedRanges: readonly AddressRange[] = []) {
    this.allowed = allowedRanges.map((range) => [ipaddr.parse(range.address), range.prefixLength]);
  }

  /** Whether a connection to `address` (an IP literal) is allowed, and if not why. */
  check(address: string): AddressVerdict {
    if (!ipaddr.isValid(address)) return { allowed: false, reason: `${address} is not an IP address` };
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (this.isAllowedExplicitly(parsed)) return { allowed: true };
    const range = parsed.range();
    if (range === 'unicast') return { allowed: true };
    const what = RANGE_NAMES[range] ?? `an address of the ${range} range`;
    return {
      allowed: false,
      reason: `${parsed.toString()} is ${what}; an administrator may allow it in BERTH_ALLOW_PRIVATE_TARGETS`,
    };
  }

  private isAllowedExplicitly(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.allowed.some(
      ([base, prefix]) => base.kind() === address.kind() && address.match(base, prefix),
    );
  }
}
