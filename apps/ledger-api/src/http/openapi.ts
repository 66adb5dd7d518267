import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The regulations an `article` id cites, by its prefix (the seeds in the project's shared
 * folder; their Chinese texts are the law). `national-faq-3-5` is part 三, question 5.
 */
export const ARTICLE_SOURCES: Readonly<Record<string, string>> = {
  'beijing-':
    'seed 000: 北京市生态环境监测技术服务机构备案管理办法（试行） (Beijing), beijing-<article>[-<item>]',
  'chongqing-':
    'seed 001: 重庆市生态环境监测社会服务管理办法（征求意见稿） (Chongqing), chongqing-<article>[-<item>]',
  'national-faq-':
    'seed 002: 生态环境监测技术服务机构备案 常见问题及解答 V1.0 (the national FAQ), national-faq-<part>-<question>',
  'jiaxing-':
    'seed 003: 嘉兴市社会环境监测机构环境信用评价实施办法 (Jiaxing), jiaxing-<article>[-<item>]',
  'urumqi-':
    'seed 004: 乌鲁木齐市社会生态环境监测服务机构管理办法（试行） (Urumqi, with market regulation), urumqi-<article>[-<item>]',
  'prc-official-calendar':
    '国务院办公厅 关于部分节假日安排的通知 (the State Council notice of each year: the official working-day calendar)',
  'ledger-': "the ledger's own rules (valid time, append-only, accounts), not a regulation",
};

