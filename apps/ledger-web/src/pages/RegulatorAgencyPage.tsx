export function RegulatorAgencyPage() { return null; }
