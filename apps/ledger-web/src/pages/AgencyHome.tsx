export function AgencyHome() { return null; }
