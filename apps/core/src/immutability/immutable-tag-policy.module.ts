import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  Database,
  IMMUTABLE_RULES_CHANNEL,
  ImmutableRuleRepository,
  listen,
  type ChannelListener,
} from '@berth/db';
import { ImmutableTagPolicy } from '@berth/domain';

const RECONNECT_DELAY_MS = 1000;

/**
 * Keeps this process's cached immutability rules honest: LISTENs on `berth_immutable_rules`
 * (every change of the rules notifies at commit) and drops the cache on each notification. While
 * the listener is down the policy trusts its cache for a second only, and the listener reconnects.
 */
@Injectable()
export class ImmutableRulesListener implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ImmutableTagRules');
  private listener: ChannelListener | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(ImmutableTagPolicy) private readonly policy: ImmutableTagPolicy,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.close();
  }

  private async listen(): Promise<void> {
    try {
      const listener: ChannelListener = await listen(this.database, IMMUTABLE_RULES_CHANNEL, {
        onNotification: () => this.policy.invalidate(),
        onLost: (error) => {
          if (this.listener === listener) this.reconnect(error);
        },
      });
      if (this.stopped) {
        await listener.close();
        return;
      }
      this.listener = listener;
      // Rules read before the LISTEN was in place may have missed a change: read them afresh.
      this.policy.setListening(true);
    } catch (error) {
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    this.policy.setListening(false);
    if (this.stopped) return;
    this.logger.warn(
      `immutability rule listener lost (${error instanceof Error ? error.message : String(error)}); reconnecting`,
    );
    const listener = this.listener;
    this.listener = null;
    void listener?.close();
    if (this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.listen();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}

/**
 * The process's tag immutability policy (`ImmutableTagPolicy`): the engine's TagPolicy, the
 * artifact list's `immutable` flags and the rules API share one cache.
 */
@Module({
  providers: [
    {
      provide: ImmutableTagPolicy,
      inject: [ImmutableRuleRepository],
      useFactory: (rules: ImmutableRuleRepository) => new ImmutableTagPolicy(rules),
    },
    ImmutableRulesListener,
  ],
  exports: [ImmutableTagPolicy],
})
export class ImmutableTagPolicyModule {}
