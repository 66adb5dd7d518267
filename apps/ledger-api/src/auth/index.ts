export * from './actor';
export * from './access';
export { CurrentActor, Public, Roles, requireActor } from './decorators';
export { AuthGuard, type AuthenticatedRequest } from './auth.guard';
export { AuthModule } from './auth.module';
export { signToken, parseExpiresIn, type ExpiresIn } from './sign-token';
