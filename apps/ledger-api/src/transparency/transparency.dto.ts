import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsRequired } from '../http/validators';

/** Tree sizes are counts of events: safe integers. */
const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

export class InclusionProofQuery {
  @ApiProperty({ description: 'the event to prove', format: 'uuid' })
  @IsRequired()
  @IsUUID()
  eventId!: string;

  @ApiPropertyOptional({
    minimum: 1,
    description: 'the tree to prove it in (default: the latest checkpoint that holds it, else now)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize?: number;
}

export class ConsistencyProofQuery {
  @ApiProperty({ minimum: 1, description: 'the earlier tree size (an earlier checkpoint)' })
  @IsRequired()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  from!: number;

  @ApiProperty({ minimum: 1, description: 'the later tree size (a later checkpoint)' })
  @IsRequired()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  to!: number;
}

export class VerifyAgainstCheckpointDto {
  @ApiProperty({
    description:
      'a checkpoint this ledger signed (C2SP tlog-checkpoint signed note), as kept outside the ledger',
    example:
      'ledger.invalid/regulatory-credit-ledger\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— ledger.invalid/regulatory-credit-ledger AAAA…\n',
  })
  @IsRequired()
  @IsString()
  @MaxLength(10_000)
  checkpoint!: string;
}
