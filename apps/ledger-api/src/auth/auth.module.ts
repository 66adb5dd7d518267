import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule, type JwtModuleOptions } from '@nestjs/jwt';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import { AuthGuard } from './auth.guard';

export function jwtModuleOptions(secret: string): JwtModuleOptions {
  if (!secret)
    throw new Error('LEDGER_JWT_SECRET is empty: set a secret, or unset it in development');
  return {
    // A KeyObject, built once: given a string, jsonwebtoken's verify first tries it as a public
    // key (`createPublicKey`, which parses it and throws) and then makes the secret key, on
    // every request: 10 % of the process's profile under bench:commands (issue 14).
    secret: createSecretKey(Buffer.from(secret, 'utf8')),
    signOptions: { algorithm: 'HS256' },
    verifyOptions: { algorithms: ['HS256'] },
  };
}

/**
 * Bearer-token authentication for every route (see API.md, Conventions: Auth). Reads the
 * secret from the LedgerConfig that AppModule provides globally under LEDGER_CONFIG.
 */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => jwtModuleOptions(config.jwtSecret),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
