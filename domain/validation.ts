import type { z } from 'zod';

/** Every problem zod found, each with the field it is about: "unit: unit is required; percentComplete: …". */
export function describeIssues(error: z.ZodError, whole = 'payload'): string {
  return error.issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}
