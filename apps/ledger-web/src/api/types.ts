/**
 * The answers the console reads whose operations have no response schema in the OpenAPI
 * document yet (issue 12 item 2 asks the API to add them): only the fields the pages show.
 */
export type Grade = 'A' | 'B' | 'C' | 'D' | 'E' | 'ungraded' | 'no-business' | 'not-graded';

export interface RegistryEntry {
  uscc: string;
  name?: string;
  jurisdiction?: string;
  category?: string;
  status: 'pending-review' | 'registered' | 'deregistered';
  serviceTypes?: string[];
  monitoringTypes?: string[];
  scope?: string[];
  legalRepresentative?: string;
  registeredOn?: string;
  approvedOn?: string | null;
  reviewDueOn?: string | null;
  returned?: boolean;
  deregisteredOn?: string | null;
  grade?: Grade;
  cmaCertificate?: { number?: string; issuer?: string; validUntil?: string } | null;
  cmaStatus?: string;
  activePersonnel?: number;
  equipmentInService?: number;
  penalties?: number;
  creditFindings?: number;
  pendingChange?: { filedOn: string; reviewDueOn: string | null; fields?: string[] } | null;
  addresses?: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface Explanation {
  rule: string;
  article: string;
  facts: string[];
}

export interface GradeAnswer {
  uscc: string;
  asOf: string;
  knownAt: string;
  grade: Grade;
  score?: number | null;
  riskLevel?: string;
  policy?: { jurisdiction: string; version: string };
  effectiveFrom?: string | null;
  cause?: string;
  decidedBy?: { eventId: string; position: number } | null;
  explanation: Explanation[];
}

export interface GradePeriod {
  grade: Grade;
  score?: number | null;
  from: string;
  to: string | null;
  cause: string;
  decidedBy?: { eventId: string; position: number } | null;
  explanation?: Explanation[];
}

export interface GradeHistory {
  uscc: string;
  knownAt: string;
  periods: GradePeriod[];
}

export interface CreditRecordEntry {
  recordEventId: string;
  kind: string;
  occurredOn: string;
  recordedAt: string;
  displayed?: boolean;
  displayUntil?: string;
  recordedIn?: string;
  summary: Record<string, unknown>;
  repairs?: { repairId: string; reason: string; requestedOn: string; status: string }[];
}

export interface CreditRecordAnswer {
  uscc: string;
  asOf: string;
  knownAt: string;
  records: CreditRecordEntry[];
}

export interface LedgerEvent {
  eventId: string;
  type: string;
  version: number;
  position: number | string;
  occurredAt: string;
  recordedAt: string;
  actor: { sub?: string; role?: string } | string | null;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string | null;
}

export interface VerifyAnswer {
  ok: boolean;
  streams: number;
  events: number;
  firstBadEvent?: unknown;
}

export interface ReplayAnswer {
  recomputed: GradeAnswer;
  recorded: GradeAnswer;
  match: boolean;
}

export interface CommandAnswer {
  uscc?: string;
  version?: number;
  position?: number;
  eventIds?: string[];
  objectionId?: string;
  reviewDueOn?: string | null;
  repairId?: string;
  cycleId?: string;
}

export interface Cycle {
  cycleId: string;
  jurisdiction: string;
  year: number;
  status: string;
  publicityEndsOn: string;
  publishedOn: string | null;
  proposals: { uscc: string; grade: Grade; score?: number }[];
  objections: {
    objectionId: string;
    uscc: string;
    status: 'pending' | 'upheld' | 'rejected';
    filedOn: string;
    reviewDueOn: string | null;
  }[];
}
