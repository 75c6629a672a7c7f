// Secrets never reach logs or artifacts: every outgoing message passes through here.
import type { Project } from '../project/load-project.js';

export function redact(project: Pick<Project, 'secrets'>, text: string): string {
  let out = text;
  for (const s of project.secrets) if (s.length >= 3) out = out.split(s).join('*****');
  return out;
}
