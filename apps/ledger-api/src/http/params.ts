import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
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
