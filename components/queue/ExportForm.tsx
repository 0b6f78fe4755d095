import type { ProjectTask } from '@/lib/tasks';
import { codecsOf } from '@/lib/tasks/codecs';

/**
 * Download the project's answers: a plain GET form, so the browser saves the file itself. The
 * formats are the task type's (csv and jsonl always; COCO and YOLO where the task type has them;
 * YOLO, a folder of images and label files, comes as a zip).
 */
export function ExportForm({ projectId, task }: { projectId: number; task: ProjectTask }) {
  const formats = ['csv', 'jsonl', ...codecsOf(task).map((c) => c.name)];
  return (
    <form method="get" action={`/api/projects/${projectId}/export`} data-testid="export-form">
      <label>Format{' '}
        <select name="format" defaultValue="csv">{formats.map((f) => <option key={f} value={f}>{f === 'yolo' ? 'yolo (a zip of images and labels)' : f}</option>)}</select>
      </label>{' '}
      <label>Answers{' '}
        <select name="answers" defaultValue="resolved">
          <option value="resolved">resolved: one per item (disputed items wait)</option>
          <option value="all">all: every answer, one row each (csv, jsonl)</option>
        </select>
      </label>{' '}
      <button type="submit">Download</button>
    </form>
  );
}