const ARTICLE_DESCRIPTION = `The rule that refuses, as an id \`<source>-<article>[-<item>]\`. Sources: ${Object.entries(
  ARTICLE_SOURCES,
)
  .map(([prefix, source]) => `\`${prefix}…\` ${source}`)
  .join('; ')}.`;

/** Every error answer (API.md, Conventions): each message names its field first. */
export class ApiErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({
    type: [String],
    example: ['uscc: check character does not match'],
    description: 'one per problem, each `<field>: <what is wrong>`',
  })
  message!: string[];
}

/** A refusal by a rule of the domain (422), or a conflict with what is recorded (409). */
export class DomainErrorDto extends ApiErrorDto {
  @ApiProperty({
    example: 'beijing-23',
    description: ARTICLE_DESCRIPTION,
    'x-article-sources': ARTICLE_SOURCES,
  } as never)
  article!: string;
}

/** 409 for a stale If-Match: the version the stream is at. */
export class ConflictErrorDto extends ApiErrorDto {
  @ApiPropertyOptional({ description: 'the article of a domain conflict (see DomainError)' })
  article?: string;
  @ApiPropertyOptional({ description: 'with a stale If-Match: the version the stream is at' })
  currentVersion?: number;
}

/** The answer of every command on an agency's stream (API.md, Conventions). */
export class CommandAnswerDto {
  @ApiProperty({ example: '91110000802100433B' }) uscc!: string;
  @ApiProperty({ description: 'the stream version after the command; also the ETag' })
  version!: number;
  @ApiProperty({ description: 'global position of the last event appended' })
  position!: number;
  @ApiProperty({ type: [String], description: 'the events appended (empty: nothing new)' })
  eventIds!: string[];
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    description:
      'a registration or a change: when its formal review is due (null while the calendar of that year is not recorded)',
  })
  reviewDueOn?: string | null;
  @ApiPropertyOptional({ description: 'a person taken on: their opaque id, never the ID number' })
  personId?: string;
  @ApiPropertyOptional({ description: 'a piece of equipment added: its id' })
  equipmentId?: string;
}

export const ETAG_HEADER = {
  ETag: {
    description:
      'the stream version after the command, e.g. "5": send it back as If-Match to write only if nobody wrote in between',
    schema: { type: 'string' },
  },
} as const;

type Answer = Type<unknown> | [Type<unknown>] | SchemaObject;

function content(
  answer: Answer,
): { type: Type<unknown> | [Type<unknown>] } | { schema: SchemaObject } {
  return typeof answer === 'function' || Array.isArray(answer)
    ? { type: answer }
    : { schema: answer };
}

export interface CommandResponsesOptions {
  /** The 201 answer's shape; default the agency command answer. */
  answer?: Answer;
  description?: string;
  /** Whether the answer sets ETag (the stream's version); default true. */
  etag?: boolean;
  /** What a 409 means here. */
  conflict?: string;
  /** What a 404 means here. */
  notFound?: string;
  /** What a 422 means here (the rules it applies). */
  refused?: string;
}

/** A command's answers: 201 (with ETag), 400, 404, 409, 422, each with its shape. */
export function ApiCommandResponses(options: CommandResponsesOptions = {}) {
  return applyDecorators(
    ApiExtraModels(CommandAnswerDto, ApiErrorDto, DomainErrorDto, ConflictErrorDto),
    ApiCreatedResponse({
      description: options.description ?? 'recorded',
      ...content(options.answer ?? CommandAnswerDto),
      ...(options.etag !== false && { headers: ETAG_HEADER }),
    }),
    ApiBadRequestResponse({
      description: 'bad input, each message naming its field; nothing recorded',
      type: ApiErrorDto,
    }),
    ApiNotFoundResponse({
      description: options.notFound ?? 'no such agency or resource',
      type: ApiErrorDto,
    }),
    ApiConflictResponse({
      description:
        options.conflict ??
        'a stale If-Match, an Idempotency-Key reused with another body, or a duplicate',
      type: ConflictErrorDto,
    }),
    ApiUnprocessableEntityResponse({
      description: options.refused ?? 'a rule of the domain refuses it, citing its article',
      type: DomainErrorDto,
    }),
  );
}

export interface QueryResponsesOptions {
  description?: string;
  /** What a 404 means here; omit when the query always answers. */
  notFound?: string;
  /** Whether the answer sets ETag. */
  etag?: boolean;
  /** The answer's media type when not JSON (an export). */
  produces?: Record<string, SchemaObject>;
}

/** A query's answers: 200 with its shape, 400 for a bad parameter, 404 where it names something. */
export function ApiQueryResponses(answer: Answer, options: QueryResponsesOptions = {}) {
  const decorators = [
    ApiExtraModels(ApiErrorDto),
    options.produces
      ? ApiOkResponse({
          description: options.description ?? 'the answer',
          content: Object.fromEntries(
            Object.entries(options.produces).map(([type, schema]) => [type, { schema }]),
          ),
        })
      : ApiOkResponse({
          description: options.description ?? 'the answer',
          ...content(answer),
          ...(options.etag && { headers: ETAG_HEADER }),
        }),
    ApiBadRequestResponse({ description: 'a malformed parameter, named', type: ApiErrorDto }),
  ];
  if (options.notFound)
    decorators.push(ApiNotFoundResponse({ description: options.notFound, type: ApiErrorDto }));
  return applyDecorators(...decorators);
}

/** An object schema with the fields named, more allowed (a document that grows by addition). */
export function objectSchema(
  properties: Record<string, SchemaObject>,
  required: string[] = Object.keys(properties),
  description?: string,
): SchemaObject {
  return { type: 'object', properties, required, additionalProperties: true, description };
}

export const ref = (model: Type<unknown>): SchemaObject =>
  ({ $ref: getSchemaPath(model) }) as never;
export const str = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  ...(description && { description }),
  ...extra,
});
export const num = (description?: string): SchemaObject => ({
  type: 'number',
  ...(description && { description }),
});
export const int = (description?: string): SchemaObject => ({
  type: 'integer',
  ...(description && { description }),
});
export const bool = (description?: string): SchemaObject => ({
  type: 'boolean',
  ...(description && { description }),
});
export const date = (description?: string): SchemaObject => ({
  type: 'string',
  format: 'date',
  ...(description && { description }),
});
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
export const arrayOf = (items: SchemaObject, description?: string): SchemaObject => ({
  type: 'array',
  items,
  ...(description && { description }),
});
export const anyObject = (description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: true,
  ...(description && { description }),
});
