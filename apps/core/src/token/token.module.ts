import { Global, Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { SigningKeyService } from './signing-key.service.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { TokenVerifier } from './token-verifier.js';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { TOKEN_SETTINGS, tokenSettingsOf } from './token-settings.js';

/**
 * Docker token auth: the signing keys, `/service/token`, and the verifier and revocations the
 * `/v2/` authorizer uses. Global so the registry module can wire the authorizer without importing this module.
 */
@Global()
@Module({
  imports: [DatabaseModule],
  controllers: [TokenController],
  providers: [
    {
      provide: TOKEN_SETTINGS,
      inject: [BERTH_CONFIG],
      useFactory: (config: BerthConfig) => tokenSettingsOf(config),
    },
    SigningKeyService,
    TokenService,
    TokenVerifier,
    TokenRevocationService,
  ],
  exports: [TOKEN_SETTINGS, SigningKeyService, TokenService, TokenVerifier, TokenRevocationService],
})
export class TokenModule {}
