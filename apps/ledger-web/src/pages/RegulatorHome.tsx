export function RegulatorHome() { return null; }
