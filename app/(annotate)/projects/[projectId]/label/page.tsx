import { requireProjectPage } from '@/server/auth/guard';
import { runtime } from '@/server/runtime';
import { resolveProjectSettings } from '@/lib/protocol/project-settings';
import { can } from '@/lib/roles';
import { Labeler } from '@/components/labeling/Labeler';

export const dynamic = 'force-dynamic';

export default async function LabelPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { user, id, project } = await requireProjectPage(projectId, 'label');
  const { config, services } = runtime();
  // Imported classes to confirm are shown like the model's suggestion, whatever the project's setting for the model's.
  const suggestions = resolveProjectSettings(project.settings).labeling.suggestions
    || (project.task.task === 'classification' && await services.labels.hasImportedPrelabels(user.principal, id));
  const lead = can({ userRole: user.role, projectRole: project.role === 'admin' ? null : project.role }, 'project.review');
  return (
    <Labeler
      projectId={project.id} userId={user.id} projectName={project.name} task={project.task}
      retrainEvery={config.retrainEvery} modelHref={lead ? `/projects/${project.id}/model` : undefined}
      suggestions={suggestions}
      itemsHref={lead ? `/projects/${project.id}/items` : undefined}
      guidelines={project.guidelines ?? null}
    />
  );
}
