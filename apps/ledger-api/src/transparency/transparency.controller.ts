import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCommandResponses, ApiQueryResponses, anyObject, arrayOf } from '../http/openapi';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../auth';
import {
  ConsistencyProofQuery,
  InclusionProofQuery,
  VerifyAgainstCheckpointDto,
} from './transparency.dto';
import { TransparencyService } from './transparency.service';

/** The verifiable log (ADR 027): a Merkle tree over every event, signed tree heads, proofs. */
@ApiTags('audit')
@Controller('api/v1')
export class TransparencyController {
  constructor(private readonly log: TransparencyService) {}

  @Get('ledger/public-key')
  @ApiQueryResponses(anyObject('the Ed25519 public key: its C2SP verifierKey and PEM'))
  @Public()
  @ApiOperation({
    summary:
      "The ledger's Ed25519 public key, which signs its checkpoints and evidence bundles (and its C2SP verifier key)",
  })
  publicKey() {
    return this.log.publicKey();
  }

  @Post('ledger/checkpoints')
  @ApiCommandResponses({
    answer: anyObject('the signed checkpoint: treeSize, rootHash, note'),
    etag: false,
    conflict: 'the tree does not extend the last checkpoint',
  })
  @HttpCode(201)
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      'Sign a checkpoint (C2SP tlog-checkpoint) of the Merkle log over every event; the same size answers the checkpoint already signed',
  })
  checkpoint() {
    return this.log.checkpoint();
  }

  @Get('exports/checkpoints')
  @ApiQueryResponses(arrayOf(anyObject('a signed checkpoint'), 'every signed checkpoint'))
  @Public()
  @ApiOperation({
    summary:
      'Every checkpoint the ledger signed, oldest first: what auditors keep outside the database',
  })
  checkpoints() {
    return this.log.checkpoints();
  }

  @Get('ledger/proofs/inclusion')
  @ApiQueryResponses(anyObject('the inclusion proof (RFC 9162 §2.1.3)'), {
    notFound: 'no such event, or no checkpoint of that size',
  })
  @Roles('auditor', 'reviewer', 'regulator')
  @ApiOperation({
    summary: "An event's inclusion proof (RFC 9162 §2.1.3) in the tree of treeSize events",
  })
  inclusion(@Query() query: InclusionProofQuery) {
    return this.log.inclusion(query.eventId, query.treeSize);
  }

  @Get('ledger/proofs/consistency')
  @ApiQueryResponses(anyObject('the consistency proof (RFC 9162 §2.1.4)'), {
    notFound: 'no checkpoint of that size',
  })
  @Public()
  @ApiOperation({
    summary:
      'The consistency proof (RFC 9162 §2.1.4) that the tree of `to` events extends the tree of `from`',
  })
  consistency(@Query() query: ConsistencyProofQuery) {
    return this.log.consistency(query.from, query.to);
  }

  @Post('ledger/verify')
  @ApiQueryResponses(
    anyObject('whether the ledger still extends the checkpoint, and the first event that does not'),
  )
  @HttpCode(200)
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      "Whether today's ledger still extends a checkpoint it signed: recomputes every event's hash as stored and names the first that no longer matches",
  })
  verify(@Body() body: VerifyAgainstCheckpointDto) {
    return this.log.verify(body.checkpoint);
  }
}
