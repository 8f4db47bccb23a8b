export {
  DEFAULT_GC_WINDOWS,
  batches,
  formatFreed,
  gcCutoffs,
  gcJobParameters,
  inParallel,
  type GcCutoffs,
  type GcWindows,
} from './gc-decision.js';
export { GC_ACTOR, gcProcessor, type GcProcessorDeps } from './gc.processor.js';
