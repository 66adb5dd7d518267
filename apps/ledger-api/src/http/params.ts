import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { JURISDICTIONS } from '@ledger/domain';
import { validateUsccFormat } from '@ledger/domain/identity';

/**
 * A USCC in the path (`/agencies/:uscc/...`), checked for shape only: an agency registered
 * with an unverified code (`acceptUnverifiedCode`) must stay addressable. A code of the right
 * shape that names no agency is the handler's 404.
 */
@Injectable()
export class ParseUsccPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'uscc';
    if (typeof value !== 'string') throw usccBadRequest(`${field}: must be a string`);
    const format = validateUsccFormat(value);
    if (!format.valid) throw usccBadRequest(`${field}: ${format.reason}`);
    return value;
  }
}

function usccBadRequest(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: [message] });
}

/**
 * An id in the path checked for its shape before any handler reads a stream or a table with
 * it: `personId: must be an id this ledger issued (a UUID)`. A well-shaped id that names
 * nothing is still the handler's 404.
 */
export class ParseIdPipe implements PipeTransform<unknown, string> {
  constructor(
    private readonly shape: RegExp,
    /** What the id is, said in the message: `a cycle id such as beijing-2025`. */
    private readonly description: string,
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'id';
    if (typeof value !== 'string' || value.length > 100 || !this.shape.test(value)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: [`${field}: must be ${this.description}`],
      });
    }
    return value;
  }
}

/** personId, equipmentId, event ids: `randomUUID()`. */
export const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JURISDICTION = `(?:${JURISDICTIONS.join('|')})`;
/** `beijing-2025`: cycleIdOf(jurisdiction, year). */
export const CYCLE_ID_SHAPE = new RegExp(`^${JURISDICTION}-\\d{4}$`);
/** `<cycleId>.<12 hex>`: an objection of that cycle. */
export const OBJECTION_ID_SHAPE = new RegExp(`^${JURISDICTION}-\\d{4}\\.[0-9a-f]{12}$`);
/** `<uscc>.<12 hex>`: a credit repair or a directory application of that agency. */
export const REPAIR_ID_SHAPE = /^[0-9A-Z]{18}\.[0-9a-f]{12}$/;

export const ParsePersonIdPipe = new ParseIdPipe(UUID_SHAPE, 'an id this ledger issued (a UUID)');
/** A person's credit: the personRef (identity hash, 64 hex digits) or a personId (ADR 020). */
export const ParsePersonRefPipe = new ParseIdPipe(
  new RegExp(`^(?:[0-9a-f]{64}|${UUID_SHAPE.source.slice(1, -1)})$`, 'i'),
  'a personRef (64 hex digits) or a personId this ledger issued (a UUID)',
);
export const ParseEquipmentIdPipe = new ParseIdPipe(
  UUID_SHAPE,
  'an id this ledger issued (a UUID)',
);
export const ParseEventIdPipe = new ParseIdPipe(UUID_SHAPE, 'an event id (a UUID)');
export const ParseCycleIdPipe = new ParseIdPipe(CYCLE_ID_SHAPE, 'a cycle id such as beijing-2025');
export const ParseObjectionIdPipe = new ParseIdPipe(
  OBJECTION_ID_SHAPE,
  'an objection id this ledger issued (such as beijing-2025.0a1b2c3d4e5f)',
);
export const ParseRepairIdPipe = new ParseIdPipe(
  REPAIR_ID_SHAPE,
  'a repair id this ledger issued (<uscc>.<12 hex digits>)',
);
export const ParseReevaluationIdPipe = new ParseIdPipe(
  REPAIR_ID_SHAPE,
  'a re-evaluation id this ledger issued (<uscc>.<12 hex digits>)',
);
export const ParseApplicationIdPipe = new ParseIdPipe(
  REPAIR_ID_SHAPE,
  'an application id this ledger issued (<uscc>.<12 hex digits>)',
);
