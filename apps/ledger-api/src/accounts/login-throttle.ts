import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import {
  DEFAULT_FAILED_LOGINS_PER_ADDRESS,
  DEFAULT_FAILED_LOGINS_PER_USERNAME,
  type LedgerConfig,
} from '../config';
import { LEDGER_CONFIG } from '../tokens';

const WINDOW_MS = 15 * 60_000;

/** 429 for sign-ins after too many failures; the filter sets Retry-After. */
export class TooManyFailedLogins extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: [
          `username: too many failed sign-ins for this username or from this address; try again in ${retryAfterSeconds} s`,
        ],
        retryAfter: retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Failed sign-ins counted per username and per address in @nestjs/throttler's storage (as the
 * guard counts bad tokens); past either limit every sign-in of that username or from that
 * address is 429 until the block ends, the right password included: guessing costs time.
 */
@Injectable()
export class LoginThrottle {
  private readonly blockedUntil = new Map<string, number>();
  private readonly limits: { user: number; address: number };

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.limits = {
      user: config.failedLoginsPerUsername ?? DEFAULT_FAILED_LOGINS_PER_USERNAME,
      address: config.failedLoginsPerAddress ?? DEFAULT_FAILED_LOGINS_PER_ADDRESS,
    };
  }

  private keys(username: string, address: string): [string, number][] {
    return [
      [`login-user:${username.toLowerCase()}`, this.limits.user],
      [`login-address:${address}`, this.limits.address],
    ];
  }

  /** Throws 429 (with the seconds to wait) while the username or the address is blocked. */
  refuseIfBlocked(username: string, address: string, setRetryAfter: (s: string) => void): void {
    const now = Date.now();
    const until = Math.max(
      ...this.keys(username, address).map(([key]) => this.blockedUntil.get(key) ?? 0),
    );
    if (until > now) {
      const seconds = Math.max(1, Math.ceil((until - now) / 1000));
      setRetryAfter(String(seconds));
      throw new TooManyFailedLogins(seconds);
    }
  }

  async failed(username: string, address: string): Promise<void> {
    for (const [key, limit] of this.keys(username, address)) {
      // Throttler blocks past `limit` hits: at the limit-th failure the next sign-in is 429.
      const record = await this.storage.increment(
        key,
        WINDOW_MS,
        Math.max(0, limit - 1),
        WINDOW_MS,
        'login',
      );
      if (record.isBlocked)
        this.blockedUntil.set(key, Date.now() + record.timeToBlockExpire * 1000);
    }
  }
}
