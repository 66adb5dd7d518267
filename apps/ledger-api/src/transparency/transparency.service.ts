import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import {
  openCheckpoint,
  rawPublicKey,
  keyId,
  verifierKey,
  verifierOf,
  type LedgerSigningKey,
} from '@ledger/event-store/transparency/note';
import {
  leafOfEvent,
  merkleLogSize,
  storedConsistencyPath,
  storedInclusionPath,
  storedRoot,
} from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';
import { ProjectionsService } from '../projections/projections.service';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import {
  checkpointOfSize,
  createCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  LogNotConsistentError,
  type CheckpointAnswer,
} from './checkpoints';
import { SIGNING_KEY } from './signing-key';
import { verifyAgainstCheckpoint, type CheckpointVerification } from './verify-against';

const b64 = (hash: Buffer) => hash.toString('base64');
const badRequest = (message: string) =>
  new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message] });

/** The Merkle log's checkpoints, proofs and verification (ADR 027). */
@Injectable()
export class TransparencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('transparency');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(SIGNING_KEY) readonly key: LedgerSigningKey,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly projections: ProjectionsService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.checkpointIntervalSeconds;
    if (seconds === undefined) return;
    this.timer = setInterval(() => {
      this.checkpoint().then(
        (made) => this.logger.log(`checkpoint of ${made.treeSize} events`),
        (error: unknown) =>
          this.logger.warn(
            `checkpoint failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    }, seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  publicKey() {
    const raw = rawPublicKey(this.key.publicKey);
    return {
      origin: this.key.name,
      algorithm: 'Ed25519',
      keyId: keyId(this.key.name, raw).toString('hex'),
      verifierKey: verifierKey(this.key),
      publicKey: raw.toString('base64'),
      publicKeyPem: this.key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  }

  /** Resolves once the Merkle log holds `position` (bounded wait, as commands wait). */
  async waitForLog(position: number): Promise<void> {
    const runner = this.projections.runners.find((r) => r.status().name === 'merkle-log');
    await runner?.waitFor(position, 10_000);
  }

  /** Signs the log as it stands once it holds every event appended so far. */
  async checkpoint(): Promise<CheckpointAnswer> {
    await this.waitForLog(await this.store.headPosition());
    try {
      return await createCheckpoint(this.pool, this.key);
    } catch (error) {
      if (error instanceof LogNotConsistentError)
        throw new ConflictException({
          statusCode: 409,
          error: 'Conflict',
          message: [error.message],
        });
      throw error;
    }
  }

  checkpoints(): Promise<CheckpointAnswer[]> {
    return listCheckpoints(this.pool);
  }

  async inclusion(eventId: string, treeSize?: number) {
    const leaf = await leafOfEvent(this.pool, eventId);
    if (!leaf)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`eventId: no event ${eventId} in the log`],
      });
    const size = await merkleLogSize(this.pool);
    const latest = await latestCheckpoint(this.pool);
    const chosen = treeSize ?? (latest && latest.treeSize > leaf.index ? latest.treeSize : size);
    if (chosen <= leaf.index)
      throw badRequest(
        `treeSize: the event is leaf ${leaf.index}, so a tree of ${chosen} events does not hold it`,
      );
    if (chosen > size) throw badRequest(`treeSize: the log holds ${size} events, not ${chosen}`);
    return {
      eventId,
      position: leaf.position,
      leafIndex: leaf.index,
      treeSize: chosen,
      leafHash: b64(leaf.leafHash),
      inclusionPath: (await storedInclusionPath(this.pool, leaf.index, chosen)).map(b64),
      rootHash: b64(await storedRoot(this.pool, chosen)),
      checkpoint: (await checkpointOfSize(this.pool, chosen))?.note ?? null,
    };
  }

  async consistency(from: number, to: number) {
    if (from > to) throw badRequest(`from: ${from} is after to (${to})`);
    const size = await merkleLogSize(this.pool);
    if (to > size) throw badRequest(`to: the log holds ${size} events, not ${to}`);
    return {
      from,
      to,
      fromRoot: b64(await storedRoot(this.pool, from)),
      toRoot: b64(await storedRoot(this.pool, to)),
      proof: (await storedConsistencyPath(this.pool, from, to)).map(b64),
      checkpoints: {
        from: (await checkpointOfSize(this.pool, from))?.note ?? null,
        to: (await checkpointOfSize(this.pool, to))?.note ?? null,
      },
    };
  }

  async verify(note: string): Promise<CheckpointVerification> {
    const opened = openCheckpoint(note, verifierOf(this.key));
    if (!opened.ok)
      throw badRequest(`checkpoint: not a checkpoint this ledger signed (${opened.reason})`);
    return verifyAgainstCheckpoint(this.store, this.pool, opened.checkpoint);
  }
}
