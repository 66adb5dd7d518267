export function AuditHome() { return null; }
export function AuditAgencyPage() { return null; }
