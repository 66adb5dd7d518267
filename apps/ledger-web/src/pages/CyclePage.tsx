export function CyclePage() { return null; }
