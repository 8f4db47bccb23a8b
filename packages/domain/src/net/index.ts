export { OutboundAddressPolicy, type AddressRange, type AddressVerdict } from './address-policy.js';
export {
  MAX_TARGET_URL_LENGTH,
  OutboundTargetGuard,
  TargetRefusedError,
  TargetUnresolvableError,
  hostOf,
  type HostResolver,
  type ResolvedAddress,
  type TargetGuardOptions,
} from './target-guard.js';
export { sendGuarded, type OutboundRequest, type OutboundResponse } from './guarded-http.js';
